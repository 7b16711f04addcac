// The audit log over real HTTP on a real database: logins, failed logins (username, address, reason) and user changes
// are recorded; admins and observers search, page and export them as CSV with a BOM; other roles are refused.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'
import type { AuditEntry } from './audit-log.ts'

let s: TestServer
let w: World
let t = Date.parse('2026-11-20T08:00:00Z')
beforeAll(async () => {
  s = await startTestServer({ now: () => t })
  w = await makeWorld(s)
})
afterAll(() => s.stop())

type Page = { entries: AuditEntry[]; nextCursor: number | null }
const audit = async (query: string, token = w.tokens.admin): Promise<Page> => {
  const res = await s.api(`/api/audit${query}`, { token })
  expect(res.status).toBe(200)
  return (await res.json()) as Page
}

describe('/api/audit', () => {
  it('records logins, failed logins with the reason and address, and user changes by the admin', async () => {
    t += 60_000
    const bad = await s.api('/api/login', { method: 'POST', json: { username: 'enum', password: 'wrong password' } })
    expect(bad.status).toBe(401)
    const unknown = await s.api('/api/login', {
      method: 'POST',
      json: { username: 'nobody', password: 'whatever pass' },
    })
    expect(unknown.status).toBe(401)
    const created = await s.api('/api/users', {
      method: 'POST',
      token: w.tokens.admin,
      json: { username: 'thu', password: 'mật khẩu dài', role: 'observer' },
    })
    expect(created.status).toBe(201)
    expect((await s.api('/api/users/thu/disable', { method: 'POST', token: w.tokens.admin })).status).toBe(200)
    expect((await s.api('/api/users/thu/enable', { method: 'POST', token: w.tokens.admin })).status).toBe(200)
    expect(
      (
        await s.api('/api/users/thu/password', {
          method: 'POST',
          token: w.tokens.admin,
          json: { password: 'một mật khẩu khác' },
        })
      ).status,
    ).toBe(200)
    expect((await s.api('/api/users/enum/unlock', { method: 'POST', token: w.tokens.admin })).status).toBe(200)

    const failed = await audit('?action=login-failed')
    expect(failed.entries.map((e) => [e.target, e.details['reason'], e.address])).toEqual([
      ['nobody', 'invalid-credentials', '127.0.0.1'],
      ['enum', 'invalid-credentials', '127.0.0.1'],
    ])
    const logins = await audit('?action=login&user=admin')
    expect(logins.entries).toHaveLength(1)
    const changes = (await audit('?q=thu')).entries.map((e) => e.action)
    expect(changes).toEqual(['user-password-reset', 'user-enable', 'user-disable', 'user-create'])
    const unlock = await audit('?action=user-unlock')
    expect(unlock.entries[0]).toMatchObject({ username: 'admin', target: 'enum' })
  })

  it('pages newest first with a cursor and filters by time', async () => {
    const first = await audit('?limit=3')
    expect(first.entries).toHaveLength(3)
    expect(first.nextCursor).toBe(first.entries[2]?.id)
    const second = await audit(`?limit=3&cursor=${first.nextCursor}`)
    expect(second.entries[0]?.id).toBeLessThan(first.entries[2]?.id ?? 0)
    const all = await audit('?limit=500')
    expect(all.nextCursor).toBeNull()
    const later = await audit(`?from=${new Date(Date.parse('2026-11-20T08:00:30Z')).toISOString()}`)
    expect(later.entries.length).toBeLessThan(all.entries.length)
    expect(later.entries.every((e) => e.at >= Date.parse('2026-11-20T08:00:30Z'))).toBe(true)
  })

  it('exports CSV with a BOM, formulae escaped', async () => {
    await s.api('/api/login', { method: 'POST', json: { username: '=cmd()', password: 'whatever pass' } })
    const res = await s.api('/api/audit.csv?action=login-failed', { token: w.tokens.admin })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
    const lines = text.slice(1).trim().split('\r\n')
    expect(lines[0]).toBe('id,at,action,user,address,target,details')
    expect(lines).toHaveLength(4)
    expect(text).toContain(`"'=cmd()"`)
  })

  it('observers read it too; enumerators and supervisors are refused, and bad filters with request/invalid', async () => {
    expect((await s.api('/api/audit', { token: w.tokens.obs })).status).toBe(200)
    expect((await s.api('/api/audit.csv', { token: w.tokens.obs })).status).toBe(200)
    for (const token of [w.tokens.enum, w.tokens.sup]) {
      expect((await s.api('/api/audit', { token })).status).toBe(403)
      expect((await s.api('/api/audit.csv', { token })).status).toBe(403)
    }
    expect((await s.api('/api/audit')).status).toBe(401)
    const bad = await s.api('/api/audit?action=drop-table', { token: w.tokens.admin })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ code: 'request/invalid' })
  })
})
