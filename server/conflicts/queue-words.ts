// The conflict queue's entries in words for the console: the question (members named), the base value, each
// candidate with its author's name, device and time, the kept value and the resolution, in Vietnamese and English.
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { answerWords, questionWords, type MemberName } from '../../shared/doc/field-words.ts'
import { Root } from '../../shared/doc/keys.ts'
import type { Label } from '../../shared/rules/answer-labels.ts'
import type { DocStore } from '../store/doc-store.ts'
import type { ConflictStore, QueueEntry } from '../store/conflict-store.ts'

export interface CandidateWords {
  value: Label
  author: string
  deviceId: string
  at: number
}

export interface ConflictWords {
  question: Label
  base: Label | null
  candidates: CandidateWords[]
  kept: Label
  resolution: Label | null
  resolvedBy: string | null
}

const both = (path: string, value: unknown): Label => ({
  vi: answerWords(path, value, 'vi'),
  en: answerWords(path, value, 'en'),
})

/** Members' names of the households whose member fields are on the page (one document read per household). */
function memberNames(entries: readonly QueueEntry[], docStore: DocStore | undefined): Map<string, MemberName> {
  const out = new Map<string, MemberName>()
  if (!docStore) return out
  for (const e of entries) {
    if (!e.path.startsWith(`${Root.MEMBERS}.`) || out.has(e.householdId)) continue
    const state = docStore.readState(e.householdId)
    if (!state) continue
    const doc = HouseholdDoc.load(state)
    const names = new Map(doc.members().map((m) => [m.id, m.fullName]))
    doc.ydoc.destroy()
    out.set(e.householdId, (id) => names.get(id) || undefined)
  }
  return out
}

export function inWords(
  entries: readonly QueueEntry[],
  store: ConflictStore,
  docStore: DocStore | undefined,
): (QueueEntry & { words: ConflictWords })[] {
  const people = store.displayNames(
    entries.flatMap((e) => [...e.candidates.map((c) => c.userId), ...(e.resolvedBy ? [e.resolvedBy] : [])]),
  )
  const members = memberNames(entries, docStore)
  return entries.map((e) => ({
    ...e,
    words: {
      question: questionWords(e.path, members.get(e.householdId)),
      base: e.base === null ? null : both(e.path, e.base),
      candidates: e.candidates.map((c) => ({
        value: both(e.path, c.value),
        author: people.get(c.userId) ?? c.userId,
        deviceId: c.deviceId,
        at: c.at,
      })),
      kept: both(e.path, e.kept),
      resolution: e.status === 'resolved' ? both(e.path, e.resolution) : null,
      resolvedBy: e.resolvedBy === null ? null : (people.get(e.resolvedBy) ?? e.resolvedBy),
    },
  }))
}
