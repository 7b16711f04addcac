// Planning and performing the writes of one intent: validate every value against the layout first, then write only
// the values that changed, in one transaction. Also the typed transaction origins and the intents' error results.

import * as Y from 'yjs'
import type { Income } from '../household/types.ts'
import {
  CODE_KEY,
  INCOME_KEYS,
  LOCATION_KEYS,
  MEMBER_KEYS,
  PHOTO_KEYS,
  valueFits,
  type KeySpecs,
  type RootName,
} from './keys.ts'
import { pathOf } from './paths.ts'

/** Transaction origins. Anything else seen on the doc (a provider object, undefined) is reported as remote. */
export type EditOrigin =
  | { kind: 'local'; intent: string }
  | { kind: 'remote' }
  | { kind: 'server-resolution'; conflictId?: string }
  | { kind: 'import' }
  | { kind: 'migration' }

export const REMOTE_ORIGIN: EditOrigin = Object.freeze({ kind: 'remote' })

export function toEditOrigin(origin: unknown): EditOrigin {
  if (typeof origin === 'object' && origin !== null && 'kind' in origin) {
    const kind = (origin as { kind: unknown }).kind
    if (
      kind === 'local' ||
      kind === 'remote' ||
      kind === 'server-resolution' ||
      kind === 'import' ||
      kind === 'migration'
    ) {
      return origin as EditOrigin
    }
  }
  return REMOTE_ORIGIN
}

export type EditErrorCode =
  | 'household/invalid-value'
  | 'household/unknown-path'
  | 'household/member-not-found'
  | 'household/photo-not-found'
  | 'household/invalid-transition'
  | 'household/proposal-not-found'
export type EditError = { ok: false; code: EditErrorCode; reason: string; path?: string }
export type EditResult = { ok: true } | EditError

export const OK: EditResult = Object.freeze({ ok: true })

/** A planned write; the value is an InvalidWrite when it was refused (nothing is written then). */
export type Write = [map: Y.Map<unknown>, key: string, value: unknown]

export class InvalidWrite {
  constructor(readonly error: EditError) {}
}

export function invalid(path: string, value: unknown): EditError {
  return {
    ok: false,
    code: 'household/invalid-value',
    path,
    reason: `${JSON.stringify(value) ?? 'undefined'} is not a valid value for ${path}`,
  }
}

/** Fixed-key writes into `map`, each checked against `specs` (undefined values are skipped). */
export function planFields(
  map: Y.Map<unknown>,
  root: RootName,
  specs: KeySpecs,
  values: Record<string, unknown>,
  allow: (k: string) => boolean = () => true,
  entity?: string,
): Write[] {
  const out: Write[] = []
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue
    const spec = specs[k]
    const ok = spec !== undefined && allow(k) && valueFits(spec, v)
    out.push([map, k, ok ? v : new InvalidWrite(invalid(pathOf(root, k, entity), v))])
  }
  return out
}

/** One boolean per item: selected → true; previously true but not selected → false. */
export function planSet(
  map: Y.Map<unknown>,
  root: RootName,
  allowed: readonly string[] | null,
  selected: readonly string[],
): Write[] {
  const out: Write[] = []
  for (const item of selected) {
    const ok = allowed ? allowed.includes(item) : CODE_KEY.test(item)
    out.push([map, item, ok ? true : new InvalidWrite(invalid(`${root}.${item}`, item))])
  }
  for (const [item, v] of map.entries()) if (v === true && !selected.includes(item)) out.push([map, item, false])
  return out
}

export function firstRefused(writes: readonly Write[]): EditError | null {
  const bad = writes.find(([, , v]) => v instanceof InvalidWrite)
  return bad ? (bad[2] as InvalidWrite).error : null
}

/** Refuse all if any is invalid; else write the changed ones in one transaction (none when nothing changed). */
export function applyWrites(ydoc: Y.Doc, origin: EditOrigin, writes: readonly Write[]): EditResult {
  const bad = firstRefused(writes)
  if (bad) return bad
  const changed = writes.filter(([map, key, value]) => !map.has(key) || map.get(key) !== value)
  if (changed.length > 0) ydoc.transact(() => changed.forEach(([map, key, value]) => map.set(key, value)), origin)
  return OK
}

export function firstInvalid(
  specs: KeySpecs,
  values: Record<string, unknown>,
  pathFor: (k: string) => string,
): EditError | null {
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue
    const spec = specs[k]
    if (!spec || !valueFits(spec, v)) return invalid(pathFor(k), v)
  }
  return null
}

/** Key specs of the roots whose intents write through `checked` (entity maps and multi-key values). */
export function rootSpecs(root: RootName): KeySpecs {
  const specs: Partial<Record<RootName, KeySpecs>> = {
    members: MEMBER_KEYS,
    photos: PHOTO_KEYS,
    location: LOCATION_KEYS,
    income: INCOME_KEYS,
  }
  return specs[root] ?? {}
}

/** The income map's values: each figure given, and `kind` = the figure that decides (per-capita first), kept for readers
 * that still select by it. Both figures are stored side by side; neither is ever dropped for the other. */
export function incomeValues(income: Income): [string, unknown][] {
  const out: [string, unknown][] = []
  const kind =
    income.perCapitaMonthly !== undefined ? 'perCapitaMonthly' : income.b1Score !== undefined ? 'b1Score' : null
  if (kind !== null) out.push(['kind', kind])
  if (income.perCapitaMonthly !== undefined) out.push(['perCapitaMonthly', income.perCapitaMonthly])
  if (income.b1Score !== undefined) out.push(['b1Score', income.b1Score])
  return out
}
