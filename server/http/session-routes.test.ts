// Sign-in over real HTTP: login ok/bad password, per-username rate limit, cookie, me, logout invalidates the token.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, TEST_PASSWORD, type TestServer } from '../test-support/server.ts'

let s: TestServer
beforeAll(async () => {
  s = await startTestServer()
  await s.addUser({ username: 'lan', role: 'admin' })
  await s.addUser({ username: 'minh', role: 'admin' })
})
afterAll(() => s.stop())

describe('POST /api/login', () => {
  it('returns a token and the user, and sets an HttpOnly SameSite=Strict cookie', async () => {
    const res = await s.api('/api/login', { method: 'POST', json: { username: 'lan', password: TEST_PASSWORD } })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { token: string; user: { username: string; role: string } }
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(body.user).toMatchObject({ username: 'lan', role: 'admin', unitCode: null })
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toContain(`rasoat_session=${body.token}`)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    // The cookie alone authenticates.
    const me = await s.api('/api/me', { headers: { cookie: `rasoat_session=${body.token}` } })
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('lan')
  })

  it('stores only the hash of the token', async () => {
    const token = await s.login('lan')
    const raw = s.db.prepare('SELECT COUNT(*) AS n FROM sessions WHERE token_hash = ?').get(token) as { n: number }
    expect(raw.n).toBe(0)
  })

  it('refuses a wrong password and an unknown user with the same error', async () => {
    for (const json of [
      { username: 'lan', password: 'wrong password' },
      { username: 'nobody', password: 'wrong password' },
    ]) {
      const res = await s.api('/api/login', { method: 'POST', json })
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ code: 'auth/invalid-credentials', message: expect.any(String), details: null })
    }
  })

  it('rate-limits failed logins per username, not for other usernames', async () => {
    const attempt = (username: string, password: string) =>
      s.api('/api/login', { method: 'POST', json: { username, password } })
    for (let i = 0; i < 5; i++) expect((await attempt('minh', 'nope-nope')).status).toBe(401)
    const limited = await attempt('minh', TEST_PASSWORD) // even the right password waits
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await limited.json()).toMatchObject({ code: 'rate/limited', details: { retryAfterS: expect.any(Number) } })
    expect((await attempt('lan', TEST_PASSWORD)).status).toBe(200)
  })

  it('rejects a malformed body as request/invalid with zod paths', async () => {
    const res = await s.api('/api/login', { method: 'POST', json: { username: 'lan' } })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { code: string; details: { issues: { path: string[] }[] } }
    expect(body.code).toBe('request/invalid')
    expect(body.details.issues[0]?.path).toEqual(['password'])
  })
})

describe('GET /api/me and POST /api/logout', () => {
  it('me returns the user for a bearer token; logout invalidates it', async () => {
    const token = await s.login('lan')
    const me = await s.api('/api/me', { token })
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ user: { username: 'lan', role: 'admin' } })
    expect((await s.api('/api/logout', { method: 'POST', token })).status).toBe(200)
    const after = await s.api('/api/me', { token })
    expect(after.status).toBe(401)
    expect(await after.json()).toMatchObject({ code: 'auth/unauthenticated' })
  })

  it('accepts ?token= (WebSocket upgrades cannot set headers)', async () => {
    const token = await s.login('lan')
    expect((await s.api(`/api/me?token=${encodeURIComponent(token)}`)).status).toBe(200)
  })
})
