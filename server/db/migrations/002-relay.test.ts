// Migration 002 (relay doc store) on a real SQLite file: tables, keys and constraints the relay relies on.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb, type Db } from '../open.ts'
import { migrations } from './index.ts'

let dir: string
let db: Db
/** The tables as 002 (and 003–004, which touch other tables) leave them; 005 adds doc_state.snapshot_v2 (its own test). */
const upTo4 = migrations.filter((m) => m.id <= 4)
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-002-'))
  db = openDb(join(dir, 'rasoat.db'))
  migrate(db, upTo4)
})
afterAll(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const columns = (table: string): string[] =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name)

describe('migration 002 relay-doc-store', () => {
  it('creates the storage, binding, history and conflict tables', () => {
    expect(columns('doc_state')).toEqual([
      'household_id',
      'snapshot',
      'state_vector',
      'snapshot_seq',
      'server_seq',
      'log_bytes',
      'log_rows',
      'updated_at',
    ])
    expect(columns('doc_log')).toEqual([
      'household_id',
      'seq',
      'update',
      'user_id',
      'device_id',
      'client_ids',
      'received_at',
    ])
    expect(columns('doc_log_archive')).toEqual([...columns('doc_log'), 'archived_at'])
    expect(columns('client_ids')).toEqual(['client_id', 'user_id', 'device_id', 'first_seen'])
    expect(columns('field_history')).toEqual([
      'household_id',
      'path',
      'value_json',
      'user_id',
      'device_id',
      'client_id',
      'clock',
      'received_at',
      'server_seq',
    ])
    expect(columns('conflicts')).toEqual([
      'id',
      'household_id',
      'path',
      'base_json',
      'candidates_json',
      'kept_json',
      'status',
      'resolved_by',
      'resolution_json',
      'created_at',
      'resolved_at',
    ])
  })

  it('doc_log is keyed by (household, seq) without rowid: a seq is committed once', () => {
    const sql = db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'doc_log'`).pluck().get() as string
    expect(sql).toContain('WITHOUT ROWID')
    const insert = db.prepare(`INSERT INTO doc_log VALUES ('h', 1, x'00', 'u', 'd', '[]', 0)`)
    insert.run()
    expect(() => insert.run()).toThrow(/UNIQUE|PRIMARY KEY/)
  })

  it('conflict status is open or resolved, ids are integers', () => {
    const id = db
      .prepare(
        `INSERT INTO conflicts (household_id, path, candidates_json, status, created_at) VALUES ('h', 'address', '[]', 'open', 0)`,
      )
      .run().lastInsertRowid
    expect(typeof id === 'number' || typeof id === 'bigint').toBe(true)
    expect(() =>
      db
        .prepare(
          `INSERT INTO conflicts (household_id, path, candidates_json, status, created_at) VALUES ('h', 'x', '[]', 'maybe', 0)`,
        )
        .run(),
    ).toThrow(/CHECK/)
  })

  it('running the migrations again changes nothing', () => {
    expect(migrate(db, upTo4)).toEqual([])
  })
})
