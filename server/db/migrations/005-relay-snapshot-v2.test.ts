// Migration 005 on a real SQLite file: doc_state gains snapshot_v2, and rows stored before it keep working (NULL).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb, type Db } from '../open.ts'
import { migrations } from './index.ts'

let dir: string
let db: Db
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-005-'))
  db = openDb(join(dir, 'rasoat.db'))
  migrate(
    db,
    migrations.filter((m) => m.id <= 4),
  )
})
afterAll(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('migration 005 relay-snapshot-v2', () => {
  it('adds doc_state.snapshot_v2; a row stored before it reads NULL', () => {
    db.prepare(
      `INSERT INTO doc_state (household_id, snapshot, state_vector, snapshot_seq, server_seq, log_bytes, log_rows, updated_at) VALUES ('h', x'00', x'00', 1, 1, 0, 0, 0)`,
    ).run()
    expect(
      migrate(
        db,
        migrations.filter((m) => m.id <= 5),
      ),
    ).toEqual([5])
    const cols = (db.prepare('PRAGMA table_info(doc_state)').all() as { name: string }[]).map((c) => c.name)
    expect(cols).toContain('snapshot_v2')
    expect(db.prepare(`SELECT snapshot_v2 FROM doc_state WHERE household_id = 'h'`).pluck().get()).toBeNull()
  })
})
