// Cross-cutting rules of the HTTP API: every route refuses unauthenticated callers with the one error shape,
// JSON bodies are size-limited, and unexpected failures surface as `internal` without leaking details.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JSON_BODY_LIMIT } from './app.ts'
import { startTestServer, type TestServer } from './test-support/server.ts'
import { makeWorld, type World } from './test-support/world.ts'

let s: TestServer
let w: World
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
})
afterAll(() => s.stop())

const SHA = 'a'.repeat(64)
const PROTECTED: [method: string, path: string][] = [
  ['GET', '/api/me'],
  ['POST', '/api/logout'],
  ['GET', '/api/units'],
  ['GET', '/api/villages'],
  ['GET', '/api/periods'],
  ['GET', '/api/households'],
  ['GET', '/api/households/hA1-1'],
  ['GET', '/api/households/hA1-1/history'],
  ['GET', '/api/conflicts'],
  ['POST', '/api/conflicts/c1/resolve'],
  ['GET', '/api/pins?bbox=107.5,16.4,107.65,16.5&zoom=12'],
  ['GET', '/api/users'],
  ['POST', '/api/users'],
  ['PUT', `/api/photos/${SHA}`],
  ['GET', `/api/photos/${SHA}`],
]

describe('the HTTP API', () => {
  it('refuses every protected route without a session (auth/unauthenticated)', async () => {
    for (const [method, path] of PROTECTED) {
      const body = method === 'GET' ? undefined : method === 'PUT' ? new Uint8Array([1]) : '{}'
      const res = await fetch(s.url + path, {
        method,
        body,
        headers: { 'content-type': method === 'PUT' ? 'image/jpeg' : 'application/json' },
      })
      expect(res.status, `${method} ${path}`).toBe(401)
      expect(await res.json(), `${method} ${path}`).toEqual({
        code: 'auth/unauthenticated',
        message: expect.any(String),
        details: null,
      })
    }
  })

  it('marks API answers no-store (errors included)', async () => {
    expect((await s.api('/api/households', { token: w.tokens.admin })).headers.get('cache-control')).toBe('no-store')
    expect((await s.api('/api/households')).headers.get('cache-control')).toBe('no-store')
  })

  it('refuses a forged or expired token the same way', async () => {
    const res = await s.api('/api/households', { token: 'x'.repeat(43) })
    expect(res.status).toBe(401)
  })

  it('answers a 2,000-deep nested JSON body with request/invalid, not a stack overflow (500)', async () => {
    const deep = `${'['.repeat(2000)}${']'.repeat(2000)}`
    const deepObject = `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`
    for (const [path, body] of [
      ['/api/conflicts/1/resolve', `{"value":${deep}}`],
      ['/api/conflicts/1/resolve', `{"value":${deepObject}}`],
      ['/api/users', deepObject],
      ['/api/login', `{"username":"lan","password":${deep}}`],
    ] as const) {
      const res = await s.api(path, {
        method: 'POST',
        token: w.tokens.admin,
        headers: { 'content-type': 'application/json' },
        body,
      })
      expect(res.status, path).toBe(400)
      expect(await res.json(), path).toMatchObject({
        code: 'request/invalid',
        details: { issues: [{ message: 'nested deeper than 64' }] },
      })
    }
  })

  it('refuses a body that is not application/json on JSON routes (415), and accepts bodiless posts', async () => {
    const res = await fetch(`${s.url}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.tokens.admin}`, 'content-type': 'text/plain' },
      body: JSON.stringify({ username: 'plain', password: 'a long enough password', role: 'admin' }),
    })
    expect(res.status).toBe(415)
    expect(await res.json()).toEqual({
      code: 'request/unsupported-type',
      message: expect.any(String),
      details: { contentType: 'text/plain' },
    })
    expect(s.db.prepare("SELECT COUNT(*) FROM users WHERE username = 'plain'").pluck().get()).toBe(0)
    expect((await s.api('/api/logout', { method: 'POST', token: await s.login('obs') })).status).toBe(200)
  })
  it('limits JSON bodies', async () => {
    const res = await s.api('/api/users', {
      method: 'POST',
      token: w.tokens.admin,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'x', password: 'y'.repeat(JSON_BODY_LIMIT) }),
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ code: 'request/too-large' })
  })

  it('answers a body that is not JSON with request/invalid', async () => {
    const res = await s.api('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'request/invalid' })
  })
})
