// Income evidence rules IN0…IN3 (DOMAIN.md §3): the per-capita figure decides, a Phiếu B1 score decides only without
// it, and when both are given but fall on different sides of the line the result carries a finding for the supervisor.
import type { AreaType, Household, Reason } from '../household/types.ts'
import { b1TableRef, type B1Table, type B1TableRef } from './b1-table.ts'
import { formatNumber, formatVnd, NO_TEXT, say } from './format.ts'
import type { Standard, Text } from './standard-types.ts'

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

/** Where the B1 cut-offs came from: an administrator-loaded point table, or the provisional defaults of the standard. */
export type B1CutoffSource =
  | { source: 'table'; table: B1TableRef; poorAtOrBelow: number; nearPoorAtOrBelow: number }
  | { source: 'provisional'; atOrBelow: number }

export interface IncomeOutcome {
  evidence: IncomeEvidence
  /** Income at or below the line; null without evidence. */
  atOrBelow: boolean | null
  /** Phiếu B1 cut-off, when the household carries a B1 score. */
  b1Cutoff?: number
  /** Which cut-offs the B1 score was compared with, when the household carries one. */
  b1Cutoffs?: B1CutoffSource
  /** False when a table's B1 score lies above its poor cut-off but at or below the near-poor one (at most near-poor). */
  poorAllowed: boolean
  /** IN1 / IN2 / IN0, then IN3 when the estimates disagree. */
  reasons: Reason[]
  /** Provisional rules this outcome rests on (IN2 when a B1 score decides, IN3 when it is compared). */
  provisionalRules: string[]
  findings: ClassificationFinding[]
}

const AREA_TEXT = { urban: { vi: 'thành thị', en: 'urban' }, rural: { vi: 'nông thôn', en: 'rural' } } as const
const NO_INCOME: Text = {
  vi: 'Chưa có thông tin thu nhập (thu nhập bình quân hoặc điểm Phiếu B1)',
  en: 'No income evidence (per-capita income or Phiếu B1 score)',
}

/** "chuẩn nghèo thành thị 2.000.000 đồng/người/tháng" and its English. */
function lineText(area: Text, line: number): Text {
  return {
    vi: `chuẩn nghèo ${area.vi} ${formatVnd(line, 'vi')}/người/tháng`,
    en: `${area.en} income line ${formatVnd(line, 'en')} per person per month`,
  }
}

/** Which point table a B1 score was compared with, or empty texts for the provisional cut-offs. */
function tableText(table: B1Table | undefined): Text {
  if (!table) return NO_TEXT
  return {
    vi: `theo bảng điểm "${table.name.vi}" (phiên bản ${table.version})`,
    en: `of the point table "${table.name.en}" (version ${table.version})`,
  }
}

const side = (below: boolean) => ({ vi: below ? 'thấp hơn hoặc bằng' : 'cao hơn', en: below ? 'at or below' : 'above' })

/**
 * `b1Table` is the loaded point table for this standard and area type, if any: its near-poor cut-off replaces the
 * provisional one and its poor cut-off caps the category (IN2); without it the standard's provisional cut-off applies.
 * With `explain` false the reasons and findings carry empty texts (classify's `explain`).
 */
