// The household interchange format `rasoat.household/1` (DOMAIN.md §4) as TypeScript types.
// This is the contract between the rule engine, the Yjs household document, the server and the client;
// the runtime schema in schema.ts must accept exactly these shapes.

export const HOUSEHOLD_FORMAT = 'rasoat.household/1' as const

export const SEXES = ['male', 'female'] as const
export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other'] as const
export const EMPLOYMENTS = [
  'wage_with_contract',
  'wage_without_contract',
  'self_employed',
  'unemployed_seeking',
  'not_working',
] as const
export const EDUCATIONS = [
  'none',
  'primary',
  'lower_secondary',
  'upper_secondary',
  'vocational',
  'college_or_higher',
] as const
export const WATER_SOURCES = [
  'piped',
  'drilled_well',
  'protected_dug_well',
  'protected_spring',
  'rainwater',
  'bottled',
  'unprotected_well',
  'surface_water',
  'other',
] as const
export const TOILETS = [
  'septic',
  'semi_septic',
  'pour_flush',
  'double_vault',
  'ventilated_pit',
  'unimproved_pit',
  'none',
  'other',
] as const
export const DEVICES = ['tv', 'radio', 'computer', 'smartphone', 'tablet', 'feature_phone'] as const
export const WASTE_HANDLING = ['collected', 'treated_on_site', 'untreated'] as const
export const AREA_TYPES = ['urban', 'rural'] as const
export const CATEGORIES = ['poor', 'near_poor', 'average', 'not_poor', 'incomplete'] as const

/** Record workflow (DOMAIN.md §1). */
export const STATUSES = [
  'listed',
  'assigned',
  'in_progress',
  'submitted',
  'verified',
  'returned',
  'agreed_at_meeting',
  're_review',
  'posted',
  'under_recheck',
  'approved',
  'certified',
] as const

export type Sex = (typeof SEXES)[number]
export type Relation = (typeof RELATIONS)[number]
export type Employment = (typeof EMPLOYMENTS)[number]
export type Education = (typeof EDUCATIONS)[number]
export type WaterSource = (typeof WATER_SOURCES)[number]
export type Toilet = (typeof TOILETS)[number]
export type Device = (typeof DEVICES)[number]
export type WasteHandling = (typeof WASTE_HANDLING)[number]
export type AreaType = (typeof AREA_TYPES)[number]
export type Category = (typeof CATEGORIES)[number]
export type Status = (typeof STATUSES)[number]

export interface Location {
  lat: number
  lng: number
  accuracyM: number
  capturedAt: string // ISO date-time
}

/** Income evidence: either, both or neither. When both are given the per-capita figure decides (DOMAIN.md §3). */
export interface Income {
  perCapitaMonthly?: number
  b1Score?: number
}

export interface Member {
  id: string
  personalId: string | null
  fullName: string
  sex: Sex
  birthDate: string // YYYY-MM-DD
  relation: Relation
  ethnicity: string
  ableToWork: boolean
  employment: Employment
  disability: boolean
  monthlySocialAllowance: boolean
  healthInsurance: boolean
  studying: boolean
  education: Education
  schoolOnTrack: boolean | null // ages 3–15
  malnourished: boolean | null // under 16
}

export interface Dwelling {
  hasDwelling: boolean
  wallDurable: boolean
  columnDurable: boolean
  roofDurable: boolean
  floorAreaM2: number
  water: WaterSource
  toilet: Toilet
  internet: boolean
  devices: Device[]
  waste?: WasteHandling // ND351 only
}

export interface Attributes {
  ethnicMinority: boolean
  meritoriousFamily: boolean
  socialProtection: boolean
  noWorkingCapacity: boolean
}

export interface PhotoRef {
  sha256: string
  kind: string
  capturedAt: string
}

export interface Household {
  format: typeof HOUSEHOLD_FORMAT
  id: string
  period: string // "2025"
  referenceDate?: string // YYYY-MM-DD; default: the period's reference date (1 September)
  unit: string // commune-level unit code
  areaType?: AreaType // derived from unit when known
  village: string
  address: string
  location: Location | null
  farming: boolean
  income: Income
  members: Member[]
  dwelling: Dwelling
  attributes: Attributes
  causes: string[]
  supportNeeds: string[]
  status?: Status
  photos: PhotoRef[]
}

export interface Reason {
  /** Rule id: I01…I14 for indicators, CL1… for category rules, IN… for income evidence. */
  rule: string
  /** What the reason explains (optional: records written before it existed lack it). */
  kind?: 'category' | 'income' | 'deprivation' | 'missing'
  /** On a `missing` reason: answering it could change the category, so the record cannot be submitted yet. */
  decisive?: true
  vi: string
  en: string
  /** Member behind the deprivation, when there is one. */
  memberId?: string
  /** JSON path of the field behind the reason, e.g. `$.members[1].healthInsurance`. */
  field?: string
}

export interface ClassificationResult {
  standard: string
  category: Category
  incomeAtOrBelowLine: boolean | null
  line: number
  deprivations: string[]
  deprivationCount: number
  reasons: Reason[]
}
