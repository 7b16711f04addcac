// Migration 008 on a real SQLite file: an existing database gains the register and audit tables, and a register
// household code maps to one household per period.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-008-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 008 register-and-audit', () => {
  it('adds the tables to a database at 007; a household code is unique per period', () => {
    const db = openDb(join(dir, 'a.db'))
    migrate(
      db,
      migrations.filter((m) => m.id <= 7),
    )
    expect(
      migrate(
        db,
        migrations.filter((m) => m.id <= 8),
      ),
    ).toEqual([8])
    const insert = db.prepare(
      'INSERT INTO register_households (period, household_code, household_id, import_id) VALUES (?, ?, ?, ?)',
    )
    insert.run('2025', 'HK1', 'h1', 'i1')
    insert.run('2026', 'HK1', 'h2', 'i1')
    expect(() => insert.run('2025', 'HK1', 'h3', 'i1')).toThrow(/UNIQUE/)
    db.prepare("INSERT INTO audit_log (at, action) VALUES (1, 'login')").run()
    expect(db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get()).toBe(1)
    db.close()
  })
})
