// Where a household's log rows are. PostgreSQL finds them through doc_log_key, the (household, seq) index. SQLite keeps
// no such index since migration 023: each commit put one entry per edit into a different leaf of it, and those leaves
// were half the pages a commit wrote. Each row there names the household's row before it (prev), and the summary row
// names the newest (households.log_last), so the rows of a commit land together at the table's end and a household's
// rows are found by walking back from its newest, one look-up by id per row (at most COMPACT_ROWS of them).

import type { Db } from '../db/open.ts'

/**
 * A household's log rows with every column of doc_log, as a table expression (`FROM ${householdLog(db, '?')} l`);
 * `household` is the SQL that gives its id: a parameter, or a column of the enclosing query on PostgreSQL. Each step
 * back must reach a row of the same household with a lower seq, so a broken chain ends the walk instead of looping.
 */
export function householdLog(db: Db, household: string): string {
  if (db.dialect === 'postgres') return `(SELECT * FROM doc_log WHERE household_id = ${household})`
  return `(WITH RECURSIVE chain(id, seq, prev, household_id) AS (
      SELECT l.id, l.seq, l.prev, l.household_id
        FROM households h JOIN doc_log l ON l.id = h.log_last AND l.household_id = h.id WHERE h.id = ${household}
      UNION ALL
      SELECT p.id, p.seq, p.prev, p.household_id
        FROM chain c JOIN doc_log p ON p.id = c.prev WHERE p.household_id = c.household_id AND p.seq < c.seq
    ) SELECT l.* FROM chain c JOIN doc_log l ON l.id = c.id)`
}

/**
 * The field history of one household (the view field_writes's columns), as a table expression and the parameters it
 * takes for that household: on SQLite the view would scan the whole log for it, so its three parts are asked apart.
 */
export function householdFieldWrites(db: Db): { from: string; params: (householdId: string) => string[] } {
  if (db.dialect === 'postgres')
    return { from: '(SELECT * FROM field_writes WHERE household_id = ?)', params: (id) => [id] }
  return {
    from: `(SELECT household_id, path, value_json, user_id, device_id, client_id, clock, received_at, server_seq,
               rowid AS ord
          FROM field_history WHERE household_id = ?
        UNION ALL
        SELECT l.household_id, w.value ->> 0, w.value ->> 1, l.user_id, l.device_id, w.value ->> 2, w.value ->> 3,
               l.received_at, l.seq, w.key
          FROM ${householdLog(db, '?')} l, json_each(l.writes) w
        UNION ALL
        SELECT a.household_id, w.value ->> 0, w.value ->> 1, a.user_id, a.device_id, w.value ->> 2, w.value ->> 3,
               a.received_at, a.seq, w.key
          FROM doc_log_archive a, json_each(a.writes) w WHERE a.household_id = ?)`,
    params: (id) => [id, id, id],
  }
}
