// Migration 019: the field history rides on the log row. A committed edit wrote its values into field_history — a row
// and two index entries per value, three more B-tree pages per edit beside the log row; they now go into the log row's
// `writes` column and move with it into the archive. `writes` is JSON, [[path, valueJson, clientId, clock], …] in the
// order written, each value's JSON text as a string (PostgreSQL's JSON functions refuse the \u0000 escape a document's
// text may hold). field_history keeps the rows written before, and the values of households created on a device (which
// have no log row). The view field_writes reads all three as field_history's columns plus `ord`, a value's place within
// its commit.

import { execFor, type Migration } from '../migrate.ts'

/** The view on SQLite (migration 022 makes it again after rebuilding doc_log). */
export const FIELD_WRITES_SQLITE = `
      CREATE VIEW field_writes AS
        SELECT household_id, path, value_json, user_id, device_id, client_id, clock, received_at, server_seq,
               rowid AS ord
          FROM field_history
        UNION ALL
        SELECT l.household_id, w.value ->> 0, w.value ->> 1, l.user_id, l.device_id, w.value ->> 2, w.value ->> 3,
               l.received_at, l.seq, w.key
          FROM doc_log l, json_each(l.writes) w
        UNION ALL
        SELECT a.household_id, w.value ->> 0, w.value ->> 1, a.user_id, a.device_id, w.value ->> 2, w.value ->> 3,
               a.received_at, a.seq, w.key
          FROM doc_log_archive a, json_each(a.writes) w;
`

export const fieldWrites: Migration = {
  id: 19,
  name: 'field-writes',
  up(db) {
    execFor(db, {
      sqlite: `
      ALTER TABLE doc_log ADD COLUMN writes TEXT;
      ALTER TABLE doc_log_archive ADD COLUMN writes TEXT;
${FIELD_WRITES_SQLITE}`,
      postgres: `
      ALTER TABLE doc_log ADD COLUMN writes TEXT;
      ALTER TABLE doc_log_archive ADD COLUMN writes TEXT;
      CREATE VIEW field_writes AS
        SELECT household_id, path, value_json, user_id, device_id, client_id, clock, received_at, server_seq,
               0::bigint AS ord
          FROM field_history
        UNION ALL
        SELECT l.household_id, w.v ->> 0, w.v ->> 1, l.user_id, l.device_id, (w.v ->> 2)::bigint,
               (w.v ->> 3)::bigint, l.received_at, l.seq, w.ord - 1
          FROM doc_log l CROSS JOIN LATERAL json_array_elements(l.writes::json) WITH ORDINALITY AS w(v, ord)
        UNION ALL
        SELECT a.household_id, w.v ->> 0, w.v ->> 1, a.user_id, a.device_id, (w.v ->> 2)::bigint,
               (w.v ->> 3)::bigint, a.received_at, a.seq, w.ord - 1
          FROM doc_log_archive a CROSS JOIN LATERAL json_array_elements(a.writes::json) WITH ORDINALITY AS w(v, ord);
      `,
    })
  },
}
