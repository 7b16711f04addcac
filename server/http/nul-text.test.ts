// Text holding U+0000 is refused at the door with the JSON path, on both engines alike (PostgreSQL's TEXT cannot
// store it; without the check a body or query with it reached the database there and answered 500).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestServer, TEST_PASSWORD, type TestServer } from '../test-support/server.ts'

let s: TestServer
let adminToken: string
beforeAll(async () => {
  s = await startTestServer()
  await s.addUser({ username: 'lan', role: 'admin' })
  adminToken = await s.login('lan')
})
afterAll(() => s.stop())

it('a JSON body with U+0000 in a string is request/invalid naming its path; nothing else is read', async () => {
  const res = await s.api('/api/login', { method: 'POST', json: { username: 'lan\u0000', password: TEST_PASSWORD } })
  expect(res.status).toBe(400)
  expect(await res.json()).toMatchObject({
    code: 'request/invalid',
    details: { issues: [{ path: ['username'], message: 'contains U+0000' }] },
  })
})

it('a query parameter with U+0000 is request/invalid naming the parameter', async () => {
  const res = await s.api('/api/users?q=nguy%00en', { headers: { authorization: `Bearer ${adminToken}` } })
  expect(res.status).toBe(400)
  expect(await res.json()).toMatchObject({ code: 'request/invalid', details: { issues: [{ path: ['q'] }] } })
  const ok = await s.api('/api/users?q=lan', { headers: { authorization: `Bearer ${adminToken}` } })
  expect(ok.status).toBe(200)
})
