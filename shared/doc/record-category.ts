// The category a record shows in lists, on the map and in reports: the rule engine's result, except that a quick
// screen (Phiếu A) that ended the interview with "not poor" decides the record (DOMAIN.md §3). One place, so the phone,
// the server's projections and the form never disagree.
import { classify, ClassificationError, type Classification } from '../rules/classify.ts'
import type { Category } from '../household/types.ts'
import type { HouseholdSnapshot } from './snapshot.ts'

export interface RecordCategory {
  category: Category
  deprivationCount: number
  /** The rule engine's full result; null when the record cannot be classified yet (no standard, unknown unit). */
  classification: Classification | null
  /** Stable code of why classify() refused, when it did. */
  classificationError: string | null
  endedAtQuickScreen: boolean
}

export function recordCategory(snapshot: Pick<HouseholdSnapshot, 'household' | 'screen'>): RecordCategory {
  let classification: Classification | null = null
  let classificationError: string | null = null
  try {
    classification = classify(snapshot.household)
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
  }
}
