// Migration 022: the log appends. doc_log was keyed by (household, seq) WITHOUT ROWID: every commit inserted each of its
// edits into the middle of the table, one random leaf per edit, and a leaf holding a household's run of rows split
// often (balance touches up to three leaves and their parent). Measured in the WAL at 3,200 edits/s: 2.1 log pages per
// edit of 3.4 in all. As a rowid table the rows of a commit land together at the table's end; a unique index keeps
// (household, seq) committed once and finds a household's rows, its entries about a quarter of a row's size.
// PostgreSQL's tables are heaps that append already; its primary key becomes the same unique index, so both engines
// keep one schema.

import { execFor, type Migration } from '../migrate.ts'
import { FIELD_WRITES_SQLITE } from './019-field-writes.ts'

/** The log's columns as migration 022 left them (023 copies them too). */
export const LOG_COLUMNS = `household_id, seq, "update", user_id, device_id, client_ids, received_at, writes`

export const logAppend: Migration = {
  id: 22,
  name: 'log-append',
  up(db) {
    execFor(db, {
      sqlite: `
      CREATE TABLE doc_log_appended (
        household_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        "update" BLOB NOT NULL,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        client_ids TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        writes TEXT
      );
      INSERT INTO doc_log_appended (${LOG_COLUMNS}) SELECT ${LOG_COLUMNS} FROM doc_log ORDER BY household_id, seq;
      DROP VIEW field_writes;
      DROP TABLE doc_log;
      ALTER TABLE doc_log_appended RENAME TO doc_log;
      CREATE UNIQUE INDEX doc_log_key ON doc_log (household_id, seq);
${FIELD_WRITES_SQLITE}`,
      postgres: `
      ALTER TABLE doc_log DROP CONSTRAINT doc_log_pkey;
      CREATE UNIQUE INDEX doc_log_key ON doc_log (household_id, seq);
      `,
    })
  },
}
