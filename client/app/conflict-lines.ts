// The phone's conflict notices in words: the question (members named from the open document) and every value as the
// form shows it, so an enumerator never reads a raw path or code. Open ones wait for an administrator; settled ones
// say who resolved (or dismissed) them and with which value.
import { answerWords, questionWords, type Lang, type MemberName } from '../../shared/doc/field-words.ts'
import type { ConflictNote } from '../storage/summary-db.ts'

export interface ConflictLine {
  conflictId: string
  question: string
  values: string
  kept: string
  settled?: { status: 'resolved' | 'dismissed'; by: string; value: string }
}

export function conflictLines(notes: readonly ConflictNote[], lang: Lang, memberName?: MemberName): ConflictLine[] {
  return notes.map((n) => {
    const words = (v: unknown) => answerWords(n.path, v, lang)
    const distinct = [...new Map(n.values.map((v) => [JSON.stringify(v), v])).values()]
    return {
      conflictId: n.conflictId,
      question: questionWords(n.path, memberName)[lang],
      values: distinct.map(words).join(' / '),
      kept: words(n.kept),
      ...(n.settled
        ? {
            settled: {
              status: n.settled.status,
              by: n.settled.by,
              value: words(n.settled.status === 'dismissed' ? n.kept : n.settled.value),
            },
          }
        : {}),
    }
  })
}
