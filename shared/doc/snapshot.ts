// Reading a household document into plain data: the rasoat.household/1 object classify() takes, plus workflow,
// quick screen and review notes. Values that do not fit layout v1 read as the field's default, never as garbage.

import * as Y from 'yjs'
import {
  DEVICES,
  HOUSEHOLD_FORMAT,
  type Attributes,
  type Device,
  type Dwelling,
  type Household,
  type Income,
  type Location,
  type Member,
  type PhotoRef,
  type Status,
} from '../household/types.ts'
import {
  ATTRIBUTE_KEYS,
  DWELLING_KEYS,
  FIELD_KEYS,
  HISTORY_ENTRY,
  HISTORY_REVIEW_KEYS,
  INCOME_KEYS,
  LOCATION_KEYS,
  MEMBER_KEYS,
  META_KEYS,
  PHOTO_KEYS,
  Root,
  type RootName,
  SCREEN_KEYS,
  b1AnswerFits,
  valueFits,
  WORKFLOW_KEYS,
  type Admission,
  type KeySpecs,
} from './keys.ts'
import { INITIAL_STATUS, type HistoryEntry } from './workflow.ts'

export type ScreenResult = 'continue' | 'not_poor'
export type ReviewValue = string | number | boolean | null

export interface HouseholdSnapshot {
  schemaVersion: number
  household: Household
  /** admission: absent for listed households; set for one found in the field (keys.ts ADMISSIONS). */
  workflow: { status: Status; history: HistoryEntry[]; admission?: Admission }
  screen: { result: ScreenResult | null; reason: string | null }
  review: Record<string, ReviewValue>
  /** Phiếu B1 answers (item id → option id or number); not part of rasoat.household/1, which carries income.b1Score. */
  b1Answers: Record<string, string | number>
}

/** What an unanswered question reads as, so the snapshot always has the rasoat.household/1 shape. */
export const MEMBER_DEFAULTS: Omit<Member, 'id'> = {
  personalId: null,
  fullName: '',
  sex: 'female',
  birthDate: '1970-01-01',
  relation: 'other',
  ethnicity: 'Kinh',
  ableToWork: false,
  employment: 'not_working',
  disability: false,
  monthlySocialAllowance: false,
  healthInsurance: false,
  studying: false,
  education: 'none',
  schoolOnTrack: null,
  malnourished: null,
}
export const DWELLING_DEFAULTS: Omit<Dwelling, 'devices' | 'waste'> = {
  hasDwelling: true,
  wallDurable: false,
  columnDurable: false,
  roofDurable: false,
  floorAreaM2: 0,
  water: 'other',
  toilet: 'other',
  internet: false,
}
export const ATTRIBUTE_DEFAULTS: Attributes = {
  ethnicMinority: false,
  meritoriousFamily: false,
  socialProtection: false,
  noWorkingCapacity: false,
}

type MapLike = Y.Map<unknown>

/** The value under `key` if it fits the spec, else undefined. */
function fitting(map: MapLike, specs: KeySpecs, key: string): unknown {
  const spec = specs[key]
  const v = map.get(key)
  return spec !== undefined && v !== undefined && valueFits(spec, v) ? v : undefined
}

/** Fill `defaults` from the map, key by key, keeping only fitting non-null values (or null where allowed). */
function fill<T extends object>(map: MapLike, specs: KeySpecs, defaults: T): T {
  const out = { ...defaults }
  refill(out, map, specs, defaults)
  return out
}

/**
 * fill() into `target` itself: each of `keys` (by default every key of `defaults`) gets its fitting value from the map,
 * or its default; a key `defaults` lacks is not part of the object and is left alone.
 */
function refill(
  target: object,
  map: MapLike,
  specs: KeySpecs,
  defaults: object,
  keys: Iterable<string> = Object.keys(defaults),
): void {
  const out = target as Record<string, unknown>
  const fallback = defaults as Record<string, unknown>
  for (const key of keys) {
    if (!Object.hasOwn(fallback, key)) continue
    const v = fitting(map, specs, key)
    out[key] = v !== undefined ? v : fallback[key]
  }
}

function selected(map: MapLike, order?: readonly string[]): string[] {
  const keys = [...map.entries()].filter(([, v]) => v === true).map(([k]) => k)
  return order ? order.filter((k) => keys.includes(k)) : keys.sort()
}

/** Every figure that is set (both may be: the per-capita one decides); `kind` no longer hides one of them. */
function readIncome(map: MapLike): Income {
  const income: Income = {}
  const pc = fitting(map, INCOME_KEYS, 'perCapitaMonthly')
  const b1 = fitting(map, INCOME_KEYS, 'b1Score')
  if (typeof pc === 'number') income.perCapitaMonthly = pc
  if (typeof b1 === 'number') income.b1Score = b1
  return income
}

