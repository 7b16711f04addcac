// classify(): the pure, self-explaining poverty classification of one household under one standard (DOMAIN.md §3).
// Runs on every keystroke on a phone: no I/O, no DOM/Node, one pass over the members per indicator.
import type { AreaType, Category, ClassificationResult, Household, Reason } from '../household/types.ts'
import { HUE_UNITS, type UnitCatalogue } from '../units/units.ts'
import { ageAt, formatDate, parseDate } from './age.ts'
import { formatNumber, formatVnd } from './format.ts'
import { evaluateIndicator, type IndicatorContext } from './indicators.ts'
import type { Standard } from './standard-types.ts'
import { STANDARDS, findStandard, standardForPeriod } from './standards.ts'

export type IncomeEvidence = 'per_capita' | 'b1_score' | 'none'

/** ClassificationResult plus how it was reached; assignable to the contract type. */
export interface Classification extends ClassificationResult {
  areaType: AreaType
  referenceDate: string
  incomeEvidence: IncomeEvidence
  /** Phiếu B1 cut-off used, when income evidence is a B1 score. */
  b1Cutoff?: number
  /** Category rule that decided: CL1 poor, CL2 near-poor, CL3 average, CL4 not poor, CL5 incomplete. */
  decidedBy: 'CL1' | 'CL2' | 'CL3' | 'CL4' | 'CL5'
  /** Ids of rules in this result whose data is provisional (deprived indicators, IN2, CL3 band). */
  provisionalRules: string[]
}

export type ClassificationErrorCode = 'rules/unknown-standard' | 'rules/no-standard-for-period' | 'rules/unknown-area-type' | 'rules/invalid-date'

export class ClassificationError extends Error {
  constructor(
    readonly code: ClassificationErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message)
    this.name = 'ClassificationError'
  }
}

export interface ClassifyOptions {
  standards?: readonly Standard[]
  units?: UnitCatalogue
}

export const CATEGORY_LABELS: Record<Category, { vi: string; en: string }> = {
  poor: { vi: 'Hộ nghèo', en: 'Poor' },
  near_poor: { vi: 'Hộ cận nghèo', en: 'Near-poor' },
  average: { vi: 'Hộ có mức sống trung bình', en: 'Average living standard' },
  not_poor: { vi: 'Không nghèo', en: 'Not poor' },
  incomplete: { vi: 'Chưa đủ thông tin', en: 'Incomplete' },
}

const AREA_TEXT = { urban: { vi: 'thành thị', en: 'urban' }, rural: { vi: 'nông thôn', en: 'rural' } } as const

export function resolveStandard(household: Household, standardId: string | undefined, standards: readonly Standard[] = STANDARDS): Standard {
  if (standardId !== undefined) {
    const s = findStandard(standardId, standards)
    if (!s) throw new ClassificationError('rules/unknown-standard', `Unknown standard "${standardId}"`)
    return s
  }
  const s = standardForPeriod(household.period, standards)
  if (!s) throw new ClassificationError('rules/no-standard-for-period', `No poverty standard applies to period "${household.period}"`, '$.period')
  return s
}

export function resolveAreaType(household: Household, units: UnitCatalogue = HUE_UNITS): AreaType {
  if (household.areaType !== undefined) return household.areaType
  const derived = units.areaTypeOfUnit(household.unit)
  if (derived === undefined) {
    throw new ClassificationError(
      'rules/unknown-area-type',
      `Unit "${household.unit}" is not in the unit list and the household has no areaType`,
      '$.unit',
    )
  }
  return derived
}

