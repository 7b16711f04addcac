// Rows as the relay stored them, written with SQL that holds at every schema since migration 018: the tests of a
// migration seed the schema before it without today's store, whose statements name columns added later.
import * as Y from 'yjs'
import type { Db } from '../db/open.ts'

/** A household just created: its summary row, its snapshot at seq 1, no log. */
export function storeCreatedHousehold(db: Db, id: string, update: Uint8Array): void {
  db.prepare(
    `INSERT INTO households (id, period, unit_code, village_id, server_seq) VALUES (?, '2025', '19900', 'v1', 1)`,
  ).run(id)
  db.prepare('INSERT INTO doc_state (household_id, snapshot_seq, updated_at) VALUES (?, 1, 0)').run(id)
  db.prepare('INSERT INTO doc_snapshot (household_id, snapshot, state_vector) VALUES (?, ?, ?)').run(
    id,
    update,
    Y.encodeStateVectorFromUpdate(update),
  )
}
