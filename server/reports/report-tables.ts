// The report's tables as data (official forms 1–10 of the review, docs/reports.md): titles and column headers in
// Vietnamese and English, one row per area and a total row. The JSON API, the console, XLSX and CSV all read these.

import { POVERTY_CAUSES } from '../../client/survey/survey-data.ts'
import { en as surveyEn, vi as surveyVi } from '../../client/i18n/survey.ts'
import { NEAR_POOR_MOVE_LABELS, POOR_MOVE_LABELS } from '../../shared/reports/movement.ts'
import { STATUSES } from '../../shared/household/types.ts'
import type { Standard } from '../../shared/rules/standard-types.ts'
import { indicatorBit } from '../store/household-view.ts'
import { nearPoorBalance, poorBalance, rate, type Figures, type ListKey } from './report-figures.ts'

export interface Label {
  vi: string
  en: string
}

export interface ReportColumn {
  key: string
  label: Label
  /** count: whole number; rate: percentage with 2 decimals (count / total × 100). */
  kind: 'count' | 'rate'
}

export interface ReportRow {
  /** Village id (commune report) or unit code (city report); null on the total row. */
  area: string | null
  name: string
  values: number[]
}

export interface ReportTable {
  id: string
  title: Label
  columns: ReportColumn[]
  rows: ReportRow[]
  total: ReportRow
}

export const TABLE_IDS = [
  'totals',
  'poor-movement',
  'near-poor-movement',
  'poor-deprivations',
  'near-poor-deprivations',
  'groups',
  'causes',
  'progress',
] as const
export type TableId = (typeof TABLE_IDS)[number]

const col = (key: string, vi: string, en: string, kind: ReportColumn['kind'] = 'count'): ReportColumn => ({
  key,
  label: { vi, en },
  kind,
})

interface TableSpec {
  id: TableId
  title: Label
  columns: ReportColumn[]
  values(f: Figures): number[]
}

const GROUPS = [
  ['ethnicMinority', 'Hộ dân tộc thiểu số', 'Ethnic minority'],
  ['meritorious', 'Hộ có công với cách mạng', 'Meritorious family'],
  ['noWorkingCapacity', 'Hộ không có khả năng lao động', 'No working capacity'],
  ['socialProtection', 'Hộ bảo trợ xã hội', 'Social protection'],
] as const

const LISTS: { key: ListKey; vi: string; en: string }[] = [
  { key: 'poor', vi: 'Hộ nghèo', en: 'Poor' },
  { key: 'near_poor', vi: 'Hộ cận nghèo', en: 'Near-poor' },
]

const STATUS_LABELS: Record<string, Label> = {
  listed: { vi: 'Trong danh sách', en: 'Listed' },
  assigned: { vi: 'Đã phân công', en: 'Assigned' },
  in_progress: { vi: 'Đang rà soát', en: 'In progress' },
  submitted: { vi: 'Đã gửi', en: 'Submitted' },
  verified: { vi: 'Đã xác nhận', en: 'Verified' },
  returned: { vi: 'Trả lại', en: 'Returned' },
  agreed_at_meeting: { vi: 'Họp dân đồng ý', en: 'Agreed at meeting' },
  re_review: { vi: 'Rà soát lại', en: 'Re-review' },
  posted: { vi: 'Đã niêm yết', en: 'Posted' },
  under_recheck: { vi: 'Đang phúc tra', en: 'Under recheck' },
  approved: { vi: 'Đã phê duyệt', en: 'Approved' },
  certified: { vi: 'Đã cấp giấy', en: 'Certified' },
}

