// Migration 017: which summary rows carry the report facts (migration 016). Rows committed before 016 hold zeros until
// re-projected from their committed document; 0 marks them, a summary write sets the current version.

import type { Migration } from '../migrate.ts'

export const factsVersion: Migration = {
  id: 17,
  name: 'facts-version',
  up(db) {
    db.exec(`
      ALTER TABLE households ADD COLUMN facts_version INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX households_facts_pending ON households(id) WHERE facts_version = 0;
    `)
  },
}
