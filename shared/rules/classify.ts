// classify(): the pure, self-explaining poverty classification of one household under one standard (DOMAIN.md §3).
// Runs on every keystroke on a phone: no I/O, no DOM/Node, one pass over the members per indicator.
import type { AreaType, ClassificationResult, Household, Reason } from '../household/types.ts'
import { HUE_UNITS, type UnitCatalogue } from '../units/units.ts'
import { ageAt, formatDate, parseDate } from './age.ts'
import { CATEGORY_LABELS, decideCategory, type CategoryRule } from './category-rules.ts'
import type { B1Table } from './b1-table.ts'
import {
  incomeOutcome,
  type B1CutoffSource,
  type ClassificationFinding,
  type IncomeEvidence,
} from './income-evidence.ts'
import { evaluateIndicator, indicatorState, type IndicatorContext, type IndicatorState } from './indicators.ts'
import type { IndicatorSpec, Standard, Text } from './standard-types.ts'
import { STANDARDS, findStandard, standardForPeriod } from './standards.ts'

export { CATEGORY_LABELS } from './category-rules.ts'
export type {
  B1CutoffSource,
  ClassificationFinding,
  IncomeEstimatesDisagree,
  IncomeEvidence,
} from './income-evidence.ts'

/** A missing answer whose answer could change the category (rule MS1): the record cannot be submitted until answered. */
export interface DecisiveMissing {
  /** Indicator the answer belongs to, e.g. `I03`. */
  rule: string
  memberId?: string
  /** JSON path of the unanswered field, e.g. `$.members[2].malnourished`. */
  field: string
}

/** ClassificationResult plus how it was reached; assignable to the contract type. */
export interface Classification extends ClassificationResult {
  /** The standard's name as people say it ("Nghị định 07/2021/NĐ-CP, giai đoạn 2022–2025"), beside its id `standard`. */
  standardName: Text
  areaType: AreaType
  referenceDate: string
  incomeEvidence: IncomeEvidence
  /** Phiếu B1 cut-off, when the household carries a B1 score (deciding or compared). */
  b1Cutoff?: number
  /** The B1 point table the score was compared with, or the provisional cut-offs (present whenever b1Cutoff is). */
  b1Cutoffs?: B1CutoffSource
  /** Category rule that decided: CL1 poor, CL2 near-poor, CL3 average, CL4 not poor, CL5 incomplete. */
  decidedBy: CategoryRule
  /** Ids of rules in this result whose data is provisional (deprived indicators, IN2, IN3, CL3 band). */
  provisionalRules: string[]
  /** Missing answers that could change the category (empty when none could). */
  decisiveMissing: DecisiveMissing[]
  /** Facts for the supervisor that do not change the category (e.g. `income-estimates-disagree`). */
  findings: ClassificationFinding[]
}

export type ClassificationErrorCode =
  'rules/unknown-standard' | 'rules/no-standard-for-period' | 'rules/unknown-area-type' | 'rules/invalid-date'

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
  /** The loaded Phiếu B1 point table for the household's standard and area type (ignored when it is for another). */
  b1Table?: B1Table
  /**
   * False: no explanations — `reasons` is empty and the findings' `vi` and `en` are; everything else is as with true
   * (the default), decisive missing answers included. For callers that read only the category and the deprivations:
   * the relay's summary of each edit, where the sentences and the reasons they go in were most of the work.
   */
  explain?: boolean
}

