// Migration 014 on a real SQLite file: two records of one period may not follow the same previous record; records of
// different periods may, and records with no previous record are not constrained.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-014-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 014 period-carry', () => {
  it('refuses a second record of a period carried from the same previous record', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id < 14),
    )
    const insert = db.prepare(
      `INSERT INTO households (id, period, unit_code, village_id, previous_id) VALUES (?, ?, '19900', 'v', ?)`,
    )
    insert.run('old', '2025', null)
    insert.run('loose-1', '2026', null)
    insert.run('loose-2', '2026', null)
    expect(migrate(db, migrations)).toContain(14)
    insert.run('new', '2026', 'old')
    insert.run('other-period', '2027', 'old')
    insert.run('loose-3', '2026', null)
    expect(() => insert.run('twice', '2026', 'old')).toThrow(/UNIQUE/)
    db.close()
  })
})
