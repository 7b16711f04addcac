// Migration 007 on a real SQLite file: households get a nullable admission column; existing rows read as listed (NULL).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-007-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 007 household-admission', () => {
  it('adds households.admission, NULL for rows that existed before', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id < 7),
    )
    db.prepare("INSERT INTO households (id, period, unit_code, village_id) VALUES ('h1', '2025', '19789', 'v1')").run()
    migrate(db, migrations)
    expect(db.prepare("SELECT admission FROM households WHERE id = 'h1'").pluck().get()).toBeNull()
    db.prepare("UPDATE households SET admission = 'pending' WHERE id = 'h1'").run()
    expect(db.prepare("SELECT admission FROM households WHERE id = 'h1'").pluck().get()).toBe('pending')
    db.close()
  })
})