export function incomeOutcome(
  household: Household,
  standard: Standard,
  areaType: AreaType,
  b1Table?: B1Table,
  explain = true,
): IncomeOutcome {
  const line = standard.incomeLine[areaType]
  const area = AREA_TEXT[areaType]
  const pc = typeof household.income.perCapitaMonthly === 'number' ? household.income.perCapitaMonthly : undefined
  const b1 = typeof household.income.b1Score === 'number' ? household.income.b1Score : undefined
  const table = b1Table?.standard === standard.id && b1Table.areaType === areaType ? b1Table : undefined
  const cutoff = table ? table.cutoffs.nearPoorAtOrBelow : standard.b1Cutoff[areaType]
  const cutoffs: B1CutoffSource = table
    ? { source: 'table', table: b1TableRef(table), ...table.cutoffs }
    : { source: 'provisional', atOrBelow: cutoff }
  const b1Below = b1 === undefined ? undefined : b1 <= cutoff

  if (pc !== undefined) {
    const below = pc <= line
    const text = say(explain, () => {
      const l = lineText(area, line)
      return {
        vi: `Thu nhập bình quân ${formatVnd(pc, 'vi')}/người/tháng ${side(below).vi} ${l.vi}`,
        en: `Per-capita income ${formatVnd(pc, 'en')} per month is ${side(below).en} the ${l.en}`,
      }
    })
    const out: IncomeOutcome = {
      evidence: 'per_capita',
      atOrBelow: below,
      reasons: [{ rule: 'IN1', kind: 'income', field: '$.income.perCapitaMonthly', vi: text.vi, en: text.en }],
      provisionalRules: [],
      findings: [],
      poorAllowed: true,
    }
    if (b1 !== undefined) {
      out.b1Cutoff = cutoff
      out.b1Cutoffs = cutoffs
      if (b1Below !== below) {
        const { vi, en } = say(explain, () => {
          const score = formatNumber(b1, 2)
          const t = tableText(table)
          return {
            vi:
              `Hai ước tính thu nhập không thống nhất: thu nhập bình quân ${formatVnd(pc, 'vi')} ${side(below).vi} chuẩn nghèo ${formatVnd(line, 'vi')}, ` +
              `nhưng điểm Phiếu B1 ${score} ${b1Below ? '≤' : '>'} ngưỡng ${cutoff}${table ? ' ' + t.vi : ''} cho thấy ${side(!below).vi} chuẩn nghèo. ` +
              'Thu nhập bình quân quyết định; cán bộ kiểm tra cần xem lại.' +
              (table ? '' : ' Ngưỡng B1 là tạm thời.'),
            en:
              `The two income estimates disagree: per-capita income ${formatVnd(pc, 'en')} is ${side(below).en} the line ${formatVnd(line, 'en')}, ` +
              `but the Phiếu B1 score ${score} is ${b1Below ? 'at or below' : 'above'} the cut-off ${cutoff}${table ? ' ' + t.en : ''}, which puts it ${side(!below).en} the line. ` +
              'The per-capita figure decides; for the supervisor to check.' +
              (table ? '' : ' The B1 cut-off is provisional.'),
          }
        })
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
        if (!table) out.provisionalRules.push('IN3')
      }
    }
    return out
  }

  if (b1 !== undefined && b1Below !== undefined) {
    const poorAllowed = !table || b1 <= table.cutoffs.poorAtOrBelow
    const text = say(explain, () => {
      const score = formatNumber(b1, 2)
      const l = lineText(area, line)
      const t = tableText(table)
      const capVi = poorAllowed
        ? ''
        : ` Điểm cao hơn ngưỡng hộ nghèo ${table?.cutoffs.poorAtOrBelow}: nhiều nhất là hộ cận nghèo.`
      const capEn = poorAllowed
        ? ''
        : ` The score is above the poor cut-off ${table?.cutoffs.poorAtOrBelow}: near-poor at most.`
      return table
        ? {
            vi: `Điểm Phiếu B1 ${score} ${b1Below ? '≤' : '>'} ngưỡng ${cutoff} ${t.vi}, nên thu nhập được coi là ${side(b1Below).vi} ${l.vi}.${capVi}`,
            en: `Phiếu B1 score ${score} is ${b1Below ? 'at or below' : 'above'} the cut-off ${cutoff} ${t.en}, so income counts as ${side(b1Below).en} the ${l.en}.${capEn}`,
          }
        : {
            vi: `Điểm Phiếu B1 ${score} ${b1Below ? '≤' : '>'} ngưỡng ${cutoff} (${area.vi}), nên thu nhập được coi là ${side(b1Below).vi} ${l.vi}. Ngưỡng B1 là tạm thời, chờ bảng điểm chính thức.`,
            en: `Phiếu B1 score ${score} is ${b1Below ? 'at or below' : 'above'} the ${area.en} cut-off ${cutoff}, so income counts as ${side(b1Below).en} the ${l.en}. The B1 cut-off is provisional until the official point table is loaded.`,
          }
    })
    const reason: Reason = { rule: 'IN2', kind: 'income', field: '$.income.b1Score', vi: text.vi, en: text.en }
    return {
      evidence: 'b1_score',
      atOrBelow: b1Below,
      b1Cutoff: cutoff,
      b1Cutoffs: cutoffs,
      poorAllowed,
      reasons: [reason],
      provisionalRules: table ? [] : ['IN2'],
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
        ...(explain ? NO_INCOME : NO_TEXT),
      },
    ],
    provisionalRules: [],
    findings: [],
    poorAllowed: true,
  }
}
