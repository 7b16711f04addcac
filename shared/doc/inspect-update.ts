// What the relay runs on each incoming Yjs update before applying it: decode (never throws), check the layout
// whitelist, list every field write (field history) and detect concurrent same-field edits (sync-engines.md §4.9).

import * as Y from 'yjs'
import type { JsonValue } from '../sync/messages.ts'
import {
  b1AnswerFits,
  FIELD_KEYS,
  LAYOUT,
  PROPOSAL_DEVICE_KEY,
  SERVER_CLIENT_ID,
  valueFits,
  type KeySpecs,
} from './keys.ts'
import { pathOf } from './paths.ts'
import { checkWorkflow, type DeviceWriter, type WorkflowRefusal } from './workflow-guard.ts'
import { findInDoc, isKnown, Locator, UpdateIndex, type Located, type StructId } from './update-structs.ts'

export type { StructId } from './update-structs.ts'

/** One value written by the update (for the server's field history). `value` is absent when the update carries it
 *  already deleted (overwritten before upload, content gone) or it is an entity map. */
export interface FieldWrite {
  path: string
  clientId: number
  clock: number
  origin: StructId | null
  value?: JsonValue
}

export interface ConflictSide {
  clientId: number
  clock: number
  /** Absent when the content is no longer known (garbage-collected); look it up in the field history by id. */
  value?: JsonValue
}

export interface DetectedConflict {
  path: string
  /** The value the incoming writer saw (its Yjs origin); null when it wrote without seeing any value. */
  base: ConflictSide | null
  /** The server's value the incoming writer did not see. */
  current: ConflictSide
  /** The incoming writer's final value for the field in this update. */
  incoming: ConflictSide
}

export type InspectResult =
  | {
      ok: true
      writes: FieldWrite[]
      conflicts: DetectedConflict[]
      clientIds: number[]
      /**
       * Every struct of the update is new to the doc and continues its state (at least one, none known in part):
       * applied, it adds its structs as they are.
       */
      whollyNew: boolean
    }
  | { ok: false; code: 'sync/invalid-update' | 'sync/layout-violation'; reason: string; path?: string }
  /** The update moves the workflow in a way its writer may not, or edits a locked record (workflow-guard.ts). */
  | WorkflowRefusal
  /** The update builds on structs the doc does not have (Yjs would park it as pending): ask the sender to resync. */
  | { ok: false; code: 'sync/missing-dependencies'; reason: string; missing: StructId[] }

type Violation = { ok: false; code: 'sync/layout-violation'; reason: string; path?: string }
type Placed = Extract<Located, { kind: 'placed' }>
type DecodedDeleteSet = { clients: Map<number, { clock: number; len: number }[]> }
type Decoded = { structs: (Y.Item | Y.GC | Y.Skip)[]; ds: DecodedDeleteSet }

const violation = (reason: string, path?: string): Violation =>
  path === undefined
    ? { ok: false, code: 'sync/layout-violation', reason }
    : { ok: false, code: 'sync/layout-violation', reason, path }

export interface InspectOptions {
  /**
   * The value once written by the item `id`, from the server's field history. Used when Yjs has already
   * garbage-collected an overwritten base value, to tell "the writer saw an equal value" (not a conflict).
   */
  lookupValue?: (id: StructId) => JsonValue | undefined
  /** A device's update (the relay sets this; the server's own writes do not): runs the workflow check. */
  writer?: DeviceWriter
}

/** Inspect `update` (V1) against `doc` (the server's current state). Pure: does not modify the doc. Never throws. */
export function inspectUpdate(doc: Y.Doc, update: Uint8Array, options: InspectOptions = {}): InspectResult {
  let decoded: Decoded
  try {
    decoded = Y.decodeUpdate(update) as unknown as Decoded
  } catch (e) {
    return { ok: false, code: 'sync/invalid-update', reason: `update does not decode (${String(e).slice(0, 100)})` }
  }
  // Yjs reads and applies a deletion of nothing, but its V2 encoder refuses one: stored, it would make the household's
  // state fail to convert for every later bootstrap.
  for (const ranges of decoded.ds.clients.values())
    for (const r of ranges)
      if (!(r.len > 0)) return { ok: false, code: 'sync/invalid-update', reason: 'update deletes an empty range' }
  try {
    const r = inspectDecoded(doc, decoded, options)
    if (!r.ok || options.writer === undefined) return r
    return checkWorkflow(doc, update, r.writes, options.writer) ?? r
  } catch (e) {
    // Yjs may accept bytes that are not a meaningful update and fail later on them.
    return { ok: false, code: 'sync/invalid-update', reason: `update is not consistent (${String(e).slice(0, 100)})` }
  }
}

