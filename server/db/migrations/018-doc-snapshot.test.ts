// Migration 018 on a real SQLite file: a stored household keeps its snapshot bytes and head across the split of
// doc_state into the head and doc_snapshot, and a head bump no longer rewrites the snapshot row.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-018-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 018 doc-snapshot', () => {
  it('moves every snapshot into doc_snapshot and keeps the head in doc_state', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id < 18),
    )
    const insert = db.prepare(
      `INSERT INTO doc_state (household_id, snapshot, snapshot_v2, state_vector, snapshot_seq, server_seq, log_bytes, log_rows, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`,
    )
    insert.run('h1', Buffer.from([1, 2, 3]), Buffer.from([4, 5]), Buffer.from([6]), 3, 7, 40, 4)
    insert.run('h2', Buffer.from([9]), null, Buffer.from([8]), 1, 1, 0, 0)
    expect(
      migrate(
        db,
        migrations.filter((m) => m.id <= 18),
      ),
    ).toEqual([18])
    const rows = db
      .prepare(
        `SELECT d.household_id, d.snapshot_seq, d.server_seq, d.log_bytes, d.log_rows, s.snapshot, s.snapshot_v2, s.state_vector
         FROM doc_state d JOIN doc_snapshot s ON s.household_id = d.household_id ORDER BY d.household_id`,
      )
      .raw()
      .all() as unknown[][]
    expect(rows.map((r) => r.map((v) => (v instanceof Uint8Array ? [...v] : v)))).toEqual([
      ['h1', 3, 7, 40, 4, [1, 2, 3], [4, 5], [6]],
      ['h2', 1, 1, 0, 0, [9], null, [8]],
    ])
    const cols = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('doc_state') as string[]).sort()
    expect(cols).toEqual(['household_id', 'log_bytes', 'log_rows', 'server_seq', 'snapshot_seq', 'updated_at'])
    db.close()
  })
})
