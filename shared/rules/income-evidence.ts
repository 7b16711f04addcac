// Income evidence rules IN0…IN3 (DOMAIN.md §3): the per-capita figure decides, a Phiếu B1 score decides only without
// it, and when both are given but fall on different sides of the line the result carries a finding for the supervisor.
import type { AreaType, Household, Reason } from '../household/types.ts'
import { formatNumber, formatVnd } from './format.ts'
import type { Standard } from './standard-types.ts'

export type IncomeEvidence = 'per_capita' | 'b1_score' | 'none'

/** For the supervisor: the two income estimates put the household on different sides of the line (rule IN3). */
export interface IncomeEstimatesDisagree {
  code: 'income-estimates-disagree'
  perCapitaMonthly: number
  b1Score: number
  /** Income line used (VND per person per month). */
  line: number
  b1Cutoff: number
  vi: string
  en: string
}

export type ClassificationFinding = IncomeEstimatesDisagree

export interface IncomeOutcome {
  evidence: IncomeEvidence
  /** Income at or below the line; null without evidence. */
  atOrBelow: boolean | null
  /** Phiếu B1 cut-off, when the household carries a B1 score. */
  b1Cutoff?: number
  /** IN1 / IN2 / IN0, then IN3 when the estimates disagree. */
  reasons: Reason[]
  /** Provisional rules this outcome rests on (IN2 when a B1 score decides, IN3 when it is compared). */
  provisionalRules: string[]
  findings: ClassificationFinding[]
}

const AREA_TEXT = { urban: { vi: 'thành thị', en: 'urban' }, rural: { vi: 'nông thôn', en: 'rural' } } as const
const side = (below: boolean) => ({ vi: below ? 'thấp hơn hoặc bằng' : 'cao hơn', en: below ? 'at or below' : 'above' })

export function incomeOutcome(household: Household, standard: Standard, areaType: AreaType): IncomeOutcome {
  const line = standard.incomeLine[areaType]
  const area = AREA_TEXT[areaType]
  const lineVi = `chuẩn nghèo ${area.vi} ${formatVnd(line, 'vi')}/người/tháng`
  const lineEn = `${area.en} income line ${formatVnd(line, 'en')} per person per month`
  const pc = typeof household.income.perCapitaMonthly === 'number' ? household.income.perCapitaMonthly : undefined
  const b1 = typeof household.income.b1Score === 'number' ? household.income.b1Score : undefined
  const cutoff = standard.b1Cutoff[areaType]
  const b1Below = b1 === undefined ? undefined : b1 <= cutoff

  if (pc !== undefined) {
    const below = pc <= line
    const out: IncomeOutcome = {
      evidence: 'per_capita',
      atOrBelow: below,
      reasons: [
        {
          rule: 'IN1',
          kind: 'income',
          field: '$.income.perCapitaMonthly',
          vi: `Thu nhập bình quân ${formatVnd(pc, 'vi')}/người/tháng ${side(below).vi} ${lineVi}`,
          en: `Per-capita income ${formatVnd(pc, 'en')} per month is ${side(below).en} the ${lineEn}`,
        },
      ],
      provisionalRules: [],
      findings: [],
    }
    if (b1 !== undefined) {
      out.b1Cutoff = cutoff
      if (b1Below !== below) {
        const score = formatNumber(b1, 2)
        const vi =
          `Hai ước tính thu nhập không thống nhất: thu nhập bình quân ${formatVnd(pc, 'vi')} ${side(below).vi} chuẩn nghèo ${formatVnd(line, 'vi')}, ` +
          `nhưng điểm Phiếu B1 ${score} ${b1Below ? '≤' : '>'} ngưỡng ${cutoff} cho thấy ${side(!below).vi} chuẩn nghèo. ` +
          'Thu nhập bình quân quyết định; cán bộ kiểm tra cần xem lại. Ngưỡng B1 là tạm thời.'
        const en =
          `The two income estimates disagree: per-capita income ${formatVnd(pc, 'en')} is ${side(below).en} the line ${formatVnd(line, 'en')}, ` +
          `but the Phiếu B1 score ${score} is ${b1Below ? 'at or below' : 'above'} the cut-off ${cutoff}, which puts it ${side(!below).en} the line. ` +
          'The per-capita figure decides; for the supervisor to check. The B1 cut-off is provisional.'
        out.reasons.push({ rule: 'IN3', kind: 'income', field: '$.income.b1Score', vi, en })
        out.findings.push({
          code: 'income-estimates-disagree',
          perCapitaMonthly: pc,
          b1Score: b1,
          line,
          b1Cutoff: cutoff,
          vi,
          en,
        })
        out.provisionalRules.push('IN3')
      }
    }
    return out
  }

  if (b1 !== undefined && b1Below !== undefined) {
    const score = formatNumber(b1, 2)
    return {
      evidence: 'b1_score',
      atOrBelow: b1Below,
      b1Cutoff: cutoff,
      reasons: [
        {
          rule: 'IN2',
          kind: 'income',
          field: '$.income.b1Score',
          vi: `Điểm Phiếu B1 ${score} ${b1Below ? '≤' : '>'} ngưỡng ${cutoff} (${area.vi}), nên thu nhập được coi là ${side(b1Below).vi} ${lineVi}. Ngưỡng B1 là tạm thời, chờ bảng điểm chính thức.`,
          en: `Phiếu B1 score ${score} is ${b1Below ? 'at or below' : 'above'} the ${area.en} cut-off ${cutoff}, so income counts as ${side(b1Below).en} the ${lineEn}. The B1 cut-off is provisional until the official point table is loaded.`,
        },
      ],
      provisionalRules: ['IN2'],
      findings: [],
    }
  }

  return {
    evidence: 'none',
    atOrBelow: null,
    reasons: [
      {
        rule: 'IN0',
        kind: 'income',
        field: '$.income',
        vi: 'Chưa có thông tin thu nhập (thu nhập bình quân hoặc điểm Phiếu B1)',
        en: 'No income evidence (per-capita income or Phiếu B1 score)',
      },
    ],
    provisionalRules: [],
    findings: [],
  }
}
