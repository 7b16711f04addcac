// Migration 010: what the supervisor console reads. Visit-authenticity flags on the household summary, a covering
// index for progress counts per village, and the devices' own reports (last contact, unsynced edits and photos).

import { execFor, type Migration } from '../migrate.ts'

export const consoleReadModels: Migration = {
  id: 10,
  name: 'console-read-models',
  up(db) {
    execFor(db, {
      sqlite: `
      ALTER TABLE households ADD COLUMN flags TEXT NOT NULL DEFAULT '';
      ALTER TABLE households ADD COLUMN moved_m REAL NULL;
      CREATE INDEX households_progress ON households(unit_code, period, village_id, status, category);
      CREATE TABLE device_reports (
        device_id TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        app_version TEXT NOT NULL,
        unsynced_edits INTEGER NOT NULL,
        unsynced_photos INTEGER NOT NULL,
        last_contact INTEGER NOT NULL,
        PRIMARY KEY (user_id, device_id)
      ) WITHOUT ROWID;
    `,
      postgres: `
      ALTER TABLE households ADD COLUMN flags TEXT NOT NULL DEFAULT '';
      ALTER TABLE households ADD COLUMN moved_m DOUBLE PRECISION NULL;
      CREATE INDEX households_progress ON households(unit_code, period, village_id, status, category);
      CREATE TABLE device_reports (
        device_id TEXT NOT NULL,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        app_version TEXT NOT NULL,
        unsynced_edits INTEGER NOT NULL,
        unsynced_photos INTEGER NOT NULL,
        last_contact BIGINT NOT NULL,
        PRIMARY KEY (user_id, device_id)
      );
    `,
    })
  },
}
