// The shape of a poverty standard as data (thresholds, lists, indicator parameters), so an administrator-loaded
// JSON document can replace the bundled one without code changes. Provisional items carry `provisional: true` + note.
import type { AreaType, Device, Education, Employment, Toilet, WasteHandling, WaterSource } from '../household/types.ts'

/** The dwelling structures I07 looks at (Dwelling.wallDurable / columnDurable / roofDurable). */
export const HOUSING_STRUCTURES = ['wall', 'column', 'roof'] as const
export type HousingStructure = (typeof HOUSING_STRUCTURES)[number]

export interface ProvisionalMark {
  /** Our best reading, not confirmed by the legal text available to us. */
  provisional?: true
  note?: string
}

export type ByArea<T> = Record<AreaType, T>
export type Text = { vi: string; en: string }

interface IndicatorBase extends ProvisionalMark {
  id: string
  dimension: Text
  name: Text
}

/** Age bands are inclusive in whole years at the reference date: minAge ≤ age ≤ maxAge. */
export interface AgeBand {
  minAge: number
  maxAge: number
}

export type IndicatorSpec =
  | (IndicatorBase & {
      kind: 'employment'
      ages: AgeBand
      requiresAbleToWork: boolean
      deprivedEmployment: Employment[]
    })
  | (IndicatorBase & {
      kind: 'dependants'
      /** Children with age ≤ childMaxAge are dependants. */
      childMaxAge: number
      /** Members with age ≥ elderlyMinAge count when (if allowanceRequired) they receive a monthly social allowance. */
      elderlyMinAge: number
      elderlyRequiresAllowance: boolean
      /** Members with a disability count when (if allowanceRequired) they receive a monthly social allowance. */
      disabledRequiresAllowance: boolean
      /** Deprived when dependants / members is strictly greater than this share. */
      maxShare: number
    })
  | (IndicatorBase & { kind: 'nutrition'; childMaxAge: number })
  | (IndicatorBase & { kind: 'health_insurance'; minAge: number })
  | (IndicatorBase & {
      kind: 'adult_education'
      bands: (AgeBand & { accepted: Education[]; required: Text })[]
      exemptWhenStudying: boolean
    })
  | (IndicatorBase & { kind: 'child_schooling'; ages: AgeBand })
  | (IndicatorBase & { kind: 'housing_quality'; structures: HousingStructure[]; minNonDurable: number })
  | (IndicatorBase & { kind: 'floor_area'; minPerMemberM2: number })
  | (IndicatorBase & { kind: 'water'; clean: WaterSource[] })
  | (IndicatorBase & { kind: 'toilet'; hygienic: Toilet[] })
  | (IndicatorBase & { kind: 'internet' })
  | (IndicatorBase & { kind: 'information_devices'; devices: Device[] })
  /** A waste answer that is not recorded is reported as missing, never as a deprivation. */
  | (IndicatorBase & { kind: 'waste'; deprived: WasteHandling[] })

export type IndicatorKind = IndicatorSpec['kind']

export interface Standard {
  id: string
  /** How people name the standard, e.g. "Nghị định 07/2021/NĐ-CP, giai đoạn 2022–2025": shown wherever it appears. */
  name: Text
  title: Text
  legalBasis: string
  /** Review periods (years) this standard applies to, inclusive. */
  periods: { from: number; to: number }
  /** Income line, VND per person per month; poor/near-poor when per-capita income ≤ line. */
  incomeLine: ByArea<number> & ProvisionalMark
  /** Upper bound (inclusive) of the average-living band for farming households; the lower bound is the line (exclusive). */
  averageUpper: ByArea<number> & ProvisionalMark
  /** Phiếu B1 score at or below which income counts as at/below the line. */
  b1Cutoff: ByArea<number> & ProvisionalMark
  /** A household with at least this many deprivations and income at/below the line is poor. */
  poorMinDeprivations: number
  /** Reference date of a period, month and day (the review year's 1 September). */
  referenceMonthDay: { month: number; day: number }
  indicators: IndicatorSpec[]
}
