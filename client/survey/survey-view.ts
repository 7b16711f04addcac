// Everything the form shows that is computed from the household snapshot: live classification (never throwing),
// members with their age, relevant questions and warnings, deprivations with member names, what blocks submit,
// and the supervisor's comments on a returned record. Pure, so it is tested in Node; the state class wraps it in $derived.
import type { HouseholdSnapshot } from '../../shared/doc/snapshot.ts'
import { isLocked, type HistoryEntry } from '../../shared/doc/workflow.ts'
import { personalIdCheck, type PersonalIdWarning } from '../../shared/household/personal-id.ts'
import type { Category, Member, Reason, Status } from '../../shared/household/types.ts'
import { referenceDateOf, resolveStandard, type Classification } from '../../shared/rules/classify.ts'
import { periodStandardOf, recordCategory, type PeriodStandards } from '../../shared/doc/record-category.ts'
import type { B1Score, B1Table } from '../../shared/rules/b1-table.ts'
import type { Standard } from '../../shared/rules/standard-types.ts'
import { birthDateError } from './answers.ts'
import { ageAtReference, relevantMemberFields, type MemberField } from './member-fields.ts'
import type { StepId } from './steps.ts'

export interface MemberRow {
  member: Member
  index: number
  age: number | null
  fields: MemberField[]
  birthError: string | null
  /** Required questions still at their default (never answered). */
  unanswered: MemberField[]
  personalIdWarnings: PersonalIdWarning[]
}

export interface Deprivation {
  id: string
  name: { vi: string; en: string }
  reasons: (Reason & { memberName?: string })[]
}

/** Where a missing item is answered: the step, the member whose editor opens, and the field (its test-id path,
 * e.g. `members.2.healthInsurance`, `dwelling.water`) to focus. */
export interface MissingTarget {
  step: StepId
  memberId?: string
  field?: string
}

export interface Missing {
  key: string
  params?: Record<string, string | number>
  /** Set when the item is a rule engine reason (already translated both ways). */
  reason?: Reason
  /** Answering it could change the category (rule MS1). */
  decisive?: true
  target: MissingTarget
}

export interface SurveyView {
  snapshot: HouseholdSnapshot
  /** False while the document has not arrived on the phone yet (an empty doc reads as defaults, status "listed"). */
  loaded: boolean
  status: Status
  editable: boolean
  standard: Standard | null
  referenceDate: string | null
  classification: Classification | null
  classificationError: string | null
  /** The Phiếu B1 point table for this household's standard and area type (null: the single score box, provisional). */
  b1Table: B1Table | null
  /** The table's score of the recorded answers (null without a table or without answers). */
  b1: B1Score | null
  /** What the badge shows: Phiếu A's "not poor" overrides the engine. */
  category: Category
  endedAtQuickScreen: boolean
  members: MemberRow[]
  deprivations: Deprivation[]
  missing: Missing[]
  /** The record came back from the supervisor and is not yet resubmitted (status returned, or reworking it). */
  returned: boolean
  /** Return comments, newest first, while `returned`. */
  returnComments: HistoryEntry[]
  /** The latest return's comments at single fields (path → text), while `returned`: each is shown under its field. */
  fieldComments: Readonly<Record<string, string>>
  /** Verified or later: the answers are the reviewed record and cannot change on the phone. */
  locked: boolean
}

/** The enumerator edits in these states (a returned or re-review record goes back to in_progress on the first edit). */
export const EDITABLE_STATUSES: readonly Status[] = ['listed', 'assigned', 'in_progress', 'returned', 're_review']

function duplicateIds(members: Member[]): Set<string> {
  const seen = new Map<string, number>()
  for (const m of members) if (m.personalId) seen.set(m.personalId, (seen.get(m.personalId) ?? 0) + 1)
  return new Set([...seen].filter(([, n]) => n > 1).map(([id]) => id))
}

/** Whether a question has an answer (HouseholdDoc.answered): unanswered ones read as defaults in the snapshot. */
export type Answered = (path: string) => boolean

/** Shown member questions that may stay at their default (every other shown question needs an answer, because an
 * unanswered one reads as its default — e.g. "no health insurance" — and would silently change the result). */
const OPTIONAL_MEMBER_FIELDS: readonly MemberField[] = ['fullName', 'personalId', 'ethnicity']

