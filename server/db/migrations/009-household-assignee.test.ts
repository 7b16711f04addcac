// Migration 009 on a real SQLite file: households get a nullable assignee (existing rows follow their village) and the
// release grants table exists, one grant per household and user.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { householdScope } from '../../auth/access.ts'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-009-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 009 household-assignee', () => {
  it('adds households.assignee_id (NULL before) and released_households keyed by household and user', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id < 9),
    )
    db.prepare("INSERT INTO households (id, period, unit_code, village_id) VALUES ('h1', '2025', '19789', 'v1')").run()
    db.prepare(
      "INSERT INTO users (id, username, password_hash, role, display_name, created_at) VALUES ('u1', 'u1', 'x', 'enumerator', 'U', 0)",
    ).run()
    expect(
      migrate(
        db,
        migrations.filter((m) => m.id <= 9),
      ),
    ).toEqual([9])
    expect(db.prepare("SELECT assignee_id FROM households WHERE id = 'h1'").pluck().get()).toBeNull()
    const grant = db.prepare(
      "INSERT INTO released_households (household_id, user_id, released_at) VALUES ('h1', 'u1', 5)",
    )
    grant.run()
    expect(() => grant.run()).toThrow(/UNIQUE|PRIMARY/)
    expect(db.prepare("SELECT holders FROM released_households WHERE household_id = 'h1'").pluck().get()).toBe('[]')
    db.close()
  })

  it("keeps an enumerator's scope on the assignee and village indexes (an OR of the two walked the whole period)", () => {
    const db = openDb(join(dir, 'plan.db'))
    migrate(db, migrations)
    const user = { id: 'u1', username: 'u1', role: 'enumerator' as const, unitCode: null, displayName: 'U' }
    const scope = householdScope(user)
    for (const sql of [
      `SELECT h.id, h.server_seq FROM households h WHERE ${scope.sql} AND h.period = ?`,
      `SELECT h.id FROM households h WHERE ${scope.sql} AND +h.period = ? ORDER BY h.id LIMIT 100`,
    ]) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...scope.params, '2025') as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ')
      expect(plan).toContain('USING INDEX households_assignee (assignee_id=?)')
      expect(plan).toContain('USING INDEX households_village (village_id=?)')
      expect(plan).not.toMatch(/SCAN h\b|households_map|households_unit/)
    }
    db.close()
  })
})
