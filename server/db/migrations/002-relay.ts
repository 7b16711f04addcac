// Migration 002: household document storage (snapshot + append-only log + archive),
// Yjs client-id bindings, field history and conflicts — the tables behind the sync relay.
import { execFor, type Migration } from '../migrate.ts'

export const relayDocStore: Migration = {
  id: 2,
  name: 'relay-doc-store',
  up(db) {
    execFor(db, {
      sqlite: `
      -- One row per household. snapshot is a Yjs update in V1 encoding (the wire format of y-protocols),
      -- re-encoded through a gc'd Y.Doc at compaction; the full state is snapshot + doc_log rows with seq > snapshot_seq.
      -- state_vector is the snapshot's (without the log); server_seq is the last committed seq.
      CREATE TABLE doc_state (
        household_id TEXT PRIMARY KEY,
        snapshot BLOB NOT NULL,
        state_vector BLOB NOT NULL,
        snapshot_seq INTEGER NOT NULL DEFAULT 0,
        server_seq INTEGER NOT NULL DEFAULT 0,
        log_bytes INTEGER NOT NULL DEFAULT 0,
        log_rows INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL
      );
      -- Updates committed since the snapshot (V1, as applied: only what was new to the server).
      CREATE TABLE doc_log (
        household_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        "update" BLOB NOT NULL,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        client_ids TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (household_id, seq)
      ) WITHOUT ROWID;
      -- Compacted log rows: no longer needed to rebuild state, kept as the audit trail.
      CREATE TABLE doc_log_archive (
        household_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        "update" BLOB NOT NULL,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        client_ids TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        archived_at INTEGER NOT NULL,
        PRIMARY KEY (household_id, seq)
      ) WITHOUT ROWID;
      -- A Yjs client id belongs to the user who first wrote with it (spoofed attribution is refused).
      CREATE TABLE client_ids (
        client_id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        first_seen INTEGER NOT NULL
      );
      -- Every value every user wrote, including those Yjs discards (losers of concurrent writes).
      CREATE TABLE field_history (
        household_id TEXT NOT NULL,
        path TEXT NOT NULL,
        value_json TEXT NOT NULL,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        client_id INTEGER NOT NULL,
        clock INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        server_seq INTEGER NOT NULL
      );
      CREATE INDEX field_history_by_path ON field_history (household_id, path, server_seq);
      CREATE INDEX field_history_by_item ON field_history (client_id, clock);
      CREATE TABLE conflicts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        household_id TEXT NOT NULL,
        path TEXT NOT NULL,
        base_json TEXT,
        candidates_json TEXT NOT NULL,
        kept_json TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
        resolved_by TEXT,
        resolution_json TEXT,
        created_at INTEGER NOT NULL,
        resolved_at INTEGER
      );
      CREATE INDEX conflicts_by_household ON conflicts (household_id, path, status);
      CREATE INDEX conflicts_by_status ON conflicts (status, created_at);
    `,
      postgres: `
      -- One row per household. snapshot is a Yjs update in V1 encoding (the wire format of y-protocols),
      -- re-encoded through a gc'd Y.Doc at compaction; the full state is snapshot + doc_log rows with seq > snapshot_seq.
      -- state_vector is the snapshot's (without the log); server_seq is the last committed seq.
      CREATE TABLE doc_state (
        household_id TEXT PRIMARY KEY,
        snapshot BYTEA NOT NULL,
        state_vector BYTEA NOT NULL,
        snapshot_seq INTEGER NOT NULL DEFAULT 0,
        server_seq INTEGER NOT NULL DEFAULT 0,
        log_bytes BIGINT NOT NULL DEFAULT 0,
        log_rows INTEGER NOT NULL DEFAULT 0,
        updated_at BIGINT NOT NULL
      );
      -- Updates committed since the snapshot (V1, as applied: only what was new to the server).
      CREATE TABLE doc_log (
        household_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        "update" BYTEA NOT NULL,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        client_ids TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        PRIMARY KEY (household_id, seq)
      );
      -- Compacted log rows: no longer needed to rebuild state, kept as the audit trail.
      CREATE TABLE doc_log_archive (
        household_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        "update" BYTEA NOT NULL,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        client_ids TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        archived_at BIGINT NOT NULL,
        PRIMARY KEY (household_id, seq)
      );
      -- A Yjs client id belongs to the user who first wrote with it (spoofed attribution is refused).
      CREATE TABLE client_ids (
        client_id BIGINT PRIMARY KEY,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        first_seen BIGINT NOT NULL
      );
      -- Every value every user wrote, including those Yjs discards (losers of concurrent writes).
      CREATE TABLE field_history (
        household_id TEXT NOT NULL,
        path TEXT NOT NULL,
        value_json TEXT NOT NULL,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        client_id BIGINT NOT NULL,
        clock BIGINT NOT NULL,
        received_at BIGINT NOT NULL,
        server_seq INTEGER NOT NULL
      );
      CREATE INDEX field_history_by_path ON field_history (household_id, path, server_seq);
      CREATE INDEX field_history_by_item ON field_history (client_id, clock);
      CREATE TABLE conflicts (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        household_id TEXT NOT NULL,
        path TEXT NOT NULL,
        base_json TEXT,
        candidates_json TEXT NOT NULL,
        kept_json TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
        resolved_by TEXT,
        resolution_json TEXT,
        created_at BIGINT NOT NULL,
        resolved_at BIGINT
      );
      CREATE INDEX conflicts_by_household ON conflicts (household_id, path, status);
      CREATE INDEX conflicts_by_status ON conflicts (status, created_at);
    `,
    })
  },
}
