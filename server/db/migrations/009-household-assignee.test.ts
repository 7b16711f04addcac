// Migration 009 on a real SQLite file: households get a nullable assignee (existing rows follow their village) and the
// release grants table exists, one grant per household and user.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-009-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 009 household-assignee', () => {
  it('adds households.assignee_id (NULL before) and released_households keyed by household and user', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(db, migrations.filter((m) => m.id < 9))
    db.prepare("INSERT INTO households (id, period, unit_code, village_id) VALUES ('h1', '2025', '19789', 'v1')").run()
    db.prepare("INSERT INTO users (id, username, password_hash, role, display_name, created_at) VALUES ('u1', 'u1', 'x', 'enumerator', 'U', 0)").run()
    expect(migrate(db, migrations.filter((m) => m.id <= 9))).toEqual([9])
    expect(db.prepare("SELECT assignee_id FROM households WHERE id = 'h1'").pluck().get()).toBeNull()
    const grant = db.prepare("INSERT INTO released_households (household_id, user_id, released_at) VALUES ('h1', 'u1', 5)")
    grant.run()
    expect(() => grant.run()).toThrow(/UNIQUE|PRIMARY/)
    expect(db.prepare("SELECT holders FROM released_households WHERE household_id = 'h1'").pluck().get()).toBe('[]')
    db.close()
  })
})
