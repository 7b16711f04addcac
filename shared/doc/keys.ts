// The household document layout v1: every Yjs root name, key and value type. The ONLY place that spells them
// (docs/household-document.md is generated from the same facts by hand; keep both in step). Used by HouseholdDoc,
// by the server's layout whitelist (inspectUpdate) and by pathOf/parsePath.

import {
  AREA_TYPES,
  DEVICES,
  EDUCATIONS,
  EMPLOYMENTS,
  RELATIONS,
  SEXES,
  STATUSES,
  TOILETS,
  WASTE_HANDLING,
  WATER_SOURCES,
} from '../household/types.ts'

export const SCHEMA_VERSION = 1 as const

/** Reserved Yjs client id of the server (imports, migrations, admin resolutions, review notes). */
export const SERVER_CLIENT_ID = 1
/** Client ids a device must never use (it picks a new random one instead). */
export function isReservedClientId(clientId: number): boolean {
  return clientId >= 0 && clientId < 16
}

/** Root names. All are Y.Map except HISTORY (Y.Array, append-only). */
export const Root = {
  META: 'meta',
  FIELDS: 'fields',
  INCOME: 'income',
  DWELLING: 'dwelling',
  DEVICES: 'devices',
  ATTRIBUTES: 'attributes',
  LOCATION: 'location',
  CAUSES: 'causes',
  SUPPORT_NEEDS: 'supportNeeds',
  MEMBERS: 'members',
  PHOTOS: 'photos',
  WORKFLOW: 'workflow',
  HISTORY: 'history',
  SCREEN: 'screen',
  REVIEW: 'review',
  PROPOSALS: 'proposals',
  B1_ANSWERS: 'b1Answers',
} as const
export type RootName = (typeof Root)[keyof typeof Root]
export const ROOT_NAMES: readonly RootName[] = Object.values(Root)

/** The v0 layout (before meta.schemaVersion existed): one flat root map. Read only by migrate(). */
export const V0_ROOT = 'form'

export type ValueSpec =
  | { type: 'string'; nullable: boolean; max: number; pattern?: RegExp }
  | { type: 'number'; nullable: boolean; min?: number; max?: number; integer?: boolean }
  | { type: 'boolean'; nullable: boolean }
  | { type: 'enum'; nullable: boolean; values: readonly string[] }
  /** A list of per-field notes `{path, text}` (return comments in a history entry). */
  | { type: 'notes'; nullable: boolean; maxItems: number; maxPath: number; maxText: number }

const str = (max = 500, pattern?: RegExp): ValueSpec =>
  pattern ? { type: 'string', nullable: false, max, pattern } : { type: 'string', nullable: false, max }
const strOrNull = (max = 500, pattern?: RegExp): ValueSpec => ({ ...str(max, pattern), nullable: true })
const num = (min?: number, max?: number): ValueSpec => ({
  type: 'number',
  nullable: false,
  ...(min === undefined ? {} : { min }),
  ...(max === undefined ? {} : { max }),
})
const numOrNull = (min?: number, max?: number): ValueSpec => ({ ...num(min, max), nullable: true })
const bool: ValueSpec = { type: 'boolean', nullable: false }
const boolOrNull: ValueSpec = { type: 'boolean', nullable: true }
const oneOf = (values: readonly string[]): ValueSpec => ({ type: 'enum', nullable: false, values })
const oneOfOrNull = (values: readonly string[]): ValueSpec => ({ type: 'enum', nullable: true, values })

const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})$/
/** Member ids: UUIDs (new) or legacy ids from imports/v0; no dots so paths stay parseable. */
export const ENTITY_KEY = /^[A-Za-z0-9_-]{1,64}$/
export const PHOTO_KEY = /^[0-9a-f]{64}$/
/** Cause and support-need codes (free vocabulary, one boolean per code). */
export const CODE_KEY = /^[A-Za-z0-9_-]{1,64}$/
export const REVIEW_KEY = /^[A-Za-z0-9_.:-]{1,200}$/

export const META_KEYS = { schemaVersion: num(0, 1000) } as const

/** Top-level primitive fields of the household (paths are the bare key, e.g. 'address'). */
export const FIELD_KEYS = {
  id: str(128),
  period: str(16),
  referenceDate: strOrNull(10, DATE),
  unit: str(32),
  areaType: oneOfOrNull(AREA_TYPES),
  village: str(200),
  address: str(500),
  farming: bool,
} as const

/** Income evidence: `kind` says which of the two numbers is in force (null = no evidence yet). */
export const INCOME_KINDS = ['perCapitaMonthly', 'b1Score'] as const
export const INCOME_KEYS = {
  kind: oneOfOrNull(INCOME_KINDS),
  perCapitaMonthly: numOrNull(0),
  b1Score: numOrNull(0),
} as const