function specs(standard: Standard): TableSpec[] {
  const indicators = standard.indicators.map((i) => ({ id: i.id, bit: indicatorBit(i.id), name: i.name }))
  const deprivations = (list: ListKey, n: string, vi: string, en: string): TableSpec => ({
    id: list === 'poor' ? 'poor-deprivations' : 'near-poor-deprivations',
    title: {
      vi: `Biểu ${n}: Phân tích chỉ số thiếu hụt dịch vụ xã hội cơ bản — ${vi}`,
      en: `Form ${n}: deprivations — ${en}`,
    },
    columns: [
      col('households', `Số ${vi.toLowerCase()}`, `${en} households`),
      ...indicators.map((i) => col(i.id, `${i.id} ${i.name.vi}`, `${i.id} ${i.name.en}`)),
    ],
    values: (f) => [f.byCategory[list], ...indicators.map((i) => f.deprivations[list][i.bit] ?? 0)],
  })
  return [
    {
      id: 'totals',
      title: {
        vi: 'Biểu 1: Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo, hộ có mức sống trung bình',
        en: 'Form 1: review results — poor, near-poor, average living standard',
      },
      columns: [
        col('total', 'Tổng số hộ', 'Households'),
        col('poor', 'Số hộ nghèo', 'Poor'),
        col('poorRate', 'Tỷ lệ hộ nghèo (%)', 'Poverty rate (%)', 'rate'),
        col('nearPoor', 'Số hộ cận nghèo', 'Near-poor'),
        col('nearPoorRate', 'Tỷ lệ hộ cận nghèo (%)', 'Near-poverty rate (%)', 'rate'),
        col('poorMembers', 'Số nhân khẩu hộ nghèo', 'People in poor households'),
        col('nearPoorMembers', 'Số nhân khẩu hộ cận nghèo', 'People in near-poor households'),
        col('bothRate', 'Tỷ lệ hộ nghèo và cận nghèo (%)', 'Poor and near-poor rate (%)', 'rate'),
        col('average', 'Hộ NLNDN có mức sống trung bình', 'Average living standard (farming)'),
        col('averageRate', 'Tỷ lệ hộ có mức sống trung bình (%)', 'Average living rate (%)', 'rate'),
        col('notPoor', 'Hộ không nghèo', 'Not poor'),
        col('incomplete', 'Chưa phân loại', 'Not classified yet'),
      ],
      values: (f) => {
        const c = f.byCategory
        return [
          f.total,
          c.poor,
          rate(c.poor, f.total),
          c.near_poor,
          rate(c.near_poor, f.total),
          f.members.poor,
          f.members.near_poor,
          rate(c.poor + c.near_poor, f.total),
          c.average,
          rate(c.average, f.total),
          c.not_poor,
          c.incomplete,
        ]
      },
    },
    {
      id: 'poor-movement',
      title: { vi: 'Biểu 2: Tổng hợp diễn biến hộ nghèo', en: 'Form 2: movement of poor households' },
      columns: [
        col('beginning', 'Số hộ nghèo đầu kỳ', 'Poor at the beginning'),
        ...(['escaped', 'to_near_poor', 'gone'] as const).map((k) =>
          col(k, `Giảm: ${POOR_MOVE_LABELS[k].vi}`, `Decrease: ${POOR_MOVE_LABELS[k].en}`),
        ),
        ...(['new', 'again'] as const).map((k) =>
          col(k, `Tăng: ${POOR_MOVE_LABELS[k].vi}`, `Increase: ${POOR_MOVE_LABELS[k].en}`),
        ),
        col('pending', 'Chưa phân loại lại', 'Not classified yet'),
        col('end', 'Số hộ nghèo cuối kỳ', 'Poor at the end'),
      ],
      values: (f) => {
        const m = f.poorMove
        const b = poorBalance(f)
        return [b.beginning, m.escaped, m.to_near_poor, m.gone, m.new, m.again, m.pending, b.end]
      },
    },
    {
      id: 'near-poor-movement',
      title: { vi: 'Biểu 3: Tổng hợp diễn biến hộ cận nghèo', en: 'Form 3: movement of near-poor households' },
      columns: [
        col('beginning', 'Số hộ cận nghèo đầu kỳ', 'Near-poor at the beginning'),
        ...(['escaped', 'to_poor', 'gone'] as const).map((k) =>
          col(k, `Giảm: ${NEAR_POOR_MOVE_LABELS[k].vi}`, `Decrease: ${NEAR_POOR_MOVE_LABELS[k].en}`),
        ),
        ...(['new', 'again', 'from_poor'] as const).map((k) =>
          col(k, `Tăng: ${NEAR_POOR_MOVE_LABELS[k].vi}`, `Increase: ${NEAR_POOR_MOVE_LABELS[k].en}`),
        ),
        col('pending', 'Chưa phân loại lại', 'Not classified yet'),
        col('end', 'Số hộ cận nghèo cuối kỳ', 'Near-poor at the end'),
      ],
      values: (f) => {
        const m = f.nearPoorMove
        const b = nearPoorBalance(f)
        return [b.beginning, m.escaped, m.to_poor, m.gone, m.new, m.again, m.from_poor, m.pending, b.end]
      },
    },
    deprivations('poor', '4–5', 'Hộ nghèo', 'Poor'),
    deprivations('near_poor', '6–7', 'Hộ cận nghèo', 'Near-poor'),
    {
      id: 'groups',
      title: { vi: 'Biểu 8: Hộ nghèo, hộ cận nghèo theo nhóm đối tượng', en: 'Form 8: poor and near-poor by group' },
      columns: LISTS.flatMap((l) =>
        GROUPS.map(([k, vi, en]) => col(`${l.key}.${k}`, `${l.vi}: ${vi}`, `${l.en}: ${en}`)),
      ),
      values: (f) => LISTS.flatMap((l) => GROUPS.map(([k]) => f.groups[l.key][k])),
    },
    {
      id: 'causes',
      title: { vi: 'Biểu 10: Hộ nghèo, hộ cận nghèo theo nguyên nhân', en: 'Form 10: poor and near-poor by cause' },
      columns: LISTS.flatMap((l) =>
        POVERTY_CAUSES.map((c) =>
          col(
            `${l.key}.${c}`,
            `${l.vi}: ${surveyVi[`survey.cause.${c}`] ?? c}`,
            `${l.en}: ${surveyEn[`survey.cause.${c}`] ?? c}`,
          ),
        ),
      ),
      values: (f) => LISTS.flatMap((l) => POVERTY_CAUSES.map((c) => f.causes[l.key][c] ?? 0)),
    },
    {
      id: 'progress',
      title: { vi: 'Tiến độ rà soát theo trạng thái hồ sơ', en: 'Review progress by record status' },
      columns: [
        col('total', 'Tổng số hộ', 'Households'),
        ...STATUSES.map((s) => col(s, STATUS_LABELS[s]?.vi ?? s, STATUS_LABELS[s]?.en ?? s)),
      ],
      values: (f) => [f.total, ...STATUSES.map((s) => f.status[s] ?? 0)],
    },
  ]
}

/** Every table of a report: one row per area (in `order`), then the total row. */
export function buildTables(
  standard: Standard,
  areas: { area: string; name: string; figures: Figures }[],
  total: { name: string; figures: Figures },
): ReportTable[] {
  return specs(standard).map((s) => ({
    id: s.id,
    title: s.title,
    columns: s.columns,
    rows: areas.map((a) => ({ area: a.area, name: a.name, values: s.values(a.figures) })),
    total: { area: null, name: total.name, values: s.values(total.figures) },
  }))
}