function readLocation(map: MapLike): Location | null {
  const lat = fitting(map, LOCATION_KEYS, 'lat')
  const lng = fitting(map, LOCATION_KEYS, 'lng')
  if (typeof lat !== 'number' || typeof lng !== 'number') return null
  const accuracyM = fitting(map, LOCATION_KEYS, 'accuracyM')
  const capturedAt = fitting(map, LOCATION_KEYS, 'capturedAt')
  return {
    lat,
    lng,
    accuracyM: typeof accuracyM === 'number' ? accuracyM : 0,
    capturedAt: typeof capturedAt === 'string' ? capturedAt : '',
  }
}

/** Live entity maps (members/photos), sorted; removed ones (flag or null value) are left out. */
function liveEntities(root: MapLike): [string, MapLike][] {
  const out: [string, MapLike][] = []
  for (const [id, v] of root.entries()) {
    if (v instanceof Y.Map && v.get('removed') !== true) out.push([id, v as MapLike])
  }
  return out
}

export function readMembers(doc: Y.Doc): Member[] {
  const entries = liveEntities(doc.getMap(Root.MEMBERS))
  const pos = (m: MapLike): number => {
    const p = fitting(m, MEMBER_KEYS, 'position')
    return typeof p === 'number' ? p : Number.MAX_SAFE_INTEGER
  }
  entries.sort(([ia, a], [ib, b]) => pos(a) - pos(b) || (ia < ib ? -1 : ia > ib ? 1 : 0))
  return entries.map(([id, m]) => ({ id, ...fill(m, MEMBER_KEYS, MEMBER_DEFAULTS) }))
}

function readPhotos(doc: Y.Doc): PhotoRef[] {
  const photos = liveEntities(doc.getMap(Root.PHOTOS)).map(([sha256, m]) => {
    const kind = fitting(m, PHOTO_KEYS, 'kind')
    const capturedAt = fitting(m, PHOTO_KEYS, 'capturedAt')
    return {
      sha256,
      kind: typeof kind === 'string' ? kind : 'other',
      capturedAt: typeof capturedAt === 'string' ? capturedAt : '',
    }
  })
  return photos.sort((a, b) =>
    a.capturedAt < b.capturedAt ? -1 : a.capturedAt > b.capturedAt ? 1 : a.sha256 < b.sha256 ? -1 : 1,
  )
}

function readHistory(doc: Y.Doc): HistoryEntry[] {
  const out: HistoryEntry[] = []
  for (const e of doc.getArray<unknown>(Root.HISTORY).toArray()) {
    if (typeof e !== 'object' || e === null) continue
    const entry = e as Record<string, unknown>
    const fits = Object.entries(HISTORY_ENTRY).every(([k, spec]) => valueFits(spec, entry[k] ?? null))
    if (!fits) continue
    const read: HistoryEntry = {
      from: (entry.from ?? null) as Status | null,
      to: entry.to as Status,
      by: entry.by as string,
      at: entry.at as string,
      comment: (entry.comment ?? null) as string | null,
    }
    // Review data: each key kept only when present and valid (a bad one is dropped, the entry stays).
    for (const [k, spec] of Object.entries(HISTORY_REVIEW_KEYS)) {
      const v = entry[k]
      if (v !== undefined && v !== null && valueFits(spec, v)) Object.assign(read, { [k]: v })
    }
    out.push(read)
  }
  return out
}

function readWorkflow(doc: Y.Doc, status: Status): HouseholdSnapshot['workflow'] {
  const admission = fitting(doc.getMap(Root.WORKFLOW), WORKFLOW_KEYS, 'admission') as Admission | null | undefined
  return admission ? { status, history: readHistory(doc), admission } : { status, history: readHistory(doc) }
}

export function readStatus(doc: Y.Doc): Status {
  const s = fitting(doc.getMap(Root.WORKFLOW), WORKFLOW_KEYS, 'status')
  return (s as Status | undefined) ?? INITIAL_STATUS
}

