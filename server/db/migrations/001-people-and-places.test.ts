// Migration 001 on a real SQLite file: tables exist with their constraints, and the full list migrates cleanly.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb, type Db } from '../open.ts'
import { peopleAndPlaces } from './001-people-and-places.ts'
import { migrations } from './index.ts'

let dir: string
let db: Db
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-001-'))
  db = openDb(join(dir, 'rasoat.db'))
  migrate(db, [peopleAndPlaces])
})
afterAll(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

function columns(table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name)
}

describe('migration 001 people-and-places', () => {
  it('creates the contract tables with their columns', () => {
    expect(columns('units')).toEqual(['code', 'name', 'kind', 'area_type'])
    expect(columns('villages')).toEqual(['id', 'unit_code', 'name'])
    expect(columns('periods')).toEqual(['id', 'standard', 'reference_date', 'is_current'])
    expect(columns('users')).toEqual([
      'id',
      'username',
      'password_hash',
      'role',
      'unit_code',
      'display_name',
      'created_at',
      'disabled',
    ])
    expect(columns('sessions')).toEqual(['token_hash', 'user_id', 'device_id', 'created_at', 'expires_at'])
    expect(columns('assignments')).toEqual(['user_id', 'village_id'])
    expect(columns('households')).toEqual([
      'id',
      'period',
      'unit_code',
      'village_id',
      'head_name',
      'address',
      'status',
      'category',
      'deprivation_count',
      'lat',
      'lng',
      'accuracy_m',
      'last_editor',
      'server_seq',
      'updated_at',
      'search_text',
    ])
    expect(columns('photos')).toEqual(['sha256', 'household_id', 'uploaded_by', 'content_type', 'bytes', 'created_at'])
  })

  it('enforces roles, unique usernames and cascades sessions with their user', () => {
    const insertUser = db.prepare(
      `INSERT INTO users (id, username, password_hash, role, unit_code, display_name, created_at) VALUES (?, ?, 'h', ?, NULL, 'X', 0)`,
    )
    insertUser.run('u1', 'lan', 'enumerator')
    expect(() => insertUser.run('u2', 'lan', 'admin')).toThrow(/UNIQUE/)
    expect(() => insertUser.run('u3', 'minh', 'king')).toThrow(/CHECK/)
    db.prepare(`INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('t', 'u1', 0, 1)`).run()
    db.prepare(`DELETE FROM users WHERE id = 'u1'`).run()
    expect(db.prepare('SELECT COUNT(*) AS n FROM sessions').get()).toEqual({ n: 0 })
  })

  it('gives household summary rows their defaults', () => {
    db.prepare(`INSERT INTO households (id, period, unit_code, village_id) VALUES ('h1', '2025', '19900', 'v1')`).run()
    const row = db.prepare(`SELECT status, category, server_seq, search_text FROM households WHERE id = 'h1'`).get()
    expect(row).toEqual({ status: 'listed', category: 'incomplete', server_seq: 0, search_text: '' })
  })

  it('runs with every later migration on a fresh file', () => {
    const other = openDb(join(dir, 'all.db'))
    expect(migrate(other, migrations)).toEqual(migrations.map((m) => m.id))
    other.close()
  })
})