export function referenceDateOf(household: Household, standard: Standard): string {
  if (household.referenceDate !== undefined) return household.referenceDate
  const { month, day } = standard.referenceMonthDay
  return `${household.period}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

export function classify(household: Household, standardId?: string, options: ClassifyOptions = {}): Classification {
  const standard = resolveStandard(household, standardId, options.standards)
  const areaType = resolveAreaType(household, options.units)
  const refText = referenceDateOf(household, standard)
  const ref = parseDate(refText)
  if (!ref) throw new ClassificationError('rules/invalid-date', `Invalid reference date "${refText}"`, '$.referenceDate')

  const members = household.members.map((member, index) => {
    const birth = parseDate(member.birthDate)
    if (!birth) throw new ClassificationError('rules/invalid-date', `Invalid birth date "${member.birthDate}"`, `$.members[${index}].birthDate`)
    return { member, index, age: ageAt(birth, ref) }
  })
  const ctx: IndicatorContext = { household, members }

  const deprivations: string[] = []
  const deprivationReasons: Reason[] = []
  const missingReasons: Reason[] = []
  const provisionalRules: string[] = []
  for (const spec of standard.indicators) {
    const findings = evaluateIndicator(spec, ctx)
    let deprived = false
    for (const f of findings) {
      const reason: Reason = { rule: spec.id, kind: f.missing ? 'missing' : 'deprivation', vi: f.vi, en: f.en, field: f.field }
      if (f.memberId !== undefined) reason.memberId = f.memberId
      if (f.missing) missingReasons.push(reason)
      else {
        deprived = true
        deprivationReasons.push(reason)
      }
    }
    if (deprived) {
      deprivations.push(spec.id)
      if (spec.provisional) provisionalRules.push(spec.id)
    }
  }
  const d = deprivations.length
  const line = standard.incomeLine[areaType]
  const area = AREA_TEXT[areaType]
  const lineVi = `chuẩn nghèo ${area.vi} ${formatVnd(line, 'vi')}/người/tháng`
  const lineEn = `${area.en} income line ${formatVnd(line, 'en')} per person per month`

  // Income evidence (IN1 per-capita income, IN2 Phiếu B1 score, IN0 none).
  const income = household.income
  let incomeEvidence: IncomeEvidence = 'none'
  let atOrBelow: boolean | null = null
  let b1Cutoff: number | undefined
  let incomeReason: Reason
  if ('perCapitaMonthly' in income && typeof income.perCapitaMonthly === 'number') {
    incomeEvidence = 'per_capita'
    atOrBelow = income.perCapitaMonthly <= line
    const pc = income.perCapitaMonthly
    incomeReason = {
      rule: 'IN1',
      kind: 'income',
      field: '$.income.perCapitaMonthly',
      vi: `Thu nhập bình quân ${formatVnd(pc, 'vi')}/người/tháng ${atOrBelow ? 'thấp hơn hoặc bằng' : 'cao hơn'} ${lineVi}`,
      en: `Per-capita income ${formatVnd(pc, 'en')} per month is ${atOrBelow ? 'at or below' : 'above'} the ${lineEn}`,
    }
  } else if ('b1Score' in income && typeof income.b1Score === 'number') {
    incomeEvidence = 'b1_score'
    b1Cutoff = standard.b1Cutoff[areaType]
    atOrBelow = income.b1Score <= b1Cutoff
    provisionalRules.push('IN2')
    const score = formatNumber(income.b1Score, 2)
    incomeReason = {
      rule: 'IN2',
      kind: 'income',
      field: '$.income.b1Score',
      vi: `Điểm Phiếu B1 ${score} ${atOrBelow ? '≤' : '>'} ngưỡng ${b1Cutoff} (${area.vi}), nên thu nhập được coi là ${atOrBelow ? 'thấp hơn hoặc bằng' : 'cao hơn'} ${lineVi}. Ngưỡng B1 là tạm thời, chờ bảng điểm chính thức.`,
      en: `Phiếu B1 score ${score} is ${atOrBelow ? 'at or below' : 'above'} the ${area.en} cut-off ${b1Cutoff}, so income counts as ${atOrBelow ? 'at or below' : 'above'} the ${lineEn}. The B1 cut-off is provisional until the official point table is loaded.`,
    }
  } else {
    incomeReason = {
      rule: 'IN0',
      kind: 'income',
      field: '$.income',
      vi: 'Chưa có thông tin thu nhập (thu nhập bình quân hoặc điểm Phiếu B1)',
      en: 'No income evidence (per-capita income or Phiếu B1 score)',
    }
  }

  // Category rules CL1…CL5.
  let category: Category
  let decidedBy: Classification['decidedBy']
  let categoryReason: Omit<Reason, 'rule'>
  const min = standard.poorMinDeprivations
  if (atOrBelow === null) {
    category = 'incomplete'
    decidedBy = 'CL5'
    categoryReason = {
      vi: 'Chưa đủ thông tin để phân loại: thiếu bằng chứng thu nhập',
      en: 'Cannot classify: no income evidence',
    }
  } else if (atOrBelow && d >= min) {
    category = 'poor'
    decidedBy = 'CL1'
    categoryReason = {
      vi: `Hộ nghèo: thu nhập thấp hơn hoặc bằng chuẩn nghèo và thiếu hụt ${d} chỉ số (từ ${min} trở lên)`,
      en: `Poor: income at or below the line and ${d} deprivations (${min} or more)`,
    }
  } else if (atOrBelow) {
    category = 'near_poor'
    decidedBy = 'CL2'
    categoryReason = {
      vi: `Hộ cận nghèo: thu nhập thấp hơn hoặc bằng chuẩn nghèo và thiếu hụt ${d} chỉ số (dưới ${min})`,
      en: `Near-poor: income at or below the line and ${d} deprivations (fewer than ${min})`,
    }
  } else if (
    household.farming &&
    incomeEvidence === 'per_capita' &&
    'perCapitaMonthly' in income &&
    typeof income.perCapitaMonthly === 'number' &&
    income.perCapitaMonthly <= standard.averageUpper[areaType]
  ) {
    category = 'average'
    decidedBy = 'CL3'
    if (standard.averageUpper.provisional) provisionalRules.push('CL3')
    const upper = standard.averageUpper[areaType]
    categoryReason = {
      vi: `Hộ làm nông, lâm, ngư, diêm nghiệp có mức sống trung bình: thu nhập trên chuẩn nghèo và không quá ${formatVnd(upper, 'vi')}/người/tháng`,
      en: `Farming household with average living standard: income above the line and at most ${formatVnd(upper, 'en')} per person per month`,
    }
  } else {
    category = 'not_poor'
    decidedBy = 'CL4'
    categoryReason = {
      vi: 'Không nghèo: thu nhập cao hơn chuẩn nghèo' + (household.farming && incomeEvidence === 'b1_score' ? ' (điểm B1 không xác định được mức sống trung bình)' : ''),
      en: 'Not poor: income above the line' + (household.farming && incomeEvidence === 'b1_score' ? ' (a B1 score alone cannot establish the average band)' : ''),
    }
  }

  const result: Classification = {
    standard: standard.id,
    category,
    incomeAtOrBelowLine: atOrBelow,
    line,
    deprivations,
    deprivationCount: d,
    reasons: [{ rule: decidedBy, kind: 'category', ...categoryReason }, incomeReason, ...deprivationReasons, ...missingReasons],
    areaType,
    referenceDate: formatDate(ref),
    incomeEvidence,
    decidedBy,
    provisionalRules,
  }
  if (b1Cutoff !== undefined) result.b1Cutoff = b1Cutoff
  return result
}

/** One line for lists: "Hộ nghèo · 4 thiếu hụt: I04, I08, I09, I11". */
export function classificationSummary(result: ClassificationResult, lang: 'vi' | 'en' = 'vi'): string {
  const label = CATEGORY_LABELS[result.category][lang]
  if (result.deprivationCount === 0) return lang === 'vi' ? `${label} · không thiếu hụt` : `${label} · no deprivations`
  const count = lang === 'vi' ? `${result.deprivationCount} thiếu hụt` : `${result.deprivationCount} deprivation${result.deprivationCount === 1 ? '' : 's'}`
  return `${label} · ${count}: ${result.deprivations.join(', ')}`
}
