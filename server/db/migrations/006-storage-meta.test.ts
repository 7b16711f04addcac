// Migration 006 on a real SQLite file: every database gets its own epoch, kept across restarts, renewed on demand.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readEpoch, renewEpoch } from '../meta.ts'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-006-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 006 storage-meta', () => {
  it('gives an existing database an epoch; two databases get different ones; reopening keeps it', () => {
    // Pinned to the migrations up to this one, so later migrations do not change what it checks.
    const upTo6 = migrations.filter((m) => m.id <= 6)
    const a = openDb(join(dir, 'a.db'))
    migrate(
      a,
      migrations.filter((m) => m.id <= 5),
    )
    expect(migrate(a, upTo6)).toEqual([6])
    const epoch = readEpoch(a)
    expect(epoch).toMatch(/^[0-9a-f-]{36}$/)
    a.close()
    const again = openDb(join(dir, 'a.db'))
    expect(migrate(again, upTo6)).toEqual([])
    expect(readEpoch(again)).toBe(epoch)
    const b = openDb(join(dir, 'b.db'))
    migrate(b, migrations)
    expect(readEpoch(b)).not.toBe(epoch)
    b.close()
    const renewed = renewEpoch(again)
    expect(renewed).not.toBe(epoch)
    expect(readEpoch(again)).toBe(renewed)
    again.close()
  })

  it('indexes photos by uploader and time', () => {
    const db = openDb(join(dir, 'c.db'))
    migrate(db, migrations)
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' ')
    expect(plan(`SELECT COUNT(*) FROM photos WHERE uploaded_by = 'u' AND created_at > 0`)).toContain(
      'photos_uploader_time',
    )
    db.close()
  })
})