export function readSnapshot(doc: Y.Doc): HouseholdSnapshot {
  const fields = doc.getMap(Root.FIELDS)
  const text = (key: keyof typeof FIELD_KEYS): string => {
    const v = fitting(fields, FIELD_KEYS, key)
    return typeof v === 'string' ? v : ''
  }
  const dwelling = readDwelling(doc)
  const status = readStatus(doc)
  const household: Household = {
    format: HOUSEHOLD_FORMAT,
    id: text('id'),
    period: text('period'),
    unit: text('unit'),
    village: text('village'),
    address: text('address'),
    location: readLocation(doc.getMap(Root.LOCATION)),
    farming: fitting(fields, FIELD_KEYS, 'farming') === true,
    income: readIncome(doc.getMap(Root.INCOME)),
    members: readMembers(doc),
    dwelling,
    attributes: fill(doc.getMap(Root.ATTRIBUTES), ATTRIBUTE_KEYS, ATTRIBUTE_DEFAULTS),
    causes: selected(doc.getMap(Root.CAUSES)),
    supportNeeds: selected(doc.getMap(Root.SUPPORT_NEEDS)),
    status,
    photos: readPhotos(doc),
  }
  const referenceDate = fitting(fields, FIELD_KEYS, 'referenceDate')
  if (typeof referenceDate === 'string') household.referenceDate = referenceDate
  const areaType = fitting(fields, FIELD_KEYS, 'areaType')
  if (typeof areaType === 'string') household.areaType = areaType as Household['areaType'] & string
  return {
    schemaVersion: readSchemaVersion(doc),
    household,
    workflow: readWorkflow(doc, status),
    screen: readScreen(doc),
    review: readReview(doc),
    b1Answers: readB1Answers(doc),
  }
}

function readDwelling(doc: Y.Doc): Dwelling {
  const dwellingMap = doc.getMap(Root.DWELLING)
  const dwelling: Dwelling = {
    ...fill(dwellingMap, DWELLING_KEYS, DWELLING_DEFAULTS),
    devices: selected(doc.getMap(Root.DEVICES), DEVICES) as Device[],
  }
  const waste = fitting(dwellingMap, DWELLING_KEYS, 'waste')
  if (typeof waste === 'string') dwelling.waste = waste as Dwelling['waste'] & string
  return dwelling
}

function readScreen(doc: Y.Doc): HouseholdSnapshot['screen'] {
  const screen = doc.getMap(Root.SCREEN)
  return {
    result: (fitting(screen, SCREEN_KEYS, 'result') as ScreenResult | undefined) ?? null,
    reason: (fitting(screen, SCREEN_KEYS, 'reason') as string | undefined) ?? null,
  }
}

