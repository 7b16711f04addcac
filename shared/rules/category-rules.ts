// The category rules CL1…CL5 as one pure function of (income outcome, deprivation count), so classify() can also ask
// "would the category differ if the missing answers were deprivations?" (rule MS1: a missing answer that could change
// the category blocks submission) without re-running the indicators.
import type { AreaType, Category } from '../household/types.ts'
import { formatVnd, say } from './format.ts'
import type { IncomeEvidence } from './income-evidence.ts'
import type { Standard, Text } from './standard-types.ts'

export type CategoryRule = 'CL1' | 'CL2' | 'CL3' | 'CL4' | 'CL5'

export const CATEGORY_LABELS: Record<Category, { vi: string; en: string }> = {
  poor: { vi: 'Hộ nghèo', en: 'Poor' },
  near_poor: { vi: 'Hộ cận nghèo', en: 'Near-poor' },
  average: { vi: 'Hộ có mức sống trung bình', en: 'Average living standard' },
  not_poor: { vi: 'Không nghèo', en: 'Not poor' },
  incomplete: { vi: 'Chưa đủ thông tin', en: 'Incomplete' },
}

export interface CategoryInput {
  atOrBelow: boolean | null
  evidence: IncomeEvidence
  perCapitaMonthly: number | undefined
  farming: boolean
  deprivationCount: number
  /** False when a B1 point table puts the score above its poor cut-off (yet at or below the near-poor one). */
  poorAllowed?: boolean
}

export interface CategoryDecision {
  category: Category
  decidedBy: CategoryRule
  vi: string
  en: string
  /** The decision rests on provisional data (the ND351 average band). */
  provisional: boolean
}

function decision(
  category: Category,
  decidedBy: CategoryRule,
  provisional: boolean,
  explain: boolean,
  text: () => Text,
): CategoryDecision {
  const t = say(explain, text)
  return { category, decidedBy, vi: t.vi, en: t.en, provisional }
}

/** With `explain` false the decision's vi/en are empty (classify's `explain`). */
export function decideCategory(
  standard: Standard,
  areaType: AreaType,
  input: CategoryInput,
  explain = true,
): CategoryDecision {
  const d = input.deprivationCount
  const min = standard.poorMinDeprivations
  if (input.atOrBelow === null) {
    return decision('incomplete', 'CL5', false, explain, () => ({
      vi: 'Chưa đủ thông tin để phân loại: thiếu bằng chứng thu nhập',
      en: 'Cannot classify: no income evidence',
    }))
  }
  if (input.atOrBelow && d >= min && input.poorAllowed !== false) {
    return decision('poor', 'CL1', false, explain, () => ({
      vi: `Hộ nghèo: thu nhập thấp hơn hoặc bằng chuẩn nghèo và thiếu hụt ${d} chỉ số (từ ${min} trở lên)`,
      en: `Poor: income at or below the line and ${d} deprivations (${min} or more)`,
    }))
  }
  if (input.atOrBelow && input.poorAllowed === false) {
    return decision('near_poor', 'CL2', false, explain, () => ({
      vi: `Hộ cận nghèo: điểm Phiếu B1 trên ngưỡng hộ nghèo nhưng không quá ngưỡng hộ cận nghèo của bảng điểm (thiếu hụt ${d} chỉ số)`,
      en: `Near-poor: the Phiếu B1 score is above the table's poor cut-off but not above its near-poor cut-off (${d} deprivations)`,
    }))
  }
  if (input.atOrBelow) {
    return decision('near_poor', 'CL2', false, explain, () => ({
      vi: `Hộ cận nghèo: thu nhập thấp hơn hoặc bằng chuẩn nghèo và thiếu hụt ${d} chỉ số (dưới ${min})`,
      en: `Near-poor: income at or below the line and ${d} deprivations (fewer than ${min})`,
    }))
  }
  const upper = standard.averageUpper[areaType]
  // A B1 score alone never establishes the average band: it needs the per-capita figure.
  if (
    input.farming &&
    input.evidence === 'per_capita' &&
    input.perCapitaMonthly !== undefined &&
    input.perCapitaMonthly <= upper
  ) {
    return decision('average', 'CL3', standard.averageUpper.provisional === true, explain, () => ({
      vi: `Hộ làm nông, lâm, ngư, diêm nghiệp có mức sống trung bình: thu nhập trên chuẩn nghèo và không quá ${formatVnd(upper, 'vi')}/người/tháng`,
      en: `Farming household with average living standard: income above the line and at most ${formatVnd(upper, 'en')} per person per month`,
    }))
  }
  const b1Only = input.farming && input.evidence === 'b1_score'
  return decision('not_poor', 'CL4', false, explain, () => ({
    vi:
      'Không nghèo: thu nhập cao hơn chuẩn nghèo' +
      (b1Only ? ' (điểm B1 không xác định được mức sống trung bình)' : ''),
    en: 'Not poor: income above the line' + (b1Only ? ' (a B1 score alone cannot establish the average band)' : ''),
  }))
}
