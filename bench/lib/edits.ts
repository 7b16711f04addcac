// Field edits as an enumerator makes them: set one existing number or boolean answer of a household to a new
// value, found by walking the document's Y.Maps (so it works for whatever layout shared/doc defines).

import * as Y from 'yjs'
import { Root } from '../../shared/doc/keys.ts'

export type FieldPath = string[]

/** Roots holding an enumerator's answers (meta, workflow, review, history and photos are left alone). */
const ANSWER_ROOTS: readonly string[] = [Root.FIELDS, Root.INCOME, Root.DWELLING, Root.ATTRIBUTES, Root.MEMBERS]

/** Bookkeeping keys that are not answers an enumerator types (layout versions, GPS, timestamps). */
const NOT_ANSWERS = /version|schema|format|lat|lng|accuracy|created|updated|captured|order|index|seq|position|removed/i

/** Editable leaf fields (number or boolean values inside Y.Maps), in a stable order. */
export function editableFields(doc: Y.Doc): FieldPath[] {
  const out: FieldPath[] = []
  const walk = (m: Y.Map<unknown>, path: string[]): void => {
    for (const key of [...m.keys()].sort()) {
      const v = m.get(key)
      if (v instanceof Y.Map) walk(v as Y.Map<unknown>, [...path, key])
      else if ((typeof v === 'number' || typeof v === 'boolean') && !NOT_ANSWERS.test(key)) out.push([...path, key])
    }
  }
  for (const root of ANSWER_ROOTS) {
    if (doc.share.has(root)) walk(doc.getMap(root), [root])
  }
  return out
}

function resolveMap(doc: Y.Doc, path: FieldPath): Y.Map<unknown> | null {
  let m: Y.Map<unknown> = doc.getMap(path[0] as string)
  for (const k of path.slice(1, -1)) {
    const next = m.get(k)
    if (!(next instanceof Y.Map)) return null
    m = next as Y.Map<unknown>
  }
  return m
}

const baseValues = new WeakMap<Y.Doc, Map<string, number>>()

/**
 * Set the field to a new value of the same type: booleans flip; numbers alternate between their first-seen value and
 * that value + 1 + salt % 5 (so they stay inside the layout's ranges). Returns the value written, or undefined.
 */
export function editField(doc: Y.Doc, path: FieldPath, salt: number): number | boolean | undefined {
  const m = resolveMap(doc, path)
  const key = path[path.length - 1] as string
  if (!m) return undefined
  const cur = m.get(key)
  let next: number | boolean
  if (typeof cur === 'boolean') next = !cur
  else if (typeof cur === 'number') {
    let bases = baseValues.get(doc)
    if (!bases) baseValues.set(doc, (bases = new Map()))
    const k = path.join('.')
    const base = bases.get(k) ?? cur
    bases.set(k, base)
    next = cur === base ? base + 1 + (salt % 5) : base
  } else return undefined
  doc.transact(() => m.set(key, next))
  return next
}

export function readField(doc: Y.Doc, path: FieldPath): unknown {
  const m = resolveMap(doc, path)
  return m?.get(path[path.length - 1] as string)
}
