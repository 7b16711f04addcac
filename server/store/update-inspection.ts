// What the relay needs to know about an incoming Yjs update before storing it: writes, conflicts, layout, client ids.
// STAND-IN until shared/doc `inspectUpdate` lands (step 2); the relay depends only on the types in this file.
import * as Y from 'yjs'
import type { JsonValue } from '../../shared/sync/messages.ts'
import { Root, ROOT_NAMES, SERVER_CLIENT_ID } from '../../shared/doc/keys.ts'
import { parsePath } from '../../shared/doc/paths.ts'

export interface FieldWrite {
  path: string
  value: JsonValue
  clientId: number
  clock: number
}

export interface DetectedConflict {
  path: string
  /** Item the writer saw (its origin); value is resolved from field history when Yjs has GC'd it. */
  base: { clientId: number; clock: number; value: JsonValue | undefined } | null
  incoming: { clientId: number; clock: number; value: JsonValue }
  current: { clientId: number; clock: number; value: JsonValue }
}

export type Inspection =
  /** clientIds: clients with structs new to the server (they must belong to the sender). */
  | { ok: true; writes: FieldWrite[]; conflicts: DetectedConflict[]; clientIds: number[]; pending: boolean }
  | { ok: false; code: 'sync/invalid-update' | 'sync/layout-violation'; reason: string }

export { SERVER_CLIENT_ID }

/** Root names a household document may contain. */
const ROOTS: ReadonlySet<string> = new Set(ROOT_NAMES)

type Item = Y.Item

function contentValue(item: Item): JsonValue | undefined {
  const c = item.content
  if (c instanceof Y.ContentAny) return c.arr[c.arr.length - 1] as JsonValue
  if (c instanceof Y.ContentString) return c.str
  if (c instanceof Y.ContentJSON) return c.arr[c.arr.length - 1] as JsonValue
  if (c instanceof Y.ContentType) return {}
  return undefined
}

function hasId(store: Y.Doc['store'], id: Y.ID): boolean {
  return id.clock < Y.getState(store, id.client)
}

/** Path of an integrated type: root name, then map keys down to it ('members.<uuid>'). */
function typePath(type: Y.AbstractType<unknown>): string {
  const item = type._item
  if (item === null) return Y.findRootTypeKey(type)
  const parent = item.parent as Y.AbstractType<unknown>
  return `${typePath(parent)}.${item.parentSub ?? '[]'}`
}

