// Migration 018: the snapshot bytes move out of doc_state into doc_snapshot. SQLite rewrites a whole row on UPDATE,
// so bumping doc_state's head per committed edit rewrote a 4–10 KB row and its overflow pages; the head row is now small.

import { execFor, type Migration } from '../migrate.ts'

export const docSnapshot: Migration = {
  id: 18,
  name: 'doc-snapshot',
  up(db) {
    // doc_state keeps the head (server_seq, snapshot_seq, log sizes); doc_snapshot the state at snapshot_seq.
    execFor(db, {
      sqlite: `
      CREATE TABLE doc_snapshot (
        household_id TEXT PRIMARY KEY REFERENCES doc_state(household_id) ON DELETE CASCADE,
        snapshot BLOB NOT NULL,
        snapshot_v2 BLOB,
        state_vector BLOB NOT NULL
      );
      INSERT INTO doc_snapshot (household_id, snapshot, snapshot_v2, state_vector)
        SELECT household_id, snapshot, snapshot_v2, state_vector FROM doc_state;
      ALTER TABLE doc_state DROP COLUMN snapshot;
      ALTER TABLE doc_state DROP COLUMN snapshot_v2;
      ALTER TABLE doc_state DROP COLUMN state_vector;
      `,
      postgres: `
      CREATE TABLE doc_snapshot (
        household_id TEXT PRIMARY KEY REFERENCES doc_state(household_id) ON DELETE CASCADE,
        snapshot BYTEA NOT NULL,
        snapshot_v2 BYTEA,
        state_vector BYTEA NOT NULL
      );
      INSERT INTO doc_snapshot (household_id, snapshot, snapshot_v2, state_vector)
        SELECT household_id, snapshot, snapshot_v2, state_vector FROM doc_state;
      ALTER TABLE doc_state DROP COLUMN snapshot, DROP COLUMN snapshot_v2, DROP COLUMN state_vector;
      `,
    })
  },
}