export const DWELLING_KEYS = {
  hasDwelling: bool,
  wallDurable: bool,
  columnDurable: bool,
  roofDurable: bool,
  floorAreaM2: num(0, 100_000),
  water: oneOf(WATER_SOURCES),
  toilet: oneOf(TOILETS),
  internet: bool,
  waste: oneOfOrNull(WASTE_HANDLING),
} as const

export const ATTRIBUTE_KEYS = {
  ethnicMinority: bool,
  meritoriousFamily: bool,
  socialProtection: bool,
  noWorkingCapacity: bool,
} as const

/** A GPS fix; `lat` null = no location. setLocation writes all four in one transaction. */
export const LOCATION_KEYS = {
  lat: numOrNull(-90, 90),
  lng: numOrNull(-180, 180),
  accuracyM: numOrNull(0),
  capturedAt: strOrNull(40, DATE_TIME),
} as const

/** Fields of one member map (members root: memberId → Y.Map of these). */
export const MEMBER_KEYS = {
  personalId: strOrNull(12, /^(\d{9}|\d{12})$/), // 12-digit CCCD, or an old 9-digit CMND from old lists
  fullName: str(200),
  sex: oneOf(SEXES),
  birthDate: str(10, DATE),
  relation: oneOf(RELATIONS),
  ethnicity: str(100),
  ableToWork: bool,
  employment: oneOf(EMPLOYMENTS),
  disability: bool,
  monthlySocialAllowance: bool,
  healthInsurance: bool,
  studying: bool,
  education: oneOf(EDUCATIONS),
  schoolOnTrack: boolOrNull,
  malnourished: boolOrNull,
  /** Sort key for display; ties broken by member id. */
  position: num(0),
  /** Removal is a flag, never Y.Map.delete (sync-engines.md §4.8). */
  removed: bool,
} as const

/** Fields of one photo map (photos root: sha256 → Y.Map of these). */
export const PHOTO_KEYS = {
  kind: str(64),
  capturedAt: str(40, DATE_TIME),
  removed: bool,
} as const

/** A household found in the field (not on the list) waits for the supervisor's approval: pending → approved | rejected. */
export const ADMISSIONS = ['pending', 'approved', 'rejected'] as const
export type Admission = (typeof ADMISSIONS)[number]

/** `admission` is absent (null) for listed households; a phone writes 'pending' when it creates one, the server the rest. */
export const WORKFLOW_KEYS = { status: oneOf(STATUSES), admission: oneOfOrNull(ADMISSIONS) } as const

export const SCREEN_RESULTS = ['continue', 'not_poor'] as const
export const SCREEN_KEYS = {
  result: oneOfOrNull(SCREEN_RESULTS),
  reason: strOrNull(1000),
} as const

export const PROPOSAL_DECISIONS = ['accepted', 'rejected'] as const
/**
 * A change the population register proposes for one member (proposals root: proposalId → Y.Map of these). The server
 * writes every key but `decision`, which the enumerator sets when accepting or rejecting (memberId null = a new person).
 */
export const PROPOSAL_KEYS = {
  memberId: strOrNull(64, ENTITY_KEY),
  personalId: MEMBER_KEYS.personalId,
  fullName: str(200),
  sex: oneOf(SEXES),
  birthDate: str(10, DATE),
  relation: oneOf(RELATIONS),
  ethnicity: str(100),
  importId: str(64),
  decision: oneOfOrNull(PROPOSAL_DECISIONS),
} as const
/** The one proposal key a device may write. */
export const PROPOSAL_DEVICE_KEY = 'decision'

/**
 * Phiếu B1 answers (b1Answers root: item id → value): a choice item holds its option id, a number item a number ≥ 0;
 * null = cleared. The item ids and options come from the loaded point table (shared/rules/b1-table.ts), not the layout.
 */
export const B1_ANSWER_MAX = 1_000_000
export function b1AnswerFits(value: unknown): boolean {
  if (value === null) return true
  if (typeof value === 'string') return CODE_KEY.test(value)
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= B1_ANSWER_MAX
}

/** Value of every set-like root (devices, causes, supportNeeds): true = selected; false/null = not. */
export const SET_VALUE: ValueSpec = boolOrNull
/** Review notes: server-written only (client id SERVER_CLIENT_ID), any REVIEW_KEY, primitive values. */
export const REVIEW_VALUE_TYPES = ['string', 'number', 'boolean', 'null'] as const

/** One history entry (an immutable JSON object appended to the history array). */
export const HISTORY_ENTRY = {
  from: oneOfOrNull(STATUSES),
  to: oneOf(STATUSES),
  by: str(128),
  at: str(40, DATE_TIME),
  comment: strOrNull(2000),
} as const