/**
 * A client that keeps deleted content (`new Y.Doc({ gc: false })`) merges its consecutive writes of one map key into a
 * single item holding every value written ([v1, v2, …], all overwritten). Split back into one item per value (what
 * Yjs integrates them as), they are checked, recorded and compared for conflicts like anybody else's writes. Array
 * runs (history entries) split the same way without changing their meaning.
 */
function splitRuns(structs: Decoded['structs']): Decoded['structs'] {
  if (!structs.some((s) => s instanceof Y.Item && s.length > 1 && s.content instanceof Y.ContentAny)) return structs
  const out: Decoded['structs'] = []
  for (const s of structs) {
    if (!(s instanceof Y.Item) || s.length === 1 || !(s.content instanceof Y.ContentAny)) {
      out.push(s)
      continue
    }
    const { client, clock } = s.id
    s.content.arr.forEach((value: unknown, i: number) => {
      const id = Y.createID(client, clock + i)
      const content = new Y.ContentAny([value])
      // After the first value, each one's origin is the value before it (parent and key follow from it).
      const item =
        i === 0
          ? new Y.Item(id, null, s.origin, null, s.rightOrigin, s.parent, s.parentSub, content)
          : new Y.Item(id, null, Y.createID(client, clock + i - 1), null, s.rightOrigin, null, null, content)
      out.push(item)
    })
  }
  return out
}

function inspectDecoded(doc: Y.Doc, decoded: Decoded, options: InspectOptions): InspectResult {
  decoded = { ...decoded, structs: splitRuns(decoded.structs) }
  const index = new UpdateIndex(decoded.structs)
  const locator = new Locator(doc, index)
  const missing = gaps(doc, index)
  missing.push(...deletionsAhead(doc, index, decoded.ds))
  const fresh: [Y.Item, Placed][] = []
  const clientIds = new Set<number>()
  let whollyNew = decoded.structs.length > 0
  for (const s of decoded.structs) {
    if (whollyNew && (s instanceof Y.Skip || s.id.clock < Y.getState(doc.store, s.id.client))) whollyNew = false
    if (s instanceof Y.Skip || isKnown(doc, s)) continue
    clientIds.add(s.id.client)
    if (!(s instanceof Y.Item)) continue
    trimKnownPart(doc, s)
    const loc = locator.locate(s)
    if (loc.kind === 'missing') missing.push(loc.id)
    else if (loc.kind === 'violation') return violation(loc.reason, loc.root)
    else if (loc.kind === 'placed') {
      const bad = checkItem(doc, s, loc)
      if (bad) return bad
      fresh.push([s, loc])
    }
  }
  if (missing.length > 0) {
    // One entry per client: the lowest clock the server lacks.
    const lowest = new Map<number, number>()
    for (const m of missing) lowest.set(m.client, Math.min(m.clock, lowest.get(m.client) ?? Infinity))
    missing.splice(0, missing.length, ...[...lowest].map(([client, clock]) => ({ client, clock })))
    return {
      ok: false,
      code: 'sync/missing-dependencies',
      reason: `update depends on ${missing.length} struct(s) the server does not have`,
      missing,
    }
  }
  const writtenKeys = new Set(fresh.map(([, l]) => slot(l)))
  const bad = checkDeletions(doc, decoded.ds, locator, writtenKeys)
  if (bad) return bad
  return {
    ok: true,
    writes: fieldWrites(doc, fresh),
    conflicts: detectConflicts(doc, index, fresh, options),
    clientIds: [...clientIds].sort((a, b) => a - b),
    whollyNew, // nothing is missing here: that returned above
  }
}

/**
 * A struct whose first clocks the doc already has (a full-state upload of merged structs) is cut to its new part,
 * the way Yjs integrates it: the new part's origin is the last known clock. Decoded structs are ours to mutate.
 */
