// User administration over real HTTP: admin lists and creates users (with assignments, under the password policy),
// disables/enables them and resets passwords (both end sessions, also live sync sockets); other roles are refused.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/sync/limits.ts'
import { SCOPE_CACHE_MS } from '../relay/device-connection.ts'
import { SyncClient } from '../relay/test-client.ts'
import { startTestServer, TEST_PASSWORD, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'

let s: TestServer
let w: World
let t = Date.now()
beforeAll(async () => {
  s = await startTestServer({ now: () => t })
  w = await makeWorld(s)
})
afterAll(() => s.stop())

describe('/api/users', () => {
  it('admin creates an enumerator who can then sign in and see the assigned village', async () => {
    const res = await s.api('/api/users', {
      method: 'POST',
      token: w.tokens.admin,
      json: {
        username: 'hoa',
        password: 'mật khẩu dài',
        role: 'enumerator',
        villages: ['A2'],
        displayName: 'Phạm Thị Hoa',
      },
    })
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({
      user: { username: 'hoa', role: 'enumerator', displayName: 'Phạm Thị Hoa' },
    })
    const token = await s.login('hoa', 'mật khẩu dài')
    const list = (await (await s.api('/api/households', { token })).json()) as { households: { id: string }[] }
    expect(list.households.map((h) => h.id)).toEqual(['hA2-1'])
    const users = (await (await s.api('/api/users', { token: w.tokens.admin })).json()) as {
      users: { username: string; villages: string[] }[]
    }
    expect(users.users.find((u) => u.username === 'hoa')?.villages).toEqual(['A2'])
    expect(JSON.stringify(users)).not.toContain('scrypt')
  })

  it('refuses a taken username, an unknown village, and a supervisor without a unit', async () => {
    const post = (json: unknown) => s.api('/api/users', { method: 'POST', token: w.tokens.admin, json })
    const taken = await post({ username: 'enum', password: 'long enough', role: 'admin' })
    expect(taken.status).toBe(409)
    expect(await taken.json()).toMatchObject({ code: 'user/username-taken' })
    const village = await post({ username: 'x1', password: 'long enough', role: 'enumerator', villages: ['ZZ'] })
    expect(await village.json()).toMatchObject({
      code: 'request/invalid',
      details: { issues: [{ path: ['villages'] }] },
    })
    const sup = await post({ username: 'x2', password: 'long enough', role: 'supervisor' })
    expect(await sup.json()).toMatchObject({ code: 'request/invalid', details: { issues: [{ path: ['unitCode'] }] } })
  })

  it('applies the password policy: too short, too common, too close to the username', async () => {
    const post = (username: string, password: string) =>
      s.api('/api/users', { method: 'POST', token: w.tokens.admin, json: { username, password, role: 'observer' } })
    for (const [username, password, why] of [
      ['p1', 'short', 'at least 10 characters'],
      ['p2', 'matkhau123', 'too common'],
      ['p3', 'Qwertyuiop!', 'too common'],
      ['nguyenlan', 'nguyenlan-1990', 'too close to the username'],
    ] as const) {
      const res = await post(username, password)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({
        code: 'request/invalid',
        details: { issues: [{ path: ['password'], message: why }] },
      })
    }
    expect(
      s.db.prepare("SELECT COUNT(*) FROM users WHERE username IN ('p1', 'p2', 'p3', 'nguyenlan')").pluck().get(),
    ).toBe(0)
  })

  it('is admin only; observers may read the list', async () => {
    expect((await s.api('/api/users', { token: w.tokens.obs })).status).toBe(200)
    for (const token of [w.tokens.enum, w.tokens.sup, w.tokens.obs]) {
      if (token !== w.tokens.obs) expect((await s.api('/api/users', { token })).status).toBe(403)
      const res = await s.api('/api/users', {
        method: 'POST',
        token,
        json: { username: 'y', password: 'long enough', role: 'admin' },
      })
      expect(res.status).toBe(403)
      for (const action of ['disable', 'enable', 'unlock']) {
        expect((await s.api(`/api/users/obs/${action}`, { method: 'POST', token })).status).toBe(403)
      }
      const reset = await s.api('/api/users/enum/password', {
        method: 'POST',
        token,
        json: { password: 'a new long password' },
      })
      expect(reset.status).toBe(403)
    }
    expect(s.db.prepare("SELECT disabled FROM users WHERE username = 'obs'").pluck().get()).toBe(0)
  })
})

describe('disable, enable, password reset', () => {
  it('disabling ends the sessions and live sync sockets, and refuses sign-in until enabled again', async () => {
    await s.addUser({ username: 'vy', role: 'enumerator', villages: ['A1'] })
    const token = await s.login('vy')
    const device = await SyncClient.connect({ url: s.url, token })
    expect(await device.hello()).toMatchObject({ type: 'welcome' })
    const res = await s.api('/api/users/vy/disable', { method: 'POST', token: w.tokens.admin })
    expect(await res.json()).toEqual({ username: 'vy', disabled: true, sessionsEnded: 1 })
    expect((await s.api('/api/me', { token })).status).toBe(401)
    expect(
      (await s.api('/api/login', { method: 'POST', json: { username: 'vy', password: TEST_PASSWORD } })).status,
    ).toBe(401)
    t += SCOPE_CACHE_MS // the relay re-checks a socket's session at most this often
    void device.hello().catch(() => undefined) // any frame: the relay re-checks the session and closes the socket
    expect(await device.closed()).toBe(CloseCode.UNAUTHENTICATED)
    const listed = (await (await s.api('/api/users', { token: w.tokens.admin })).json()) as {
      users: { username: string; disabled: boolean }[]
    }
    expect(listed.users.find((u) => u.username === 'vy')?.disabled).toBe(true)

    const on = await s.api('/api/users/vy/enable', { method: 'POST', token: w.tokens.admin })
    expect(await on.json()).toEqual({ username: 'vy', disabled: false, sessionsEnded: 0 })
    await s.login('vy')
  })

  it('an admin cannot disable their own account; unknown users answer user/not-found', async () => {
    const self = await s.api('/api/users/admin/disable', { method: 'POST', token: w.tokens.admin })
    expect(self.status).toBe(409)
    expect(await self.json()).toMatchObject({ code: 'user/own-account' })
    const unknown = await s.api('/api/users/nobody/disable', { method: 'POST', token: w.tokens.admin })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ code: 'user/not-found', details: { username: 'nobody' } })
  })

  it('a reset sets a new password under the policy and ends every session of the user', async () => {
    await s.addUser({ username: 'duc', role: 'observer' })
    const old = await s.login('duc')
    const reset = (password: string) =>
      s.api('/api/users/duc/password', { method: 'POST', token: w.tokens.admin, json: { password } })
    const weak = await reset('iloveyou12')
    expect(await weak.json()).toMatchObject({
      code: 'request/invalid',
      details: { issues: [{ path: ['password'], message: 'too common' }] },
    })
    expect((await s.api('/api/me', { token: old })).status).toBe(200) // nothing changed
    const ok = await reset('đồi Vọng Cảnh')
    expect(await ok.json()).toEqual({ username: 'duc', sessionsEnded: 1 })
    expect((await s.api('/api/me', { token: old })).status).toBe(401)
    expect(
      (await s.api('/api/login', { method: 'POST', json: { username: 'duc', password: TEST_PASSWORD } })).status,
    ).toBe(401)
    await s.login('duc', 'đồi Vọng Cảnh')
    expect(
      (
        await s.api('/api/users/nobody/password', {
          method: 'POST',
          token: w.tokens.admin,
          json: { password: 'đồi Vọng Cảnh' },
        })
      ).status,
    ).toBe(404)
  })
})
