// People and places statements whose meaning differs between SQLite and PostgreSQL unless written for both: a list
// aggregate, IS DISTINCT FROM a NULL commune, the enumerator scope, a literal word search, an upsert from a SELECT.
// Runs on the suite's engine (RASOAT_TEST_ENGINE).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAuditLog } from '../audit/audit-log.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { createVillageStore } from '../places/village-store.ts'
import { createAccess } from './access.ts'
import { updateUser } from './user-changes.ts'
import { createUser, listUsers, UsernameTakenError } from './users.ts'

let dir: string
let db: Db

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-engine-sql-'))
  db = openDb(join(dir, 'test.db'))
  migrate(db, migrations)
  db.exec(`
    INSERT INTO units (code, name, kind, area_type) VALUES
      ('19900', 'Thuận An', 'phuong', 'urban'), ('20014', 'Hóa Châu', 'xa', 'rural');
    INSERT INTO villages (id, unit_code, name) VALUES
      ('v1', '19900', 'Thôn 1'), ('v2', '19900', 'Thôn 2'), ('w1', '20014', 'Thôn Bắc');
    INSERT INTO users (id, username, password_hash, role, unit_code, display_name, created_at) VALUES
      ('u-lan', 'lan', 'x', 'enumerator', '19900', 'Lan', 0),
      ('u-mai', 'mai', 'x', 'enumerator', '19900', 'Mai', 0),
      ('u-admin', 'admin', 'x', 'admin', NULL, 'Admin', 0);
    INSERT INTO assignments (user_id, village_id) VALUES ('u-lan', 'v2'), ('u-lan', 'v1'), ('u-mai', 'v1');
    INSERT INTO households (id, period, unit_code, village_id, assignee_id) VALUES
      ('h1', '2025', '19900', 'v1', NULL), ('h2', '2025', '19900', 'v1', 'u-mai'),
      ('h3', '2025', '19900', 'v2', NULL), ('h4', '2025', '20014', 'w1', 'u-lan'), ('h0', '2024', '19900', 'v1', NULL);
  `)
})

afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('statements that mean the same on SQLite and PostgreSQL', () => {
  it("users: each user's villages come as one list", () => {
    const byName = new Map(listUsers(db).map((u) => [u.username, u.villages]))
    expect(Object.fromEntries(byName)).toEqual({ admin: [], lan: ['v1', 'v2'], mai: ['v1'] })
  })

  it('users: a username another relay takes between the lookup and the insert is refused as taken', async () => {
    // The other relay's row lands just before this one's INSERT (same database, after the SELECT found nothing).
    const prepare = db.prepare.bind(db)
    db.prepare = ((sql: string) => {
      if (sql.includes('INSERT INTO users'))
        prepare(
          `INSERT INTO users (id, username, password_hash, role, unit_code, display_name, created_at)
           VALUES ('u-other', 'hoa', 'x', 'admin', NULL, 'Hoa', 0)`,
        ).run()
      return prepare(sql)
    }) as Db['prepare']
    const input = { username: 'hoa', password: 'Sông Hương chảy qua', role: 'admin', displayName: 'Hoa' } as const
    await expect(createUser(db, input)).rejects.toBeInstanceOf(UsernameTakenError)
    db.prepare = prepare
    expect(db.prepare("SELECT COUNT(*) FROM users WHERE username = 'hoa' AND id <> 'u-other'").pluck().get()).toBe(0)
  })

  it('user changes: an enumerator made admin (no commune) loses every village and own household', () => {
    const r = updateUser(db, 'lan', { role: 'admin' }, 5)
    expect(r).toMatchObject({ villagesDropped: ['v1', 'v2'], householdsReleased: 1 })
    expect(db.prepare("SELECT COUNT(*) FROM assignments WHERE user_id = 'u-lan'").pluck().get()).toBe(0)
  })

  it("access: an enumerator's scope is their own households and their villages' unassigned ones", () => {
    const access = createAccess(db)
    const lan = { id: 'u-lan', username: 'lan', role: 'enumerator', unitCode: '19900', displayName: 'Lan' } as const
    expect(access.householdIdsInScope(lan, '2025')).toEqual(['h1', 'h3', 'h4'])
    expect(access.householdIdsInScope(lan)).toEqual(['h0', 'h1', 'h3', 'h4'])
  })

  it('audit: a searched word is matched as written, % and _ included', () => {
    const audit = createAuditLog(db, () => 1)
    const actor = { id: 'u-admin', username: 'admin' }
    for (const target of ['100%_done', '100 done', 'x_y', 'xzy']) audit.record({ action: 'user-create', actor, target })
    const targets = (q: string) => audit.search({ q, limit: 10 }).entries.map((e) => e.target)
    expect(targets('100%')).toEqual(['100%_done'])
    expect(targets('x_y')).toEqual(['x_y'])
  })

  it('villages: an id another relay takes between the lookup and the insert sends the new village to the next id', () => {
    const prepare = db.prepare.bind(db)
    let raced = false
    db.prepare = ((sql: string) => {
      if (sql.startsWith('INSERT INTO villages') && !raced) {
        raced = true
        prepare("INSERT INTO villages (id, unit_code, name) VALUES ('19900-3', '19900', 'Thôn Đông')").run()
      }
      return prepare(sql)
    }) as Db['prepare']
    const made = createVillageStore(db).create('19900', 'Thôn Tây')
    db.prepare = prepare
    expect(made).toEqual({ id: '19900-4', unitCode: '19900', name: 'Thôn Tây' })
    expect(db.prepare("SELECT name FROM villages WHERE id = '19900-3'").pluck().get()).toBe('Thôn Đông')
  })

  it('villages: a merge moves the enumerators the other village lacks, counting only those', () => {
    const r = createVillageStore(db).merge('v1', 'v2')
    expect(r).toMatchObject({ households: 3, assignments: 1 })
    expect(
      db.prepare("SELECT user_id FROM assignments WHERE village_id = 'v2' ORDER BY user_id").pluck().all(),
    ).toEqual(['u-lan', 'u-mai'])
  })
})
