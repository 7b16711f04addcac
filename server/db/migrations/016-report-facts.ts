// Migration 016: what the official reports count per household, kept on the summary row by the relay's commit
// (deprivations as a bit per indicator, group attributes, causes of poverty, farming, member count).

import type { Migration } from '../migrate.ts'

export const reportFacts: Migration = {
  id: 16,
  name: 'report-facts',
  up(db) {
    db.exec(`
      ALTER TABLE households ADD COLUMN deprivation_mask INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE households ADD COLUMN ethnic_minority INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE households ADD COLUMN meritorious INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE households ADD COLUMN no_working_capacity INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE households ADD COLUMN social_protection INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE households ADD COLUMN farming INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE households ADD COLUMN causes TEXT NOT NULL DEFAULT '';
      ALTER TABLE households ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
    `)
  },
}
