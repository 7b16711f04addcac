// The standard each review period was opened with (periods.standard), for classifying its households: a period names
// its standard explicitly (DOMAIN.md §3). A period's standard never changes once opened, so a found one is kept.
import type { Db } from '../db/open.ts'

/** Period id → its standard id; undefined for a period the database does not hold (classify() then uses the year). */
export type PeriodStandardLookup = (period: string) => string | undefined

/** How long a period found missing is not asked for again (a commit asks for each household it summarises). */
export const MISSING_PERIOD_RECHECK_MS = 10_000

export function createPeriodStandards(db: Db, now: () => number = Date.now): PeriodStandardLookup {
  const select = db.prepare('SELECT standard FROM periods WHERE id = ?').pluck()
  const known = new Map<string, string>()
  /** Periods found missing, and when: opened since (here or on another relay), they are found on the next ask after. */
  const missing = new Map<string, number>()
  return (period) => {
    const hit = known.get(period)
    if (hit !== undefined) return hit
    const at = now()
    const since = missing.get(period)
    if (since !== undefined && at - since < MISSING_PERIOD_RECHECK_MS && at >= since) return undefined
    const standard = select.get(period) as string | undefined
    if (standard !== undefined) {
      known.set(period, standard)
      missing.delete(period)
    } else {
      if (missing.size >= 1_000) missing.clear()
      missing.set(period, at)
    }
    return standard
  }
}