export function resolveStandard(
  household: Household,
  standardId: string | undefined,
  standards: readonly Standard[] = STANDARDS,
): Standard {
  if (standardId !== undefined) {
    const s = findStandard(standardId, standards)
    if (!s) throw new ClassificationError('rules/unknown-standard', `Unknown standard "${standardId}"`)
    return s
  }
  const s = standardForPeriod(household.period, standards)
  if (!s)
    throw new ClassificationError(
      'rules/no-standard-for-period',
      `No poverty standard applies to period "${household.period}"`,
      '$.period',
    )
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

/** An indicator's findings as reasons, deprivations and missing answers apart; returns what they come to. */
function explainIndicator(
  spec: IndicatorSpec,
  ctx: IndicatorContext,
  deprivationReasons: Reason[],
  missingReasons: Reason[],
): IndicatorState {
  let state: IndicatorState = 'clear'
  for (const f of evaluateIndicator(spec, ctx)) {
    const text = f.text()
    const reason: Reason = {
      rule: spec.id,
      kind: f.missing ? 'missing' : 'deprivation',
      vi: text.vi,
      en: text.en,
      field: f.field,
    }
    if (f.memberId !== undefined) reason.memberId = f.memberId
    if (f.missing) {
      missingReasons.push(reason)
      if (state === 'clear') state = 'undetermined'
    } else {
      deprivationReasons.push(reason)
      state = 'deprived'
    }
  }
  return state
}

export function classify(household: Household, standardId?: string, options: ClassifyOptions = {}): Classification {
  const standard = resolveStandard(household, standardId, options.standards)
  const areaType = resolveAreaType(household, options.units)
  const refText = referenceDateOf(household, standard)
  const ref = parseDate(refText)
  if (!ref)
    throw new ClassificationError('rules/invalid-date', `Invalid reference date "${refText}"`, '$.referenceDate')

  const members = household.members.map((member, index) => {
    const birth = parseDate(member.birthDate)
    if (!birth)
      throw new ClassificationError(
        'rules/invalid-date',
        `Invalid birth date "${member.birthDate}"`,
        `$.members[${index}].birthDate`,
      )
    return { member, index, age: ageAt(birth, ref) }
  })
  const ctx: IndicatorContext = { household, members }
  const explain = options.explain !== false

  const deprivations: string[] = []
  const deprivationReasons: Reason[] = []
  const missingReasons: Reason[] = []
  const provisionalRules: string[] = []
  /** Indicators whose only findings are missing answers: they could still be deprived (MS1). */
  const undetermined: IndicatorSpec[] = []
  for (const spec of standard.indicators) {
    const state = explain ? explainIndicator(spec, ctx, deprivationReasons, missingReasons) : indicatorState(spec, ctx)
    if (state === 'deprived') {
      deprivations.push(spec.id)
      if (spec.provisional) provisionalRules.push(spec.id)
    } else if (state === 'undetermined') undetermined.push(spec)
  }
  const d = deprivations.length
  const income = incomeOutcome(household, standard, areaType, options.b1Table, explain)
  provisionalRules.push(...income.provisionalRules)
  const input = {
    atOrBelow: income.atOrBelow,
    evidence: income.evidence,
    perCapitaMonthly: household.income.perCapitaMonthly,
    farming: household.farming,
    deprivationCount: d,
    poorAllowed: income.poorAllowed,
  }
  const decision = decideCategory(standard, areaType, input, explain)
  if (decision.provisional) provisionalRules.push(decision.decidedBy)

  // MS1: indicators whose only findings are missing answers could still be deprived; if counting them all would change
  // the category (the rules are monotonic in the count), every one of their missing answers is decisive.
  const decisiveMissing: DecisiveMissing[] = []
  const msReasons: Reason[] = []
  if (undetermined.length > 0) {
    const worst = decideCategory(standard, areaType, { ...input, deprivationCount: d + undetermined.length }, false)
    if (worst.category !== decision.category) {
      const ids = undetermined.map((spec) => spec.id)
      if (explain) {
        for (const r of missingReasons) {
          if (!ids.includes(r.rule) || r.field === undefined) continue
          r.decisive = true
          decisiveMissing.push(
            r.memberId === undefined
              ? { rule: r.rule, field: r.field }
              : { rule: r.rule, memberId: r.memberId, field: r.field },
          )
        }
        msReasons.push({
          rule: 'MS1',
          kind: 'category',
          vi: `Chưa thể gửi: câu trả lời còn thiếu (${ids.join(', ')}) có thể đổi kết quả từ ${CATEGORY_LABELS[decision.category].vi} thành ${CATEGORY_LABELS[worst.category].vi}`,
          en: `Cannot be submitted yet: the missing answers (${ids.join(', ')}) could change the result from ${CATEGORY_LABELS[decision.category].en} to ${CATEGORY_LABELS[worst.category].en}`,
        })
      } else {
        // Without explanations the missing answers were not listed: only now, for the indicators they decide.
        for (const spec of undetermined)
          for (const f of evaluateIndicator(spec, ctx))
            if (f.missing)
              decisiveMissing.push(
                f.memberId === undefined
                  ? { rule: spec.id, field: f.field }
                  : { rule: spec.id, memberId: f.memberId, field: f.field },
              )
      }
    }
  }

  const result: Classification = {
    standard: standard.id,
    standardName: standard.name,
    category: decision.category,
    incomeAtOrBelowLine: income.atOrBelow,
    line: standard.incomeLine[areaType],
    deprivations,
    deprivationCount: d,
    reasons: explain
      ? [
          { rule: decision.decidedBy, kind: 'category', vi: decision.vi, en: decision.en },
          ...msReasons,
          ...income.reasons,
          ...deprivationReasons,
          ...missingReasons,
        ]
      : [],
    areaType,
    referenceDate: formatDate(ref),
    incomeEvidence: income.evidence,
    decidedBy: decision.decidedBy,
    provisionalRules,
    decisiveMissing,
    findings: income.findings,
  }
  if (income.b1Cutoff !== undefined) result.b1Cutoff = income.b1Cutoff
  if (income.b1Cutoffs !== undefined) result.b1Cutoffs = income.b1Cutoffs
  return result
}

/** One line for lists: "Hộ nghèo · 4 thiếu hụt: I04, I08, I09, I11". */
export function classificationSummary(result: ClassificationResult, lang: 'vi' | 'en' = 'vi'): string {
  const label = CATEGORY_LABELS[result.category][lang]
  if (result.deprivationCount === 0) return lang === 'vi' ? `${label} · không thiếu hụt` : `${label} · no deprivations`
  const count =
    lang === 'vi'
      ? `${result.deprivationCount} thiếu hụt`
      : `${result.deprivationCount} deprivation${result.deprivationCount === 1 ? '' : 's'}`
  return `${label} · ${count}: ${result.deprivations.join(', ')}`
}
