// The standard each review period was opened with (periods.standard), for classifying its households: a period names
// its standard explicitly (DOMAIN.md §3). A period's standard never changes once opened, so a found one is kept.
import type { Db } from '../db/open.ts'

/** Period id → its standard id; undefined for a period the database does not hold (classify() then uses the year). */
export type PeriodStandardLookup = (period: string) => string | undefined

export function createPeriodStandards(db: Db): PeriodStandardLookup {
  const select = db.prepare('SELECT standard FROM periods WHERE id = ?').pluck()
  const known = new Map<string, string>()
  return (period) => {
    const hit = known.get(period)
    if (hit !== undefined) return hit
    const standard = select.get(period) as string | undefined
    if (standard !== undefined) known.set(period, standard)
    return standard
  }
}
