// Migration 005: doc_state keeps the snapshot also in Yjs update format V2, so the bootstrap (STATE, P14
// in docs/sync-protocol.md) sends stored bytes instead of converting V1 → V2 per household on every new phone.

import { execFor, type Migration } from '../migrate.ts'

export const relaySnapshotV2: Migration = {
  id: 5,
  name: 'relay-snapshot-v2',
  up(db) {
    // NULL until the household is created or compacted by a relay that writes it; readers fall back to converting V1.
    execFor(db, {
      sqlite: `ALTER TABLE doc_state ADD COLUMN snapshot_v2 BLOB`,
      postgres: `ALTER TABLE doc_state ADD COLUMN snapshot_v2 BYTEA`,
    })
  },
}