/**
 * Review data a history entry may carry besides HISTORY_ENTRY (all optional, absent = null). Only the server writes
 * them (review routes); an entry from a device carrying any of them is refused (sync/forbidden-transition).
 */
export const HISTORY_REVIEW_KEYS = {
  /** Display name of the reviewer (phones show it instead of the user id). */
  byName: strOrNull(200),
  /** A return's comments at single fields: `{path, text}` with the field's path (pathOf). */
  fieldComments: { type: 'notes', nullable: true, maxItems: 200, maxPath: 200, maxText: 2000 } as ValueSpec,
  meetingDate: strOrNull(10, DATE),
  attendees: { type: 'number', nullable: true, min: 1, max: 100_000, integer: true } as ValueSpec,
  agreeing: { type: 'number', nullable: true, min: 0, max: 100_000, integer: true } as ValueSpec,
  postedFrom: strOrNull(10, DATE),
  postedUntil: strOrNull(10, DATE),
  decisionNumber: strOrNull(100),
  decisionDate: strOrNull(10, DATE),
} as const

/** Every key a history entry may hold (the layout check and readers use this). */
export const HISTORY_ENTRY_KEYS: KeySpecs = { ...HISTORY_ENTRY, ...HISTORY_REVIEW_KEYS }

export type KeySpecs = Readonly<Record<string, ValueSpec>>

/** How each root is laid out; drives HouseholdDoc, the update whitelist and the docs. */
export type RootLayout =
  | { kind: 'fields'; keys: KeySpecs } // fixed keys → primitive values
  | { kind: 'set'; keyPattern: RegExp; allowed?: readonly string[] } // item → boolean|null
  | { kind: 'entities'; keyPattern: RegExp; keys: KeySpecs } // id → Y.Map of fixed keys
  | { kind: 'log'; entry: KeySpecs } // Y.Array of immutable JSON objects
  | { kind: 'review' } // server-written notes
  | { kind: 'answers'; keyPattern: RegExp } // item → option id | number ≥ 0 | null (b1AnswerFits)

export const LAYOUT: Readonly<Record<RootName, RootLayout>> = {
  meta: { kind: 'fields', keys: META_KEYS },
  fields: { kind: 'fields', keys: FIELD_KEYS },
  income: { kind: 'fields', keys: INCOME_KEYS },
  dwelling: { kind: 'fields', keys: DWELLING_KEYS },
  devices: { kind: 'set', keyPattern: CODE_KEY, allowed: DEVICES },
  attributes: { kind: 'fields', keys: ATTRIBUTE_KEYS },
  location: { kind: 'fields', keys: LOCATION_KEYS },
  causes: { kind: 'set', keyPattern: CODE_KEY },
  supportNeeds: { kind: 'set', keyPattern: CODE_KEY },
  members: { kind: 'entities', keyPattern: ENTITY_KEY, keys: MEMBER_KEYS },
  photos: { kind: 'entities', keyPattern: PHOTO_KEY, keys: PHOTO_KEYS },
  workflow: { kind: 'fields', keys: WORKFLOW_KEYS },
  history: { kind: 'log', entry: HISTORY_ENTRY_KEYS },
  screen: { kind: 'fields', keys: SCREEN_KEYS },
  review: { kind: 'review' },
  proposals: { kind: 'entities', keyPattern: ENTITY_KEY, keys: PROPOSAL_KEYS },
  b1Answers: { kind: 'answers', keyPattern: CODE_KEY },
}

export function isRootName(name: string): name is RootName {
  return Object.hasOwn(LAYOUT, name)
}

/** Whether `value` fits `spec` (undefined never does: Yjs would store it but JSON cannot carry it). */
export function valueFits(spec: ValueSpec, value: unknown): boolean {
  if (value === null) return spec.nullable
  switch (spec.type) {
    case 'string':
      return (
        typeof value === 'string' &&
        value.length <= spec.max &&
        (spec.pattern === undefined || spec.pattern.test(value))
      )
    case 'number':
      return (
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (spec.min === undefined || value >= spec.min) &&
        (spec.max === undefined || value <= spec.max) &&
        (!spec.integer || Number.isInteger(value))
      )
    case 'boolean':
      return typeof value === 'boolean'
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value)
    case 'notes':
      return (
        Array.isArray(value) &&
        value.length <= spec.maxItems &&
        value.every((n: unknown) => {
          if (typeof n !== 'object' || n === null || Array.isArray(n)) return false
          const note = n as Record<string, unknown>
          const keys = Object.keys(note)
          return (
            keys.length === 2 &&
            typeof note.path === 'string' &&
            note.path.length > 0 &&
            note.path.length <= spec.maxPath &&
            typeof note.text === 'string' &&
            note.text.length > 0 &&
            note.text.length <= spec.maxText
          )
        })
      )
  }
}
