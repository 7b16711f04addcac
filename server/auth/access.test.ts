// Role and area scope on a real SQLite file: enumerators see assigned villages, supervisors their unit,
// admins and observers everything; only enumerators (in scope) and admins may write.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { ensureReferenceData } from '../db/reference-data.ts'
import { createAccess, type Access } from './access.ts'
import { createSession } from './sessions.ts'
import { createUser, type User } from './users.ts'

let dir: string
let db: Db
let access: Access
const u: Record<string, User> = {}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-access-'))
  db = openDb(join(dir, 'rasoat.db'))
  migrate(db, migrations)
  ensureReferenceData(db)
  const v = db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?)')
  v.run('A1', '19900', 'Thôn A1')
  v.run('A2', '19900', 'Thôn A2')
  v.run('B1', '20014', 'Thôn B1')
  const h = db.prepare("INSERT INTO households (id, period, unit_code, village_id) VALUES (?, '2025', ?, ?)")
  h.run('hA1', '19900', 'A1')
  h.run('hA2', '19900', 'A2')
  h.run('hB1', '20014', 'B1')
  const pw = 'mật khẩu của đội 7'
  u.enum = await createUser(db, { username: 'enum', password: pw, role: 'enumerator', villages: ['A1'] })
  u.sup = await createUser(db, { username: 'sup', password: pw, role: 'supervisor', unitCode: '19900' })
  u.admin = await createUser(db, { username: 'admin', password: pw, role: 'admin' })
  u.obs = await createUser(db, { username: 'obs', password: pw, role: 'observer' })
  access = createAccess(db)
})
afterAll(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const get = (k: string): User => u[k] as User

describe('createAccess', () => {
  it('authenticates a live session token and refuses expired, unknown or disabled ones', () => {
    const live = createSession(db, get('enum').id)
    expect(access.authenticate(live.token)?.username).toBe('enum')
    expect(access.authenticate('not-a-token')).toBeNull()
    const old = createSession(db, get('enum').id, { now: Date.now() - 10_000, ttlMs: 1000 })
    expect(access.authenticate(old.token)).toBeNull()
    const obsSession = createSession(db, get('obs').id)
    db.prepare("UPDATE users SET disabled = 1 WHERE username = 'obs'").run()
    expect(access.authenticate(obsSession.token)).toBeNull()
    db.prepare("UPDATE users SET disabled = 0 WHERE username = 'obs'").run()
  })

  it('enumerator: reads and writes only households of assigned villages', () => {
    expect(access.canRead(get('enum'), 'hA1')).toBe(true)
    expect(access.canWrite(get('enum'), 'hA1')).toBe(true)
    expect(access.canRead(get('enum'), 'hA2')).toBe(false)
    expect(access.canWrite(get('enum'), 'hB1')).toBe(false)
    expect(access.householdIdsInScope(get('enum'))).toEqual(['hA1'])
  })

  it('supervisor: reads the own unit, writes nothing', () => {
    expect(access.canRead(get('sup'), 'hA2')).toBe(true)
    expect(access.canRead(get('sup'), 'hB1')).toBe(false)
    expect(access.canWrite(get('sup'), 'hA2')).toBe(false)
    expect(access.householdIdsInScope(get('sup'), '2025')).toEqual(['hA1', 'hA2'])
  })

  it('admin reads and writes all; observer reads all and writes nothing', () => {
    expect(access.canWrite(get('admin'), 'hB1')).toBe(true)
    expect(access.canRead(get('obs'), 'hB1')).toBe(true)
    expect(access.canWrite(get('obs'), 'hB1')).toBe(false)
    expect(access.householdIdsInScope(get('obs'))).toEqual(['hA1', 'hA2', 'hB1'])
    expect(access.householdIdsInScope(get('admin'), '2024')).toEqual([])
  })

  it('unknown households are out of scope for scoped roles', () => {
    expect(access.canRead(get('enum'), 'nope')).toBe(false)
    expect(access.canRead(get('sup'), 'nope')).toBe(false)
  })

  it('scope answers canRead and canWrite together, for every role, household and a release grant', () => {
    db.prepare(
      `INSERT INTO households (id, period, unit_code, village_id) VALUES ('hMoved', '2025', '19900', 'A2')`,
    ).run()
    db.prepare(`INSERT INTO released_households (household_id, user_id, released_at) VALUES ('hMoved', ?, ?)`).run(
      get('enum').id,
      Date.now(),
    )
    expect(access.scope(get('enum'), 'hMoved')).toEqual({ read: false, write: true })
    for (const who of ['enum', 'sup', 'admin', 'obs'])
      for (const id of ['hA1', 'hA2', 'hB1', 'hMoved', 'nope'])
        expect(access.scope(get(who), id), `${who} ${id}`).toEqual({
          read: access.canRead(get(who), id),
          write: access.canWrite(get(who), id),
        })
  })
})
