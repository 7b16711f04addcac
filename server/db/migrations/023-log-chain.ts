// Migration 023: on SQLite, a household's log rows are chained instead of indexed. Each commit inserted one entry per
// edit into doc_log_key, each into the leaf of its household's run, a different leaf per edit: measured in the WAL at
// 3,200 edits/s, 1.3 of the 2.45 pages a commit wrote per edit, and the page splits behind SQLite's scans of its page
// cache. Each row now carries its id (an INTEGER PRIMARY KEY, which VACUUM keeps) and the id of its household's row
// before it (prev); the summary row, which every commit rewrites anyway, names the newest (log_last). Readers walk back
// from there (server/store/household-log.ts). The writer marks a row whose seq is not above its household's committed
// head with prev -1, which seq_above_head refuses. PostgreSQL keeps the index: its writer does not learn the ids it
// inserts.

import { execFor, type Migration } from '../migrate.ts'
import { FIELD_WRITES_SQLITE } from './019-field-writes.ts'
import { LOG_COLUMNS } from './022-log-append.ts'

export const logChain: Migration = {
  id: 23,
  name: 'log-chain',
  up(db) {
    execFor(db, {
      sqlite: `
      CREATE TABLE doc_log_chained (
        household_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        "update" BLOB NOT NULL,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        client_ids TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        writes TEXT,
        id INTEGER PRIMARY KEY,
        prev INTEGER CONSTRAINT seq_above_head CHECK (prev >= 0)
      );
      INSERT INTO doc_log_chained (${LOG_COLUMNS}, id, prev)
        SELECT ${LOG_COLUMNS}, rowid, lag(rowid) OVER (PARTITION BY household_id ORDER BY seq) FROM doc_log ORDER BY rowid;
      ALTER TABLE households ADD COLUMN log_last INTEGER;
      UPDATE households SET log_last = (SELECT rowid FROM doc_log WHERE household_id = households.id ORDER BY seq DESC LIMIT 1);
      DROP VIEW field_writes;
      DROP TABLE doc_log;
      ALTER TABLE doc_log_chained RENAME TO doc_log;
${FIELD_WRITES_SQLITE}`,
      postgres: '',
    })
  },
}