function trimKnownPart(doc: Y.Doc, item: Y.Item): void {
  const offset = Y.getState(doc.store, item.id.client) - item.id.clock
  if (offset <= 0) return
  item.content = item.content.splice(offset)
  item.id = Y.createID(item.id.client, item.id.clock + offset)
  item.origin = Y.createID(item.id.client, item.id.clock - 1)
  item.length = item.content.getLength()
}

/** Client ids that created structs in the update (for binding client ids to users). [] when it does not decode. */
export function checkClientIds(update: Uint8Array): number[] {
  try {
    const { structs } = Y.decodeUpdate(update)
    return [...new Set(structs.filter((s) => !(s instanceof Y.Skip)).map((s) => s.id.client))].sort((a, b) => a - b)
  } catch {
    return []
  }
}

/** Per client, the update must continue where the doc's state ends (else Yjs parks it as pending). */
function gaps(doc: Y.Doc, index: UpdateIndex): StructId[] {
  const out: StructId[] = []
  for (const [client, list] of index.byClient) {
    let expected = Y.getState(doc.store, client)
    for (const s of list) {
      if (s instanceof Y.Skip || s.id.clock + s.length <= expected) continue
      if (s.id.clock > expected) {
        out.push({ client, clock: expected })
        break
      }
      expected = s.id.clock + s.length
    }
  }
  return out
}

/**
 * Delete ranges past what the doc and the update itself hold: Yjs would park them (pendingDs) and apply them to
 * whatever those clocks turn out to be, past every layout check — ask the sender to resync instead.
 */
function deletionsAhead(doc: Y.Doc, index: UpdateIndex, ds: DecodedDeleteSet): StructId[] {
  const out: StructId[] = []
  for (const [client, ranges] of ds.clients) {
    let end = Y.getState(doc.store, client)
    for (const s of index.byClient.get(client) ?? [])
      if (!(s instanceof Y.Skip) && s.id.clock <= end) end = Math.max(end, s.id.clock + s.length)
    const ahead = ranges.some(({ clock, len }) => len > 0 && clock + len > end)
    if (ahead) out.push({ client, clock: end })
  }
  return out
}

const slot = (l: Placed): string => `${l.group}\u0000${l.key ?? ''}`
const pathOfPlace = (l: Placed): string => pathOf(l.root, l.key ?? '', l.entity)

function fits(specs: KeySpecs, key: string, value: unknown): boolean {
  const spec = specs[key]
  return spec !== undefined && valueFits(spec, value)
}

/** The layout whitelist for one new item (docs/household-document.md). Returns a violation or null. */
function checkItem(doc: Y.Doc, item: Y.Item, loc: Placed): Violation | null {
  const layout = LAYOUT[loc.root]
  const path = pathOfPlace(loc)
  const c = item.content
  const isLog = layout.kind === 'log'
  if (isLog !== (loc.key === null))
    return violation(isLog ? 'history takes array entries only' : `${loc.root} is a map, not an array`, loc.root)
  if (c instanceof Y.ContentDeleted) return isLog ? violation('history is append-only', 'history') : null
  const key = loc.key ?? ''
  const single = c instanceof Y.ContentAny && c.arr.length === 1 ? { value: c.arr[0] as unknown } : null
  switch (layout.kind) {
    case 'log': {
      if (!(c instanceof Y.ContentAny)) return violation('history entries must be JSON objects', path)
      const ok = c.arr.every((e: unknown) => {
        if (typeof e !== 'object' || e === null || Array.isArray(e)) return false
        const entry = e as Record<string, unknown>
        return (
          Object.keys(entry).every((k) => Object.hasOwn(layout.entry, k)) &&
          Object.keys(layout.entry).every((k) => fits(layout.entry, k, entry[k] ?? null))
        )
      })
      return ok ? null : violation('malformed history entry', path)
    }
    case 'fields':
      if (!Object.hasOwn(layout.keys, key)) return violation(`unknown key ${path}`, path)
      if (!single || !fits(layout.keys, key, single.value)) return violation(`invalid value for ${path}`, path)
      if (loc.root === 'fields' && key === 'id') {
        const current = doc.share.get('fields')?._map.get('id')
        const cur =
          current && !current.deleted && current.content instanceof Y.ContentAny ? current.content.arr[0] : undefined
        if (cur !== undefined && cur !== single.value && fits(FIELD_KEYS, 'id', cur))
          return violation('the household id cannot change', path)
      }
      return null
    case 'set':
      if (!layout.keyPattern.test(key) || (layout.allowed && !layout.allowed.includes(key)))
        return violation(`unknown item ${path}`, path)
      return single && (single.value === null || typeof single.value === 'boolean')
        ? null
        : violation(`invalid value for ${path}`, path)
    case 'answers':
      if (!layout.keyPattern.test(key)) return violation(`unknown item ${path}`, path)
      return single && b1AnswerFits(single.value) ? null : violation(`invalid value for ${path}`, path)
    case 'entities':
      // Register proposals: only their decision comes from a device; the register's values only from the server.
      if (
        loc.root === 'proposals' &&
        item.id.client !== SERVER_CLIENT_ID &&
        (loc.entity === undefined || key !== PROPOSAL_DEVICE_KEY)
      ) {
        return violation('register proposals are written by the server; a device sets only their decision', path)
      }
      if (loc.entity === undefined) {
        if (!layout.keyPattern.test(key)) return violation(`invalid ${loc.root} id ${path.slice(0, 80)}`, loc.root)
        if (c instanceof Y.ContentType) return c.type instanceof Y.Map ? null : violation(`${path} must be a map`, path)
        return single && single.value === null ? null : violation(`${path} must be a map or null`, path)
      }
      if (!Object.hasOwn(layout.keys, key)) return violation(`unknown key ${path}`, path)
      return single && fits(layout.keys, key, single.value) ? null : violation(`invalid value for ${path}`, path)
    case 'review': {
      if (item.id.client !== SERVER_CLIENT_ID) return violation('review notes are written by the server only', path)
      const v = single?.value
      return single && (v === null || ['string', 'number', 'boolean'].includes(typeof v))
        ? null
        : violation(`invalid value for ${path}`, path)
    }
  }
}

