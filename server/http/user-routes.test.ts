// User administration over real HTTP: admin lists and creates users (with assignments); other roles are refused.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'

let s: TestServer
let w: World
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
})
afterAll(() => s.stop())

describe('/api/users', () => {
  it('admin creates an enumerator who can then sign in and see the assigned village', async () => {
    const res = await s.api('/api/users', {
      method: 'POST',
      token: w.tokens.admin,
      json: { username: 'hoa', password: 'mật khẩu dài', role: 'enumerator', villages: ['A2'], displayName: 'Phạm Thị Hoa' },
    })
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({ user: { username: 'hoa', role: 'enumerator', displayName: 'Phạm Thị Hoa' } })
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
    expect(await village.json()).toMatchObject({ code: 'request/invalid', details: { issues: [{ path: ['villages'] }] } })
    const sup = await post({ username: 'x2', password: 'long enough', role: 'supervisor' })
    expect(await sup.json()).toMatchObject({ code: 'request/invalid', details: { issues: [{ path: ['unitCode'] }] } })
  })

  it('is admin only', async () => {
    for (const token of [w.tokens.enum, w.tokens.sup, w.tokens.obs]) {
      expect((await s.api('/api/users', { token })).status).toBe(403)
      const res = await s.api('/api/users', { method: 'POST', token, json: { username: 'y', password: 'long enough', role: 'admin' } })
      expect(res.status).toBe(403)
    }
  })
})
