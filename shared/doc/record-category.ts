// The category a record shows in lists, on the map and in reports: the rule engine's result, except that a quick
// screen (Phiếu A) that ended the interview with "not poor" decides the record (DOMAIN.md §3). One place, so the phone,
// the server's projections and the form never disagree — given the same Phiếu B1 point tables.
import { findB1Table, scoreB1, type B1Score, type B1Table } from '../rules/b1-table.ts'
import {
  classify,
  ClassificationError,
  resolveAreaType,
  resolveStandard,
  type Classification,
} from '../rules/classify.ts'
import type { Category, Household } from '../household/types.ts'
import type { HouseholdSnapshot } from './snapshot.ts'

export interface RecordCategory {
  category: Category
  deprivationCount: number
  /** The rule engine's full result; null when the record cannot be classified yet (no standard, unknown unit). */
  classification: Classification | null
  /** Stable code of why classify() refused, when it did. */
  classificationError: string | null
  endedAtQuickScreen: boolean
  /** The point table for the household's standard and area type, when one is loaded. */
  b1Table: B1Table | null
  /** The table's score of the recorded answers (null without a table or without answers). */
  b1: B1Score | null
}

export interface RecordCategoryOptions {
  /** The loaded (active) Phiếu B1 point tables, at most one per standard and area type. */
  b1Tables?: readonly B1Table[]
  /** The standard each review period names (DOMAIN.md §3); a period it does not know falls back to the year rule. */
  periodStandards?: PeriodStandards
  /** False: the classification's reasons and findings carry no text (classify's `explain`); default true. */
  explain?: boolean
}

/** Period id → the id of the standard the period was opened with. */
export type PeriodStandards = Readonly<Record<string, string>> | ((period: string) => string | undefined)

/** The standard id a period names, or undefined (then classify() picks by the period's year). */
export function periodStandardOf(period: string, standards: PeriodStandards | undefined): string | undefined {
  if (standards === undefined) return undefined
  if (typeof standards === 'function') return standards(period)
  return Object.hasOwn(standards, period) ? standards[period] : undefined
}

type Input = Pick<HouseholdSnapshot, 'household' | 'screen'> & { b1Answers?: HouseholdSnapshot['b1Answers'] }

/** The table that applies to a household, or null (no standard or area type yet, or no table loaded for them). */
export function b1TableFor(
  household: Household,
  tables: readonly B1Table[] | undefined,
  standardId?: string,
): B1Table | null {
  if (!tables || tables.length === 0) return null
  try {
    return findB1Table(tables, resolveStandard(household, standardId).id, resolveAreaType(household)) ?? null
  } catch {
    return null
  }
}

export function recordCategory(snapshot: Input, options: RecordCategoryOptions = {}): RecordCategory {
  let classification: Classification | null = null
  let classificationError: string | null = null
  const standardId = periodStandardOf(snapshot.household.period, options.periodStandards)
  const b1Table = b1TableFor(snapshot.household, options.b1Tables, standardId)
  const answers = snapshot.b1Answers ?? {}
  let household = snapshot.household
  let b1: B1Score | null = null
  // With a table and answers, the score is the table's total of the answers (recomputed here, so answers merged from
  // two devices count together); without answers a score typed in the single box is compared with the table's cut-offs.
  if (b1Table && Object.keys(answers).length > 0) {
    b1 = scoreB1(b1Table, answers)
    const { b1Score: _stored, ...rest } = household.income
    household = { ...household, income: b1.score === null ? rest : { ...rest, b1Score: b1.score } }
  }
  try {
    const explain = options.explain !== false
    classification = classify(household, standardId, b1Table ? { b1Table, explain } : { explain })
  } catch (e) {
    classificationError = e instanceof ClassificationError ? e.code : 'rules/error'
  }
  const endedAtQuickScreen = snapshot.screen.result === 'not_poor'
  return {
    category: endedAtQuickScreen ? 'not_poor' : (classification?.category ?? 'incomplete'),
    deprivationCount: endedAtQuickScreen ? 0 : (classification?.deprivationCount ?? 0),
    classification,
    classificationError,
    endedAtQuickScreen,
    b1Table,
    b1,
  }
}