/** Deleting a live value without writing a replacement is Y.Map.delete (forbidden); history is never deleted. */
function checkDeletions(
  doc: Y.Doc,
  ds: DecodedDeleteSet,
  locator: Locator,
  writtenKeys: Set<string>,
): Violation | null {
  for (const [client, ranges] of ds.clients) {
    const structs = doc.store.clients.get(client)
    if (!structs || structs.length === 0) continue
    const state = Y.getState(doc.store, client)
    for (const { clock, len } of ranges) {
      const end = Math.min(clock + len, state)
      if (clock >= end) continue
      for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
        const s = structs[i] as Y.Item | Y.GC
        if (s.id.clock >= end) break
        if (!(s instanceof Y.Item) || s.deleted) continue
        const loc = locator.locateDocItem(s)
        if (loc.kind !== 'placed') continue
        if (loc.key === null) return violation('history is append-only', 'history')
        // Fields of an entity that this update replaces (e.g. members.<id> set to null) go with it.
        if (loc.entity !== undefined && writtenKeys.has(`${loc.root}\u0000${loc.entity}`)) continue
        if (!writtenKeys.has(slot(loc)))
          return violation(`${pathOfPlace(loc)} was deleted; write null or removed: true instead`, pathOfPlace(loc))
      }
    }
  }
  return null
}

/** The value an item holds (also when overwritten, as long as Yjs has not garbage-collected its content). */
function valueOf(item: Y.Item | Y.GC | undefined): JsonValue | undefined {
  if (!(item instanceof Y.Item) || !(item.content instanceof Y.ContentAny)) return undefined
  return item.content.arr[0] as JsonValue
}

function side(item: Y.Item, value = valueOf(item)): ConflictSide {
  return value === undefined
    ? { clientId: item.id.client, clock: item.id.clock }
    : { clientId: item.id.client, clock: item.id.clock, value }
}

function fieldWrites(doc: Y.Doc, fresh: [Y.Item, Placed][]): FieldWrite[] {
  const out: FieldWrite[] = []
  for (const [item, loc] of fresh) {
    const origin = item.origin ? { client: item.origin.client, clock: item.origin.clock } : null
    const c = item.content
    if (loc.key === null) {
      // History entries: one write per entry the doc does not have yet.
      const state = Y.getState(doc.store, item.id.client)
      const arr = c instanceof Y.ContentAny ? c.arr : []
      arr.forEach((value: unknown, i: number) => {
        if (item.id.clock + i >= state)
          out.push({
            path: 'history',
            clientId: item.id.client,
            clock: item.id.clock + i,
            origin,
            value: value as JsonValue,
          })
      })
      continue
    }
    const w: FieldWrite = { path: pathOfPlace(loc), clientId: item.id.client, clock: item.id.clock, origin }
    if (c instanceof Y.ContentAny) w.value = c.arr[0] as JsonValue
    out.push(w)
  }
  return out
}

