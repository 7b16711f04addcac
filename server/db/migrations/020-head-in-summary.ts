// Migration 020: a household's committed head is its summary row's server_seq. Every commit rewrote both that row and
// doc_state's head (server_seq and the log's row and byte counts): one more random B-tree page per edit. doc_state now
// says only where the snapshot stands (snapshot_seq) and is written by compaction; the log's size is counted from the
// log when compaction is considered.

import { execFor, type Migration } from '../migrate.ts'

// The two always moved together; should a summary row ever lag, the higher head wins (numbering never goes back).
const RECONCILE = `UPDATE households SET server_seq = (SELECT d.server_seq FROM doc_state d WHERE d.household_id = households.id)
  WHERE server_seq < (SELECT d.server_seq FROM doc_state d WHERE d.household_id = households.id);`

export const headInSummary: Migration = {
  id: 20,
  name: 'head-in-summary',
  up(db) {
    execFor(db, {
      sqlite: `${RECONCILE}
      ALTER TABLE doc_state DROP COLUMN server_seq;
      ALTER TABLE doc_state DROP COLUMN log_bytes;
      ALTER TABLE doc_state DROP COLUMN log_rows;
      `,
      postgres: `${RECONCILE}
      ALTER TABLE doc_state DROP COLUMN server_seq, DROP COLUMN log_bytes, DROP COLUMN log_rows;
      `,
    })
  },
}
