// Migration 012: the conflict queue. A conflict can be dismissed (the values mean the same; nothing is written), and
// each settlement records how it was chosen (a candidate, a typed value, or dismissed) beside who and when.

import { execFor, type Migration } from '../migrate.ts'

export const conflictQueue: Migration = {
  id: 12,
  name: 'conflict-queue',
  up(db) {
    execFor(db, {
      // SQLite cannot change a CHECK constraint in place: the table is copied into its new shape (ids kept).
      sqlite: `
      CREATE TABLE conflicts_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        household_id TEXT NOT NULL,
        path TEXT NOT NULL,
        base_json TEXT,
        candidates_json TEXT NOT NULL,
        kept_json TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'dismissed')),
        resolved_by TEXT,
        resolution_json TEXT,
        created_at INTEGER NOT NULL,
        resolved_at INTEGER,
        resolution_kind TEXT NULL CHECK (resolution_kind IN ('candidate', 'value', 'dismissed'))
      );
      INSERT INTO conflicts_new (id, household_id, path, base_json, candidates_json, kept_json, status, resolved_by,
                                 resolution_json, created_at, resolved_at, resolution_kind)
        SELECT id, household_id, path, base_json, candidates_json, kept_json, status, resolved_by, resolution_json,
               created_at, resolved_at, CASE WHEN status = 'resolved' THEN 'value' END
        FROM conflicts;
      DROP TABLE conflicts;
      ALTER TABLE conflicts_new RENAME TO conflicts;
      CREATE INDEX conflicts_by_household ON conflicts (household_id, path, status);
      CREATE INDEX conflicts_by_status ON conflicts (status, created_at);
    `,
      // PostgreSQL changes the CHECK in place (the constraint has PostgreSQL's default name).
      postgres: `
      ALTER TABLE conflicts DROP CONSTRAINT conflicts_status_check;
      ALTER TABLE conflicts ADD CONSTRAINT conflicts_status_check CHECK (status IN ('open', 'resolved', 'dismissed'));
      ALTER TABLE conflicts ADD COLUMN resolution_kind TEXT NULL
        CHECK (resolution_kind IN ('candidate', 'value', 'dismissed'));
      UPDATE conflicts SET resolution_kind = 'value' WHERE status = 'resolved';
    `,
    })
  },
}