function readReview(doc: Y.Doc): Record<string, ReviewValue> {
  const review: Record<string, ReviewValue> = {}
  for (const [k, v] of [...doc.getMap(Root.REVIEW).entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') review[k] = v
  }
  return review
}

function readB1Answers(doc: Y.Doc): Record<string, string | number> {
  const b1Answers: Record<string, string | number> = {}
  for (const [k, v] of doc.getMap(Root.B1_ANSWERS).entries()) {
    if (v !== null && b1AnswerFits(v) && (typeof v === 'string' || typeof v === 'number')) b1Answers[k] = v
  }
  return b1Answers
}

function readSchemaVersion(doc: Y.Doc): number {
  const schemaVersion = fitting(doc.getMap(Root.META), META_KEYS, 'schemaVersion')
  return typeof schemaVersion === 'number' ? schemaVersion : 0
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** `list` when it holds the same entries as `fresh`, so a kept snapshot does not take a new array per edit. */
function keepList<T extends string>(list: T[], fresh: T[]): T[] {
  return sameList(list, fresh) ? list : fresh
}

/**
 * The dwelling read again into `dwelling` itself (only `keys` of it when known, devices when `devices` is set); a new
 * object when `waste` came or went.
 */
function refreshDwelling(
  doc: Y.Doc,
  dwelling: Dwelling,
  keys: ReadonlySet<string> | null | undefined,
  devices: boolean,
): Dwelling {
  const map = doc.getMap(Root.DWELLING)
  if (keys !== undefined) {
    const waste = fitting(map, DWELLING_KEYS, 'waste')
    if ((typeof waste === 'string') !== (dwelling.waste !== undefined)) return readDwelling(doc)
    refill(dwelling, map, DWELLING_KEYS, DWELLING_DEFAULTS, keys ?? undefined)
    if (typeof waste === 'string') dwelling.waste = waste as Dwelling['waste'] & string
  }
  if (devices) dwelling.devices = keepList(dwelling.devices, selected(doc.getMap(Root.DEVICES), DEVICES) as Device[])
  return dwelling
}

/** Member keys whose change can reorder or hide a member: the list is read again whole. */
const MEMBER_LIST_KEYS: ReadonlySet<string> = new Set(['position', 'removed'])

/**
 * The members read again, in place when `keys` (`<member id>.<key>`) only change answers of members already listed;
 * the whole list otherwise (a member added, removed or moved, or keys not known).
 */
function refreshMembers(doc: Y.Doc, members: Member[], keys: ReadonlySet<string> | null): Member[] {
  if (keys === null) return readMembers(doc)
  const root = doc.getMap(Root.MEMBERS)
  for (const path of keys) {
    const dot = path.indexOf('.')
    const id = path.slice(0, dot)
    const key = path.slice(dot + 1)
    if (dot < 0 || MEMBER_LIST_KEYS.has(key)) return readMembers(doc)
    const member = members.find((m) => m.id === id)
    const map = root.get(id)
    if (member === undefined || !(map instanceof Y.Map)) return readMembers(doc)
    refill(member, map as MapLike, MEMBER_KEYS, MEMBER_DEFAULTS, [key])
  }
  return members
}

/** The income read again into `income` itself; a new object when a figure came or went. */
function refreshIncome(map: MapLike, income: Income): Income {
  const pc = fitting(map, INCOME_KEYS, 'perCapitaMonthly')
  const b1 = fitting(map, INCOME_KEYS, 'b1Score')
  if ((typeof pc === 'number') !== (income.perCapitaMonthly !== undefined)) return readIncome(map)
  if ((typeof b1 === 'number') !== (income.b1Score !== undefined)) return readIncome(map)
  if (typeof pc === 'number') income.perCapitaMonthly = pc
  if (typeof b1 === 'number') income.b1Score = b1
  return income
}

/**
 * What a batch of updates wrote, root by root: the keys written (`<member id>.<key>` under members), or null when the
 * whole root is to be read again (keys not known).
 */
export type WrittenKeys = ReadonlyMap<RootName, ReadonlySet<string> | null>

/**
 * `snapshot` (readSnapshot of the same doc, kept by its owner) with only what `written` names read again, in place
 * where the shape is unchanged: what the server's summary projection needs after a batch that wrote those roots and
 * keys. A snapshot kept per resident household lives until its next edit; updating it in place, instead of copying it
 * and its dwelling, attributes, income and members on every edit, keeps that garbage out of V8's old generation.
 * Returns `snapshot`, or a new one when `fields` other than `farming` (id, period, address…) or an unknown root was
 * written. Property-tested against readSnapshot (server/store/summary-incremental.test.ts, shared/doc/snapshot.test.ts).
 */
export function refreshSnapshot(doc: Y.Doc, snapshot: HouseholdSnapshot, written: WrittenKeys): HouseholdSnapshot {
  const fields = written.get(Root.FIELDS)
  if (fields !== undefined && (fields === null || fields.size !== 1 || !fields.has('farming'))) return readSnapshot(doc)
  const household = snapshot.household
  if (written.has(Root.DWELLING) || written.has(Root.DEVICES))
    household.dwelling = refreshDwelling(doc, household.dwelling, written.get(Root.DWELLING), written.has(Root.DEVICES))
  for (const [root, keys] of written) {
    switch (root) {
      case Root.FIELDS:
        household.farming = fitting(doc.getMap(Root.FIELDS), FIELD_KEYS, 'farming') === true
        break
      case Root.INCOME:
        household.income = refreshIncome(doc.getMap(Root.INCOME), household.income)
        break
      case Root.DWELLING:
      case Root.DEVICES:
        break // above: both roots make the dwelling
      case Root.ATTRIBUTES:
        refill(household.attributes, doc.getMap(Root.ATTRIBUTES), ATTRIBUTE_KEYS, ATTRIBUTE_DEFAULTS, keys ?? undefined)
        break
      case Root.LOCATION:
        household.location = readLocation(doc.getMap(Root.LOCATION))
        break
      case Root.CAUSES:
        household.causes = keepList(household.causes, selected(doc.getMap(Root.CAUSES)))
        break
      case Root.SUPPORT_NEEDS:
        household.supportNeeds = keepList(household.supportNeeds, selected(doc.getMap(Root.SUPPORT_NEEDS)))
        break
      case Root.MEMBERS:
        household.members = refreshMembers(doc, household.members, keys)
        break
      case Root.PHOTOS:
        household.photos = readPhotos(doc)
        break
      case Root.WORKFLOW:
      case Root.HISTORY:
        household.status = readStatus(doc)
        snapshot.workflow = readWorkflow(doc, household.status)
        break
      case Root.SCREEN:
        snapshot.screen = readScreen(doc)
        break
      case Root.REVIEW:
        snapshot.review = readReview(doc)
        break
      case Root.B1_ANSWERS:
        snapshot.b1Answers = readB1Answers(doc)
        break
      case Root.META:
        snapshot.schemaVersion = readSchemaVersion(doc)
        break
      case Root.PROPOSALS:
        break // not part of the snapshot
      default:
        return readSnapshot(doc)
    }
  }
  return snapshot
}
