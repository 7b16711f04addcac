// What the review-period screen shows, computed from the server's answers: one row per period with its counts and the
// standard's display name, the suggested next period, and the dictionary key of a refusal. Pure, tested beside it.

import { findStandard, STANDARDS, standardForPeriod } from '../../../shared/rules/standards.ts'
import type { Period as PeriodInfo, PeriodCounts } from '../../../shared/periods/period.ts'

export type { Period as PeriodInfo, PeriodCounts } from '../../../shared/periods/period.ts'

export interface PeriodRow extends PeriodInfo {
  counts: Omit<PeriodCounts, 'period'>
}

const NO_COUNTS = { households: 0, poor: 0, nearPoor: 0, carried: 0 }

/** Periods newest first, each with its counts (zero when the period has no household yet). */
export function periodRows(periods: readonly PeriodInfo[], counts: readonly PeriodCounts[]): PeriodRow[] {
  const byPeriod = new Map(counts.map(({ period, ...c }) => [period, c]))
  return [...periods]
    .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((p) => ({ ...p, counts: byPeriod.get(p.id) ?? NO_COUNTS }))
}

/** The standard as people name it, in the screen's language; its id when the standard is not bundled. */
export function standardName(id: string, lang: 'vi' | 'en'): string {
  return findStandard(id)?.name[lang] ?? id
}

export const STANDARD_IDS: readonly string[] = STANDARDS.map((s) => s.id)

/** The form's first values: the year after the newest period, the standard for that year, 1 September. */
export function nextPeriod(periods: readonly PeriodInfo[]): {
  id: string
  standard: string
  referenceDate: string
  from: string
} {
  const years = periods.map((p) => Number(p.id)).filter((y) => Number.isInteger(y))
  const year = years.length > 0 ? Math.max(...years) + 1 : new Date().getFullYear()
  const id = String(year)
  const current = periods.find((p) => p.isCurrent)
  return {
    id,
    standard: standardForPeriod(id)?.id ?? current?.standard ?? STANDARD_IDS[STANDARD_IDS.length - 1] ?? '',
    referenceDate: `${id}-09-01`,
    from: current?.id ?? periods[0]?.id ?? '',
  }
}

const KNOWN_REFUSALS = new Set(['period/exists', 'period/closed', 'period/current', 'period/busy', 'request/invalid'])

/** The dictionary key that explains a refusal, or null for the generic "could not load ({code})". */
export function refusalKey(code: string): string | null {
  return KNOWN_REFUSALS.has(code) ? `periods.error.${code}` : null
}
