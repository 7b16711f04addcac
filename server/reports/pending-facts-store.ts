// Summary rows whose report facts predate migration 016 (facts_version below the current one), and writing the facts
// re-projected from their committed documents. SQL only here.
import type { Db } from '../db/open.ts'
import type { ReportFacts } from '../store/household-view.ts'
import { FACT_SET, FACTS_VERSION, factValues } from '../store/projections.ts'

export interface PendingFactsStore {
  /** The next `limit` household ids (above `afterId`, in id order) whose facts are not current. */
  pending(afterId: string, limit: number): string[]
  /** Whether any household's facts are not current (the reports then say their figures are being recomputed). */
  anyPending(): boolean
  /** The re-projected facts (and category) of one household, marked current. */
  write(id: string, category: string, deprivationCount: number, facts: ReportFacts): void
  /** A row with no committed document: nothing to recompute, its facts stay as they are. */
  markCurrent(id: string): void
}

export function createPendingFactsStore(db: Db): PendingFactsStore {
  const select = db
    .prepare(`SELECT id FROM households WHERE facts_version < ${FACTS_VERSION} AND id > ? ORDER BY id LIMIT ?`)
    .pluck()
  // 1 or 0 on both engines (PostgreSQL's EXISTS alone answers a boolean).
  const exists = db
    .prepare(
      `SELECT CASE WHEN EXISTS (SELECT 1 FROM households WHERE facts_version < ${FACTS_VERSION}) THEN 1 ELSE 0 END`,
    )
    .pluck()
  const update = db.prepare(`UPDATE households SET category = ?, deprivation_count = ?, ${FACT_SET} WHERE id = ?`)
  const mark = db.prepare(`UPDATE households SET facts_version = ${FACTS_VERSION} WHERE id = ?`)
  return {
    markCurrent: (id) => void mark.run(id),
    pending: (afterId, limit) => select.all(afterId, limit) as string[],
    anyPending: () => exists.get() === 1,
    write(id, category, deprivationCount, facts) {
      update.run(category, deprivationCount, ...factValues(facts), id)
    },
  }
}