/** Decode and inspect `update` against `doc` (which must not yet contain it). Never throws. */
export function inspectUpdate(doc: Y.Doc, update: Uint8Array): Inspection {
  let structs: Array<Item | Y.GC | Y.Skip>
  try {
    structs = Y.decodeUpdate(update).structs as Array<Item | Y.GC | Y.Skip>
  } catch {
    return { ok: false, code: 'sync/invalid-update', reason: 'update does not decode' }
  }
  const store = doc.store
  const inUpdate = new Map<number, [number, number]>()
  for (const s of structs) {
    const r = inUpdate.get(s.id.client)
    if (r === undefined) inUpdate.set(s.id.client, [s.id.clock, s.id.clock + s.length])
    else inUpdate.set(s.id.client, [Math.min(r[0], s.id.clock), Math.max(r[1], s.id.clock + s.length)])
  }
  // A struct starting past what the server has for its client, or a delete of unknown items, cannot integrate yet.
  let pending = false
  const fresh: number[] = []
  for (const s of structs) {
    if (s instanceof Y.Skip && s.id.clock + s.length > Y.getState(store, s.id.client)) pending = true
  }
  for (const [client, [lo, hi]] of inUpdate) {
    const have = Y.getState(store, client)
    if (lo > have) pending = true
    if (hi > have) fresh.push(client)
  }
  try {
    for (const [client, dels] of Y.decodeUpdate(update).ds.clients) {
      const have = Math.max(Y.getState(store, client), inUpdate.get(client)?.[1] ?? 0)
      for (const d of dels) if (d.clock + d.len > have) pending = true
    }
  } catch {
    return { ok: false, code: 'sync/invalid-update', reason: 'delete set does not decode' }
  }
  const ownId = (id: Y.ID): boolean => {
    const r = inUpdate.get(id.client)
    return r !== undefined && id.clock >= r[0] && id.clock < r[1]
  }
  // Paths of items inside this update (their parents may be new in the same update).
  const findInUpdate = (id: Y.ID): Item | undefined => {
    for (const s of structs) {
      if (s instanceof Y.Item && s.id.client === id.client && id.clock >= s.id.clock && id.clock < s.id.clock + s.length) return s
    }
    return undefined
  }
  const containerPath = (s: Item, depth = 0): string | null => {
    if (depth > 64) return null
    if (typeof s.parent === 'string') return s.parent
    if (s.parent instanceof Y.ID) {
      if (hasId(store, s.parent)) {
        const p = Y.getItem(store, s.parent)
        return p.content instanceof Y.ContentType ? typePath(p.content.type as Y.AbstractType<unknown>) : null
      }
      const p = findInUpdate(s.parent)
      if (p === undefined) return (pending = true), null
      const pp = containerPath(p, depth + 1)
      return pp === null ? null : `${pp}.${p.parentSub ?? '[]'}`
    }
    const ref = s.origin ?? s.rightOrigin
    if (ref === null) return null
    if (hasId(store, ref)) {
      const o = Y.getItem(store, ref)
      return o.parent instanceof Y.AbstractType ? typePath(o.parent as Y.AbstractType<unknown>) : null
    }
    const o = findInUpdate(ref)
    if (o === undefined) return (pending = true), null
    return containerPath(o, depth + 1)
  }
  const keyOf = (s: Item): string | null => {
    if (s.parentSub !== null) return s.parentSub
    const ref = s.origin
    if (ref === null || s.parent !== null) return null
    if (hasId(store, ref)) return Y.getItem(store, ref).parentSub
    const o = findInUpdate(ref)
    return o === undefined ? null : keyOf(o)
  }

  const writes: FieldWrite[] = []
  const conflicts = new Map<string, DetectedConflict>()
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue
    const container = containerPath(s)
    if (container === null) continue
    const root = container.split('.')[0] ?? ''
    if (!ROOTS.has(root)) return { ok: false, code: 'sync/layout-violation', reason: `root '${root}' is not part of a household` }
    const key = keyOf(s)
    if (key === null) continue
    const value = contentValue(s)
    if (value === undefined) continue
    const path = container === Root.FIELDS ? key : `${container}.${key}`
    writes.push({ path, value, clientId: s.id.client, clock: s.id.clock })
    const earlier = conflicts.get(path)
    if (earlier !== undefined) {
      earlier.incoming = { clientId: s.id.client, clock: s.id.clock, value }
      continue
    }
    // Conflict: the writer did not see the current value of this key (research §4.9).
    let cur: Item | undefined
    let base: DetectedConflict['base'] = null
    if (s.origin !== null && !ownId(s.origin)) {
      if (!hasId(store, s.origin)) {
        pending = true
        continue
      }
      const o = Y.getItem(store, s.origin)
      const parent = o.parent as Y.AbstractType<unknown>
      cur = parent._map.get(key)
      base = { clientId: s.origin.client, clock: s.origin.clock, value: contentValue(o) }
      if (cur !== undefined && Y.compareIDs(s.origin, Y.createID(cur.id.client, cur.id.clock + cur.length - 1))) cur = undefined
    } else if (s.origin === null && typeof s.parent === 'string') {
      const parent = doc.share.get(s.parent)
      cur = parent?._map.get(key)
    } else if (s.origin === null && s.parent instanceof Y.ID && hasId(store, s.parent)) {
      const p = Y.getItem(store, s.parent)
      cur = p.content instanceof Y.ContentType ? (p.content.type as Y.AbstractType<unknown>)._map.get(key) : undefined
    }
    if (cur === undefined || cur.deleted) continue
    const curValue = contentValue(cur)
    if (curValue === undefined) continue
    conflicts.set(path, { path, base, incoming: { clientId: s.id.client, clock: s.id.clock, value }, current: { clientId: cur.id.client, clock: cur.id.clock, value: curValue } })
  }
  const real = [...conflicts.values()].filter((c) => JSON.stringify(c.incoming.value) !== JSON.stringify(c.current.value))
  return { ok: true, writes, conflicts: real, clientIds: fresh, pending }
}

/** The map holding the field at `path` (shared/doc paths: 'address', 'dwelling.water', 'members.<id>.fullName'). */
function mapOf(doc: Y.Doc, path: string): { map: Y.Map<unknown>; key: string } | null {
  const loc = parsePath(path)
  if (loc === null || loc.root === Root.HISTORY) return null
  const root = doc.getMap(loc.root)
  const map = loc.entity === undefined ? root : root.get(loc.entity)
  return map instanceof Y.Map ? { map, key: loc.key } : null
}

/** Current value of a field in the document (what every replica shows). */
export function valueAt(doc: Y.Doc, path: string): JsonValue {
  const m = mapOf(doc, path)
  if (m === null) return null
  const v = m.map.get(m.key)
  if (v instanceof Y.AbstractType) return v.toJSON() as JsonValue
  return (v ?? null) as JsonValue
}

/** Sets a field as a local write of `doc` (the server's resident doc, client id SERVER_CLIENT_ID). */
export function setAt(doc: Y.Doc, path: string, value: JsonValue): boolean {
  const m = mapOf(doc, path)
  if (m === null) return false
  doc.transact(() => m.map.set(m.key, value), 'server')
  return true
}