export function surveyView(
  snapshot: HouseholdSnapshot,
  today: string,
  answered: Answered = () => true,
  b1Tables: readonly B1Table[] = [],
  periodStandards?: PeriodStandards,
): SurveyView {
  const { household, workflow, screen } = snapshot
  let standard: Standard | null = null
  let referenceDate: string | null = null
  try {
    standard = resolveStandard(household, periodStandardOf(household.period, periodStandards))
    referenceDate = referenceDateOf(household, standard)
  } catch {
    // no standard for this period: shown as a classification error below
  }

  const dups = duplicateIds(household.members)
  const members: MemberRow[] = household.members.map((member, index) => {
    const birthKnown = answered(`members.${member.id}.birthDate`)
    const age = referenceDate && birthKnown ? ageAtReference(member.birthDate, referenceDate) : null
    const warnings = personalIdCheck(member).filter((w) => w.code !== 'personal-id/duplicate')
    if (member.personalId && dups.has(member.personalId)) {
      warnings.push({
        code: 'personal-id/duplicate',
        field: 'personalId',
        message: 'Duplicate personal ID',
        vi: 'Số định danh trùng',
      })
    }
    const birthError = birthKnown ? birthDateError(member.birthDate, today) : 'survey.error.required'
    const fields = relevantMemberFields(age)
    const unanswered = fields.filter(
      (f) => !OPTIONAL_MEMBER_FIELDS.includes(f) && !answered(`members.${member.id}.${f}`),
    )
    return { member, index, age, fields, birthError, unanswered, personalIdWarnings: warnings }
  })

  const record = recordCategory({ household, screen, b1Answers: snapshot.b1Answers }, { b1Tables, periodStandards })
  const { classification, classificationError, endedAtQuickScreen, category, b1Table, b1 } = record

  const names = new Map(household.members.map((m, i) => [m.id, m.fullName.trim() || `#${i + 1}`]))
  const deprivations: Deprivation[] = (classification?.deprivations ?? []).map((id) => {
    const spec = standard?.indicators.find((s) => s.id === id)
    const reasons = (classification?.reasons ?? [])
      .filter((r) => r.rule === id && r.kind !== 'missing')
      .map((r) => {
        const memberName = r.memberId === undefined ? undefined : names.get(r.memberId)
        return memberName === undefined ? r : { ...r, memberName }
      })
    return { id, name: spec?.name ?? { vi: id, en: id }, reasons }
  })

  // Return comments stay on screen while the enumerator reworks the record (returned → in_progress), until resubmitted.
  const history = workflow.history
  let lastReturn = -1
  history.forEach((h, i) => {
    if (h.to === 'returned') lastReturn = i
  })
  const reworking = lastReturn >= 0 && !history.slice(lastReturn + 1).some((h) => h.to === 'submitted')
  const returned = workflow.status === 'returned' || (reworking && workflow.status === 'in_progress')
  const returnComments = returned ? history.filter((h) => h.to === 'returned').reverse() : []
  // The form names a member's questions by position (members.<index>.<key>); comments name the member id.
  const memberIndex = new Map(household.members.map((m, i) => [m.id, i]))
  const fieldComments: Record<string, string> = {}
  for (const c of returnComments[0]?.fieldComments ?? []) {
    const [root, id, key] = c.path.split('.')
    const index = root === 'members' && id !== undefined ? memberIndex.get(id) : undefined
    const path = index === undefined ? c.path : `members.${index}.${key ?? ''}`
    fieldComments[path] = fieldComments[path] ? `${fieldComments[path]}\n${c.text}` : c.text
  }

  const loaded = household.id !== ''
  return {
    snapshot,
    loaded,
    status: workflow.status,
    // Never edit (or move the status of) a document that has not loaded: its defaults are not answers.
    editable: loaded && EDITABLE_STATUSES.includes(workflow.status),
    standard,
    referenceDate,
    classification,
    classificationError,
    b1Table,
    b1,
    category,
    endedAtQuickScreen,
    members,
    deprivations,
    missing: missingForSubmit(
      snapshot,
      members,
      classification,
      answered,
      standard?.indicators.some((i) => i.kind === 'waste') ?? false,
      b1,
    ),
    returned,
    returnComments,
    fieldComments,
    locked: isLocked(workflow.status),
  }
}

