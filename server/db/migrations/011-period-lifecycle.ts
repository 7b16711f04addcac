// Migration 011: review periods get a lifecycle (open → closed, with times and the period they follow), and each
// household record may name its own record in the previous period, which carries history and report movements.

import { execFor, type Migration } from '../migrate.ts'

export const periodLifecycle: Migration = {
  id: 11,
  name: 'period-lifecycle',
  up(db) {
    execFor(db, {
      sqlite: `
      ALTER TABLE periods ADD COLUMN status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed'));
      ALTER TABLE periods ADD COLUMN previous_id TEXT NULL REFERENCES periods(id);
      ALTER TABLE periods ADD COLUMN opened_at INTEGER NULL;
      ALTER TABLE periods ADD COLUMN closed_at INTEGER NULL;
      ALTER TABLE households ADD COLUMN previous_id TEXT NULL;
      CREATE INDEX households_previous ON households(previous_id) WHERE previous_id IS NOT NULL;
    `,
      postgres: `
      ALTER TABLE periods ADD COLUMN status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed'));
      ALTER TABLE periods ADD COLUMN previous_id TEXT NULL REFERENCES periods(id);
      ALTER TABLE periods ADD COLUMN opened_at BIGINT NULL;
      ALTER TABLE periods ADD COLUMN closed_at BIGINT NULL;
      ALTER TABLE households ADD COLUMN previous_id TEXT NULL;
      CREATE INDEX households_previous ON households(previous_id) WHERE previous_id IS NOT NULL;
    `,
    })
  },
}