const same = (a: JsonValue | undefined, b: JsonValue | undefined): boolean =>
  a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b)

// Module functions, not closures made per update: tsx compiles with keepNames, and each named closure costs a call to
// Object.defineProperty every time it is made.

/** The tip of a chain: follow successors; among siblings Yjs keeps the higher client id. */
function tipOf(h: Y.Item, children: ReadonlyMap<Y.Item, Y.Item[]>): Y.Item {
  let t = h
  for (let next = children.get(t); next && next.length > 0; next = children.get(t)) {
    t = next.reduce((a, b) => (b.id.client > a.id.client ? b : a))
  }
  return t
}

/** What the writer of `h` saw at its place: the item its origin names, with the value when still known. */
function baseOf(h: Y.Item, doc: Y.Doc, index: UpdateIndex, options: InspectOptions): ConflictSide | null {
  if (h.origin === null) return null
  const o = findInDoc(doc, h.origin) ?? index.find(h.origin)
  const value =
    (o instanceof Y.Item ? valueOf(o) : undefined) ??
    options.lookupValue?.({ client: h.origin.client, clock: h.origin.clock })
  const id = o instanceof Y.Item ? o.id : h.origin
  return value === undefined
    ? { clientId: id.client, clock: id.clock }
    : { clientId: id.client, clock: id.clock, value }
}

/**
 * §4.9: a write whose origin is not the current value's last id was made without seeing the current value.
 * Within one update, writes chained by origin are sequential; the chain's last write is the incoming value.
 */
function detectConflicts(
  doc: Y.Doc,
  index: UpdateIndex,
  fresh: [Y.Item, Placed][],
  options: InspectOptions,
): DetectedConflict[] {
  const groups = new Map<string, { loc: Placed; items: Y.Item[] }>()
  for (const [item, loc] of fresh) {
    if (loc.key === null) continue
    const k = slot(loc)
    const g = groups.get(k)
    if (g) g.items.push(item)
    else groups.set(k, { loc, items: [item] })
  }
  const out: DetectedConflict[] = []
  for (const { loc, items } of groups.values()) {
    const inGroup = new Set(items)
    const children = new Map<Y.Item, Y.Item[]>()
    const heads: Y.Item[] = []
    for (const item of items) {
      const parent = item.origin ? index.find(item.origin) : undefined
      if (parent instanceof Y.Item && inGroup.has(parent)) children.set(parent, [...(children.get(parent) ?? []), item])
      else heads.push(item)
    }
    const cur = loc.parentType?._map.get(loc.key ?? '')
    const current = cur && !cur.deleted ? cur : undefined
    const path = pathOfPlace(loc)
    const unseen: Y.Item[] = [] // heads that did not see the current value
    const onCurrent: Y.Item[] = [] // heads written on top of it (or with no current value)
    for (const h of heads) {
      const sawCurrent = current === undefined || (h.origin !== null && Y.compareIDs(h.origin, current.lastId))
      ;(sawCurrent ? onCurrent : unseen).push(h)
    }
    if (current) {
      const curValue = valueOf(current)
      for (const h of unseen) {
        const t = tipOf(h, children)
        // An incoming value that is no longer known (deleted before upload) counts as different: it was a lost write.
        if (same(valueOf(t), curValue)) continue
        // The writer saw a value equal to the current one (another item, same value): it is an edit of what is shown.
        const base = baseOf(h, doc, index, options)
        if (base && same(base.value, curValue)) continue
        out.push({ path, base, current: side(current, curValue), incoming: side(t) })
      }
    }
    // Several chains in one update that did not see each other (a merged upload of several sessions).
    const siblings = current ? onCurrent : [...onCurrent, ...unseen]
    if (siblings.length > 1) {
      const [first, ...rest] = siblings.map((h) => tipOf(h, children)).sort((a, b) => b.id.client - a.id.client)
      for (const t of rest) {
        if (first && !same(valueOf(t), valueOf(first)))
          out.push({ path, base: baseOf(t, doc, index, options), current: side(first), incoming: side(t) })
      }
    }
  }
  return out
}
