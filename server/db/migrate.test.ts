// The migration runner against a real SQLite file: order, idempotence, rollback of a failing migration.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { appliedMigrations, migrate, type Migration } from './migrate.ts'
import { openDb, type Db } from './open.ts'

const dirs: string[] = []
function tempDb(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'rasoat-migrate-'))
  dirs.push(dir)
  return openDb(join(dir, 'rasoat.db'))
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const a: Migration = { id: 1, name: 'a', up: (db) => db.exec('CREATE TABLE a (x INTEGER)') }
const b: Migration = { id: 2, name: 'b', up: (db) => db.exec('CREATE TABLE b (x INTEGER)') }

describe('migrate', () => {
  it('opens in WAL mode with foreign keys on', () => {
    const db = tempDb()
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    db.close()
  })

  it('applies migrations once, in order, and records them', () => {
    const db = tempDb()
    expect(migrate(db, [a])).toEqual([1])
    expect(migrate(db, [a, b])).toEqual([2])
    expect(migrate(db, [a, b])).toEqual([])
    expect(appliedMigrations(db).map((m) => [m.id, m.name])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ])
    db.close()
  })

  it('rolls back a failing migration and leaves it unrecorded', () => {
    const db = tempDb()
    const bad: Migration = {
      id: 3,
      name: 'bad',
      up: (d) => {
        d.exec('CREATE TABLE c (x INTEGER)')
        throw new Error('boom')
      },
    }
    expect(() => migrate(db, [a, b, bad])).toThrow('boom')
    expect(appliedMigrations(db).map((m) => m.id)).toEqual([1, 2])
    const c = db.prepare("SELECT name FROM sqlite_master WHERE name = 'c'").get()
    expect(c).toBeUndefined()
    db.close()
  })

  it('refuses migrations out of order', () => {
    const db = tempDb()
    expect(() => migrate(db, [b, a])).toThrow(/out of order/)
    db.close()
  })
})