/** Where the field behind an engine reason is answered: `$.members[2].malnourished` → that member's editor and field. */
export function reasonTarget(reason: Reason, members: readonly Member[]): MissingTarget {
  const m = /^\$\.members\[(\d+)\]\.(\w+)$/.exec(reason.field ?? '')
  if (m) {
    const member = members[Number(m[1])]
    return member ? { step: 'members', memberId: member.id, field: `members.${m[1]}.${m[2]}` } : { step: 'members' }
  }
  const top = /^\$\.(dwelling|income)(?:\.(\w+))?$/.exec(reason.field ?? '')
  if (top?.[1] === 'dwelling') return top[2] ? { step: 'dwelling', field: `dwelling.${top[2]}` } : { step: 'dwelling' }
  if (top?.[1] === 'income') return { step: 'income', field: top[2] ? `income.${top[2]}` : 'income.perCapitaMonthly' }
  return reason.field?.startsWith('$.members') ? { step: 'members' } : { step: 'result' }
}

/** What must be answered before the record can be submitted (empty → submit allowed), each with where to answer it. */
export function missingForSubmit(
  snapshot: HouseholdSnapshot,
  members: MemberRow[],
  classification: Classification | null,
  answered: Answered = () => true,
  asksWaste = false,
  b1: B1Score | null = null,
): Missing[] {
  const { household, screen } = snapshot
  const out: Missing[] = []
  const ofMember = (r: MemberRow, field: MemberField): MissingTarget => ({
    step: 'members',
    memberId: r.member.id,
    field: `members.${r.index}.${field}`,
  })
  if (screen.result === null) out.push({ key: 'survey.missing.quickScreen', target: { step: 'quick' } })
  if (screen.result === 'not_poor') {
    if (!screen.reason) out.push({ key: 'survey.quick.reasonRequired', target: { step: 'quick' } })
  } else {
    if (members.length === 0) out.push({ key: 'survey.missing.members', target: { step: 'members' } })
    else if (!members.some((r) => r.member.relation === 'head'))
      out.push({ key: 'survey.missing.head', target: { step: 'members' } })
    for (const r of members) {
      if (!r.member.fullName.trim())
        out.push({ key: 'survey.missing.memberName', params: { n: r.index + 1 }, target: ofMember(r, 'fullName') })
      if (r.birthError)
        out.push({ key: 'survey.missing.memberBirth', params: { n: r.index + 1 }, target: ofMember(r, 'birthDate') })
      const rest = r.unanswered.filter((f) => f !== 'birthDate')
      const first = rest[0]
      if (first !== undefined) {
        out.push({
          key: 'survey.missing.memberField',
          params: { n: r.index + 1, field: rest.map((f) => `survey.member.${f}`).join(',') },
          target: ofMember(r, first),
        })
      }
    }
    const firstB1 = b1?.missing[0]
    if (household.income.perCapitaMonthly === undefined && firstB1 !== undefined) {
      // With a point table the score exists once every item is answered: point at the first unanswered one.
      out.push({
        key: 'b1.missing.items',
        params: { count: b1?.missing.length ?? 0 },
        target: { step: 'income', field: `b1Answers.${firstB1}` },
      })
    } else if (household.income.perCapitaMonthly === undefined && household.income.b1Score === undefined) {
      out.push({ key: 'survey.missing.income', target: { step: 'income', field: 'income.perCapitaMonthly' } })
    }
    const d = household.dwelling
    if (d.hasDwelling && (!answered('dwelling.floorAreaM2') || !(d.floorAreaM2 > 0)))
      out.push({ key: 'survey.missing.floorArea', target: { step: 'dwelling', field: 'dwelling.floorAreaM2' } })
    const dwellingFields = [
      'hasDwelling',
      ...(d.hasDwelling ? ['wallDurable', 'columnDurable', 'roofDurable'] : []),
      'water',
      'toilet',
      'internet',
    ]
    if (asksWaste) dwellingFields.push('waste')
    const open = dwellingFields.filter((f) => !answered(`dwelling.${f}`))
    if (open.length > 0) {
      out.push({
        key: 'survey.missing.dwellingField',
        params: { field: open.map((f) => `survey.dwelling.${f}`).join(',') },
        target: { step: 'dwelling', field: `dwelling.${open[0]}` },
      })
    }
    for (const reason of classification?.reasons ?? []) {
      if (reason.kind !== 'missing') continue
      const target = reasonTarget(reason, household.members)
      out.push(
        reason.decisive
          ? { key: 'survey.missing.decisive', reason, decisive: true, target }
          : { key: 'survey.missing.invalid', reason, target },
      )
    }
  }
  if (household.location === null) out.push({ key: 'survey.missing.location', target: { step: 'gps' } })
  return out
}
