// Migration 020 on a real SQLite file: the head leaves doc_state for the summary row — a summary row that lagged takes
// the higher head, doc_state keeps only where the snapshot stands, and a stored household reads back whole.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createDocStore } from '../../store/doc-store.ts'
import { householdUpdate } from '../../test-support/household-fixture.ts'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'
import { storeCreatedHousehold } from '../../test-support/old-schema-rows.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-020-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 020 head-in-summary', () => {
  it('keeps the higher head in the summary row and drops the head columns of doc_state', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id < 20),
    )
    for (const id of ['h1', 'h2']) storeCreatedHousehold(db, id, householdUpdate({ id, headName: `Chủ hộ ${id}` }))
    // h1: two log rows after the snapshot, its summary row behind (4 against 3); h2: untouched.
    const log = db.prepare(
      `INSERT INTO doc_log (household_id, seq, "update", user_id, device_id, client_ids, received_at) VALUES ('h1', ?, ?, 'u', 'd', '[]', 0)`,
    )
    log.run(2, Buffer.from([0, 0]))
    log.run(3, Buffer.from([0, 0]))
    db.prepare("UPDATE doc_state SET server_seq = 3, log_rows = 2, log_bytes = 4 WHERE household_id = 'h1'").run()
    db.prepare("UPDATE households SET server_seq = 2 WHERE id = 'h1'").run()
    expect(
      migrate(
        db,
        migrations.filter((m) => m.id <= 20),
      ),
    ).toEqual([20])
    expect(db.prepare('SELECT id, server_seq FROM households ORDER BY id').raw().all()).toEqual([
      ['h1', 3],
      ['h2', 1],
    ])
    const cols = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('doc_state') as string[]).sort()
    expect(cols).toEqual(['household_id', 'snapshot_seq', 'updated_at'])
    migrate(db, migrations) // and the later ones, which today's store reads with
    const after = createDocStore(db)
    expect(after.head('h1')).toBe(3)
    expect(after.readState('h1')).not.toBeNull()
    expect(after.needsCompaction('h1')).toBe(false)
    db.close()
  })
})
