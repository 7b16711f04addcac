// Changing a user over real HTTP on a real database: role and commune (sessions end; an enumerator moved to another
// commune loses the villages and households outside it, with release grants), diacritic-blind search, the last admin.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertPlaces, startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'
import type { AuditEntry } from '../audit/audit-log.ts'

let s: TestServer
let w: World
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
})
afterAll(() => s.stop())

const change = (username: string, json: unknown, token = w.tokens.admin) =>
  s.api(`/api/users/${username}`, { method: 'POST', token, json })
const row = (username: string) =>
  s.db
    .prepare('SELECT role, unit_code AS unitCode, display_name AS displayName FROM users WHERE username = ?')
    .get(username)
const assignments = (username: string) =>
  s.db
    .prepare('SELECT village_id FROM assignments a JOIN users u ON u.id = a.user_id WHERE u.username = ? ORDER BY 1')
    .pluck()
    .all(username)

describe('POST /api/users/:username (role, commune, name)', () => {
  it('an enumerator moved to another commune loses the villages and households outside it; sessions end; audited', async () => {
    insertPlaces(s, { villages: [['B2', '20014', 'Thôn B2']] })
    const u = await s.addUser({ username: 'lan', role: 'enumerator', unitCode: '19900', villages: ['A1', 'A2'] })
    s.db.prepare("UPDATE households SET assignee_id = ? WHERE id = 'hA2-1'").run(u.id)
    const token = await s.login('lan')
    const res = await change('lan', { unitCode: '20014' })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      user: { username: 'lan', role: 'enumerator', unitCode: '20014' },
      sessionsEnded: 1,
      villagesDropped: ['A1', 'A2'],
      householdsReleased: 1,
    })
    expect(assignments('lan')).toEqual([])
    expect((await s.api('/api/me', { token })).status).toBe(401)
    // What the phone still holds may arrive: every household of A1 and the one assigned to her carry a release grant.
    const grants = s.db.prepare('SELECT household_id FROM released_households WHERE user_id = ? ORDER BY 1').pluck()
    expect(grants.all(u.id)).toEqual(['hA1-1', 'hA1-2', 'hA1-3', 'hA2-1'])
    expect(s.db.prepare("SELECT assignee_id FROM households WHERE id = 'hA2-1'").pluck().get()).toBeNull()
    // In her new commune she may be given a village; one of the old commune is refused.
    const ok = await s.api('/api/areas/villages/B2/assign', {
      method: 'POST',
      token: w.tokens.admin,
      json: { username: 'lan' },
    })
    expect(ok.status).toBe(200)
    const wrong = await s.api('/api/areas/villages/A1/assign', {
      method: 'POST',
      token: w.tokens.admin,
      json: { username: 'lan' },
    })
    expect(await wrong.json()).toMatchObject({ code: 'village/other-commune' })
    const audit = (await (await s.api('/api/audit?action=user-update&q=lan', { token: w.tokens.admin })).json()) as {
      entries: AuditEntry[]
    }
    expect(audit.entries[0]).toMatchObject({
      username: 'admin',
      target: 'lan',
      details: { unitCode: '20014', villagesDropped: ['A1', 'A2'], sessionsEnded: 1 },
    })
  })

  it('an enumerator made an observer keeps no assignment and no commune; a rename alone keeps the sessions', async () => {
    await s.addUser({ username: 'minh', role: 'enumerator', unitCode: '19900', villages: ['A2'] })
    const token = await s.login('minh')
    const renamed = await change('minh', { displayName: 'Nguyễn Văn Minh' })
    expect(await renamed.json()).toMatchObject({ sessionsEnded: 0, villagesDropped: [] })
    expect((await s.api('/api/me', { token })).status).toBe(200)
    const res = await change('minh', { role: 'observer' })
    expect(await res.json()).toMatchObject({ user: { role: 'observer', unitCode: null }, sessionsEnded: 1 })
    expect(assignments('minh')).toEqual([])
  })

  it('renaming an enumerator recorded without a commune keeps their villages and sessions', async () => {
    await s.addUser({ username: 'cu', role: 'enumerator', villages: ['A1'] })
    const token = await s.login('cu')
    const res = await change('cu', { displayName: 'Lê Thị Cư' })
    expect(await res.json()).toMatchObject({
      user: { displayName: 'Lê Thị Cư' },
      sessionsEnded: 0,
      villagesDropped: [],
    })
    expect(assignments('cu')).toEqual(['A1'])
    expect((await s.api('/api/me', { token })).status).toBe(200)
  })

  it('refuses bad changes with request/invalid and the path, changing nothing', async () => {
    await s.addUser({ username: 'tam', role: 'enumerator', unitCode: '19900', villages: ['A1'] })
    const before = row('tam')
    for (const [json, path] of [
      [{ role: 'supervisor', unitCode: null }, 'unitCode'],
      [{ unitCode: '99999' }, 'unitCode'],
      [{ role: 'root' }, 'role'],
      [{}, 'role'],
      [{ displayName: '' }, 'displayName'],
      [{ password: 'x' }, ''],
    ] as const) {
      const res = await change('tam', json)
      expect(res.status).toBe(400)
      const body = (await res.json()) as { code: string; details: { issues: { path: string[] }[] } }
      expect(body.code).toBe('request/invalid')
      expect(body.details.issues[0]?.path.join('.')).toBe(path)
    }
    expect(row('tam')).toEqual(before)
    expect(assignments('tam')).toEqual(['A1'])
    expect((await change('nobody', { role: 'observer' })).status).toBe(404)
  })

  it('an enumerator is created with a commune and villages only inside it', async () => {
    const post = (json: unknown) => s.api('/api/users', { method: 'POST', token: w.tokens.admin, json })
    const base = { password: 'mật khẩu dài', role: 'enumerator', unitCode: '19900' }
    const outside = await post({ ...base, username: 'ngoai', villages: ['B1'] })
    expect(await outside.json()).toMatchObject({
      code: 'request/invalid',
      details: { issues: [{ path: ['villages'] }] },
    })
    expect(row('ngoai')).toBeUndefined()
    const none = await post({ ...base, username: 'trong' })
    expect(await none.json()).toMatchObject({ user: { username: 'trong', unitCode: '19900' } })
    expect(assignments('trong')).toEqual([])
  })

  it('is admin only', async () => {
    for (const token of [w.tokens.enum, w.tokens.sup, w.tokens.obs]) {
      expect((await change('enum', { role: 'admin' }, token)).status).toBe(403)
    }
    expect(row('enum')).toMatchObject({ role: 'enumerator' })
  })

  it('the last enabled admin cannot demote themself; with another admin they can', async () => {
    await s.addUser({ username: 'admin2', role: 'admin' })
    const token2 = await s.login('admin2')
    // admin2 steps down while `admin` remains.
    expect((await change('admin2', { role: 'observer' }, token2)).status).toBe(200)
    const last = await change('admin', { role: 'observer' })
    expect(last.status).toBe(409)
    expect(await last.json()).toMatchObject({ code: 'user/last-admin', details: { username: 'admin' } })
    expect(row('admin')).toMatchObject({ role: 'admin' })
    expect((await s.api('/api/me', { token: w.tokens.admin })).status).toBe(200)
  })
})

describe('GET /api/users?q=', () => {
  it('finds people by name or username whatever the diacritics', async () => {
    await s.addUser({ username: 'nguyen.thi.hue', role: 'observer', displayName: 'Nguyễn Thị Huế' })
    await s.addUser({ username: 'tran.duc', role: 'observer', displayName: 'Trần Đức' })
    const find = async (q: string) =>
      (
        (await (await s.api(`/api/users?q=${encodeURIComponent(q)}`, { token: w.tokens.admin })).json()) as {
          users: { username: string }[]
        }
      ).users.map((u) => u.username)
    expect(await find('nguyen hue')).toEqual(['nguyen.thi.hue'])
    expect(await find('NGUYỄN')).toContain('nguyen.thi.hue')
    expect(await find('duc')).toEqual(['tran.duc'])
    expect(await find('đức')).toEqual(['tran.duc'])
    expect(await find('zzz')).toEqual([])
  })
})
