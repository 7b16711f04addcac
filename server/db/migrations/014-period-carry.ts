// Migration 014: a household record is carried into a period at most once — the database refuses a second record of
// the same period pointing at the same previous record, so a repeated or resumed carry-over never duplicates.

import type { Migration } from '../migrate.ts'

export const periodCarry: Migration = {
  id: 14,
  name: 'period-carry',
  up(db) {
    db.exec('CREATE UNIQUE INDEX households_carried ON households(period, previous_id) WHERE previous_id IS NOT NULL')
  },
}
