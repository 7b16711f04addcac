// A field path and its values in words: "dwelling.floorAreaM2" → "Diện tích sàn (m²)", 50 → "50 m²", members' fields
// named after the member ("Nguyễn Văn A — Ngày sinh"). One function for the server's API, the console and the phone,
// so no screen ever shows a raw path or code.
import { DEVICE_LABELS, TOILET_LABELS, WASTE_LABELS, WATER_LABELS, type Label } from '../rules/answer-labels.ts'
import { formatNumber, formatVnd } from '../rules/format.ts'
import {
  AREA_TYPE_LABELS,
  ATTRIBUTE_QUESTIONS,
  CAUSE_LABELS,
  DWELLING_QUESTIONS,
  EDUCATION_LABELS,
  EMPLOYMENT_LABELS,
  FIELD_QUESTIONS,
  GROUP_LABELS,
  INCOME_KIND_LABELS,
  INCOME_QUESTIONS,
  LOCATION_QUESTIONS,
  MEMBER_QUESTIONS,
  RELATION_LABELS,
  SEX_LABELS,
  SUPPORT_NEED_LABELS,
} from '../rules/question-labels.ts'
import { Root } from './keys.ts'
import { parsePath, type FieldLocation } from './paths.ts'

export type Lang = keyof Label

/** A member's name by id (from the household's document), when the caller has it. */
export type MemberName = (memberId: string) => string | undefined

const STATUS_LABELS: Record<string, Label> = {
  listed: { vi: 'Trong danh sách', en: 'Listed' },
  assigned: { vi: 'Đã giao', en: 'Assigned' },
  in_progress: { vi: 'Đang rà soát', en: 'In progress' },
  submitted: { vi: 'Đã gửi', en: 'Submitted' },
  verified: { vi: 'Đã kiểm tra', en: 'Verified' },
  returned: { vi: 'Bị trả lại', en: 'Returned' },
  agreed_at_meeting: { vi: 'Họp dân đã thống nhất', en: 'Agreed at meeting' },
  re_review: { vi: 'Rà soát lại', en: 'Re-review' },
  posted: { vi: 'Đã niêm yết', en: 'Posted' },
  under_recheck: { vi: 'Đang phúc tra', en: 'Under recheck' },
  approved: { vi: 'Đã phê duyệt', en: 'Approved' },
  certified: { vi: 'Đã cấp giấy chứng nhận', en: 'Certified' },
}

const MEMBER_EXTRA: Record<string, Label> = {
  position: { vi: 'Thứ tự', en: 'Order' },
  removed: { vi: 'Không còn trong hộ', en: 'No longer in the household' },
}
const YES: Label = { vi: 'Có', en: 'Yes' }
const NO: Label = { vi: 'Không', en: 'No' }
const BLANK: Label = { vi: '(để trống)', en: '(blank)' }

const same = (text: string): Label => ({ vi: text, en: text })
const join = (a: Label, b: Label): Label => ({ vi: `${a.vi} — ${b.vi}`, en: `${a.en} — ${b.en}` })

function keyLabel(loc: FieldLocation): Label {
  const table: Record<string, Record<string, Label> | undefined> = {
    [Root.FIELDS]: FIELD_QUESTIONS,
    [Root.INCOME]: { ...INCOME_QUESTIONS, kind: { vi: 'Căn cứ thu nhập', en: 'Income evidence' } },
    [Root.DWELLING]: DWELLING_QUESTIONS,
    [Root.ATTRIBUTES]: ATTRIBUTE_QUESTIONS,
    [Root.LOCATION]: LOCATION_QUESTIONS,
    [Root.MEMBERS]: { ...MEMBER_QUESTIONS, ...MEMBER_EXTRA },
  }
  const sets: Record<string, Record<string, Label>> = {
    [Root.DEVICES]: DEVICE_LABELS,
    [Root.CAUSES]: CAUSE_LABELS,
    [Root.SUPPORT_NEEDS]: SUPPORT_NEED_LABELS,
  }
  const set = sets[loc.root]
  if (set) return join(GROUP_LABELS[loc.root] ?? same(loc.root), set[loc.key] ?? same(loc.key))
  return table[loc.root]?.[loc.key] ?? join(GROUP_LABELS[groupOf(loc.root)] ?? same(loc.root), same(loc.key))
}

function groupOf(root: string): string {
  if (root === Root.PHOTOS) return 'photo'
  if (root === Root.PROPOSALS) return 'proposal'
  return root
}

/** The question a path names, in both languages; a member's field carries the member's name first. */
export function questionWords(path: string, memberName?: MemberName): Label {
  const loc = parsePath(path)
  if (!loc) return same(path)
  const label = keyLabel(loc)
  if (loc.root !== Root.MEMBERS || loc.entity === undefined) return label
  const name = memberName?.(loc.entity)
  return join(name ? same(name) : GROUP_LABELS.member!, label)
}

const ENUMS: Record<string, Record<string, Label>> = {
  sex: SEX_LABELS,
  relation: RELATION_LABELS,
  employment: EMPLOYMENT_LABELS,
  education: EDUCATION_LABELS,
  water: WATER_LABELS,
  toilet: TOILET_LABELS,
  waste: WASTE_LABELS,
  areaType: AREA_TYPE_LABELS,
  kind: INCOME_KIND_LABELS,
  status: STATUS_LABELS,
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** One value of the field at `path` in words: enum → its label, yes/no, numbers with their unit, dates as dd/mm/yyyy. */
export function answerWords(path: string, value: unknown, lang: Lang): string {
  if (value === null || value === undefined) return BLANK[lang]
  if (typeof value === 'boolean') return (value ? YES : NO)[lang]
  const key = parsePath(path)?.key ?? ''
  if (typeof value === 'number') {
    if (key === 'floorAreaM2') return `${formatNumber(value, value % 1 === 0 ? 0 : 1, lang)} m²`
    if (key === 'accuracyM') return `± ${formatNumber(value, 0, lang)} m`
    if (key === 'perCapitaMonthly') return formatVnd(value, lang)
    if (key === 'lat' || key === 'lng') return formatNumber(value, 6, lang)
    return formatNumber(value, Number.isInteger(value) ? 0 : 2, lang)
  }
  if (typeof value === 'string') {
    const label = ENUMS[key]?.[value]
    if (label) return label[lang]
    const d = DATE.exec(value)
    if (d) return `${d[3]}/${d[2]}/${d[1]}`
    return value
  }
  return JSON.stringify(value)
}
