// Sign-in over real HTTP: login ok/bad password, the limits (counted before the check, growing delay, admin unlock,
// the wait in the answer), the cookie (Secure behind TLS), me, logout, and ?token= accepted only on WebSocket upgrades.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SyncClient } from '../relay/test-client.ts'
import { startTestServer, TEST_PASSWORD, type TestServer } from '../test-support/server.ts'

let s: TestServer
let t = Date.now()
let adminToken: string
beforeAll(async () => {
  s = await startTestServer({ now: () => t })
  await s.addUser({ username: 'lan', role: 'admin' })
  await s.addUser({ username: 'minh', role: 'admin' })
  await s.addUser({ username: 'thu', role: 'observer' })
  await s.addUser({ username: 'khoa', role: 'observer' })
  adminToken = await s.login('lan')
})
afterAll(() => s.stop())

const attempt = (username: string, password: string) =>
  s.api('/api/login', { method: 'POST', json: { username, password } })

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
    expect(cookie).not.toContain('Secure') // plain HTTP, not told about a TLS proxy
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

  it('40 parallel logins on one account: exactly 5 password checks, the rest refused — the correct password too', async () => {
    const statuses: number[] = []
    let firstRefusal: () => void = () => undefined
    const refused = new Promise<void>((done) => (firstRefusal = done))
    const wrong = Array.from({ length: 39 }, async (_, i) => {
      const res = await attempt('minh', `wrong password ${i}`)
      statuses.push(res.status)
      if (res.status === 429) firstRefusal()
    })
    // Send the right password while the wrong ones are still being checked (a refusal means the budget is taken).
    await Promise.race([refused, Promise.all(wrong)])
    const right = await attempt('minh', TEST_PASSWORD)
    await Promise.all(wrong)
    expect(statuses.filter((x) => x === 401)).toHaveLength(5)
    expect(statuses.filter((x) => x === 429)).toHaveLength(34)
    expect(right.status).toBe(429)
    expect(await right.json()).toMatchObject({ code: 'rate/limited', details: { scope: 'account' } })
    expect((await attempt('lan', TEST_PASSWORD)).status).toBe(200) // other accounts are not affected
  })

  it('the delay grows instead of locking the account; the answer says how long; the right password works after it', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt('thu', 'nope-nope-nope')).status).toBe(401)
    const locked = await attempt('thu', TEST_PASSWORD)
    expect(locked.status).toBe(429)
    expect(locked.headers.get('retry-after')).toBe('30')
    const body = (await locked.json()) as { message: string; details: unknown }
    expect(body.details).toEqual({ retryAfterS: 30, scope: 'account' })
    expect(body.message).toContain('try again in 30 s')
    t += 30_000
    expect((await attempt('thu', 'nope-nope-nope')).status).toBe(401) // one check after the wait
    const longer = await attempt('thu', TEST_PASSWORD)
    expect(await longer.json()).toMatchObject({ details: { retryAfterS: 60 } })
    t += 60_000
    expect((await attempt('thu', TEST_PASSWORD)).status).toBe(200)
    expect((await attempt('thu', 'nope-nope-nope')).status).toBe(401) // the success started afresh
  })

  it('an admin lifts the delay at once; others may not; unknown users answer user/not-found', async () => {
    for (let i = 0; i < 5; i++) await attempt('khoa', 'nope-nope-nope')
    expect((await attempt('khoa', TEST_PASSWORD)).status).toBe(429)
    const list = (await (await s.api('/api/users', { token: adminToken })).json()) as {
      users: { username: string; signInDelayS: number }[]
    }
    expect(list.users.find((u) => u.username === 'khoa')?.signInDelayS).toBe(30)
    const observer = await s.login('thu')
    expect((await s.api('/api/users/khoa/unlock', { method: 'POST', token: observer })).status).toBe(403)
    const unlock = await s.api('/api/users/khoa/unlock', { method: 'POST', token: adminToken })
    expect(await unlock.json()).toEqual({ username: 'khoa', wasDelayed: true })
    expect((await attempt('khoa', TEST_PASSWORD)).status).toBe(200)
    const unknown = await s.api('/api/users/nobody/unlock', { method: 'POST', token: adminToken })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ code: 'user/not-found' })
  })

  it('a device the account used before has its own budget: failures from elsewhere do not delay it', async () => {
    await s.addUser({ username: 'hoa', role: 'observer' })
    const fromDevice = (password: string, deviceId?: string) =>
      s.api('/api/login', { method: 'POST', json: { username: 'hoa', password, ...(deviceId ? { deviceId } : {}) } })
    expect((await fromDevice(TEST_PASSWORD, 'phone-of-hoa')).status).toBe(200)
    for (let i = 0; i < 5; i++) expect((await fromDevice('guessing-from-afar')).status).toBe(401)
    expect((await fromDevice(TEST_PASSWORD)).status).toBe(429)
    expect((await fromDevice(TEST_PASSWORD, 'a-made-up-device')).status).toBe(429) // unknown devices share the account's budget
    expect((await fromDevice(TEST_PASSWORD, 'phone-of-hoa')).status).toBe(200)
    // The known device is limited too, on its own count; an admin unlock lifts both.
    for (let i = 0; i < 5; i++) expect((await fromDevice('mistyped-on-phone', 'phone-of-hoa')).status).toBe(401)
    expect((await fromDevice(TEST_PASSWORD, 'phone-of-hoa')).status).toBe(429)
    expect(await (await s.api('/api/users/hoa/unlock', { method: 'POST', token: adminToken })).json()).toEqual({
      username: 'hoa',
      wasDelayed: true,
    })
    expect((await fromDevice(TEST_PASSWORD, 'phone-of-hoa')).status).toBe(200)
    expect((await fromDevice(TEST_PASSWORD)).status).toBe(200)
  })

  it('rejects a malformed body as request/invalid with zod paths', async () => {
    const res = await s.api('/api/login', { method: 'POST', json: { username: 'lan' } })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { code: string; details: { issues: { path: string[] }[] } }
    expect(body.code).toBe('request/invalid')
    expect(body.details.issues[0]?.path).toEqual(['password'])
  })

  it('accepts only application/json bodies (a cross-site form cannot sign in or out)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await fetch(`${s.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: JSON.stringify({ username: 'lan', password: TEST_PASSWORD }),
      })
      expect(res.status, type).toBe(415)
      expect(await res.json()).toMatchObject({ code: 'request/unsupported-type' })
    }
    const charset = await s.api('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ username: 'lan', password: TEST_PASSWORD }),
    })
    expect(charset.status).toBe(200)
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

  it('accepts ?token= on WebSocket upgrades only (a token in a URL ends up in logs)', async () => {
    const token = await s.login('lan')
    const me = await s.api(`/api/me?token=${encodeURIComponent(token)}`)
    expect(me.status).toBe(401)
    const device = await SyncClient.connect({ url: s.url, token })
    expect(await device.hello()).toMatchObject({ type: 'welcome' })
    await device.close()
  })
})

describe('behind a TLS reverse proxy (TRUST_PROXY)', () => {
  it('marks the session cookie Secure', async () => {
    const p = await startTestServer({ trustProxy: true })
    try {
      await p.addUser({ username: 'lan', role: 'admin' })
      const res = await p.api('/api/login', { method: 'POST', json: { username: 'lan', password: TEST_PASSWORD } })
      expect(res.headers.get('set-cookie')).toMatch(/; Secure/)
    } finally {
      await p.stop()
    }
  })
})
