// POST /api/assignments/move and GET /api/assignments on the real server: who may move what (supervisors within their
// commune, to an active enumerator of it; admins anywhere), all-or-nothing validation with stable codes, and the HTTP
// scope that follows a household-level assignee.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { User } from '../auth/access.ts'
import { startRelayServer, TEST_UNIT, type RelayTestServer } from '../test-support/relay-server.ts'

const OTHER_UNIT = '20014'
let server: RelayTestServer
type Login = { user: User; token: string }
let a: Login, b: Login, far: Login, sup: Login, admin: Login, obs: Login, otherSup: Login

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('va')
  server.addVillage('vb')
  server.addVillage('vx', OTHER_UNIT)
  server.seedHouseholds(['ha-1', 'ha-2', 'ha-3'], 'va')
  server.seedHouseholds(['hb-1'], 'vb')
  server.seedHouseholds(['hx-1'], 'vx', OTHER_UNIT)
  a = await server.addUser('enum-a', 'enumerator', { villages: ['va'] })
  b = await server.addUser('enum-b', 'enumerator', { villages: ['vb'] })
  far = await server.addUser('enum-far', 'enumerator', { villages: ['vx'] })
  sup = await server.addUser('sup', 'supervisor', { unitCode: TEST_UNIT })
  otherSup = await server.addUser('sup-x', 'supervisor', { unitCode: OTHER_UNIT })
  admin = await server.addUser('admin', 'admin')
  obs = await server.addUser('obs', 'observer')
})
afterAll(async () => server.stop())

async function call(
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}
const move = (body: unknown, token = sup.token) => call('POST', '/api/assignments/move', token, body)

/** Everything a move could change, to show a refused one changed nothing. */
function snapshot(): unknown {
  const db = server.db
  return [
    db.prepare('SELECT user_id, village_id FROM assignments ORDER BY 1, 2').all(),
    db.prepare('SELECT id, assignee_id FROM households ORDER BY id').all(),
    db.prepare('SELECT * FROM released_households ORDER BY 1, 2').all(),
  ]
}

it("AM1: a move out of the supervisor's commune is refused with assignment/out-of-scope and changes nothing", async () => {
  const before = snapshot()
  // a household of another commune, even together with one of their own
  expect(await move({ households: ['ha-1', 'hx-1'], to: b.user.id })).toMatchObject({
    status: 403,
    json: { code: 'assignment/out-of-scope', details: { ids: ['hx-1'] } },
  })
  expect(await move({ villages: ['vx'], to: b.user.id })).toMatchObject({
    status: 403,
    json: { code: 'assignment/out-of-scope' },
  })
  // an enumerator who works in another commune
  expect(await move({ households: ['ha-1'], to: far.user.id })).toMatchObject({
    status: 403,
    json: { code: 'assignment/out-of-scope', details: { to: far.user.id } },
  })
  expect(snapshot()).toEqual(before)
})

it('AM2: a move to someone who is not an active enumerator is refused with assignment/not-an-enumerator', async () => {
  const before = snapshot()
  for (const to of [sup.user.id, admin.user.id, obs.user.id, 'no-such-user']) {
    expect(await move({ households: ['ha-1'], to })).toMatchObject({
      status: 409,
      json: { code: 'assignment/not-an-enumerator' },
    })
  }
  const off = await server.addUser('enum-off', 'enumerator', { villages: ['vb'] })
  server.db.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(off.user.id)
  expect(await move({ households: ['ha-1'], to: off.user.id })).toMatchObject({
    status: 409,
    json: { code: 'assignment/not-an-enumerator' },
  })
  server.db.prepare('DELETE FROM assignments WHERE user_id = ?').run(off.user.id)
  expect(snapshot()).toEqual(before)
})

it('AM3: roles, bodies, unknown ids and a wrong `from` are refused with their codes, all or nothing', async () => {
  const before = snapshot()
  expect((await move({ households: ['ha-1'], to: b.user.id }, a.token)).json.code).toBe('auth/forbidden')
  expect((await move({ households: ['ha-1'], to: b.user.id }, obs.token)).json.code).toBe('auth/forbidden')
  expect(await move({ to: b.user.id })).toMatchObject({ status: 400, json: { code: 'request/invalid' } })
  expect(await move({ households: ['ha-1'], to: b.user.id, extra: 1 })).toMatchObject({
    status: 400,
    json: { code: 'request/invalid' },
  })
  expect(await move({ households: 'ha-1', to: b.user.id })).toMatchObject({
    status: 400,
    json: { code: 'request/invalid' },
  })
  expect(await move({ households: ['ha-1', 'nope'], to: b.user.id })).toMatchObject({
    status: 404,
    json: { code: 'household/not-found', details: { ids: ['nope'] } },
  })
  expect(await move({ villages: ['nope'], to: b.user.id })).toMatchObject({
    status: 404,
    json: { code: 'village/not-found' },
  })
  expect(await move({ households: ['ha-1', 'hb-1'], from: a.user.id, to: b.user.id })).toMatchObject({
    status: 409,
    json: { code: 'assignment/not-held', details: { ids: ['hb-1'] } },
  })
  expect(await move({ villages: ['vb'], from: a.user.id, to: b.user.id })).toMatchObject({
    status: 409,
    json: { code: 'assignment/not-held' },
  })
  expect(snapshot()).toEqual(before)
})

it('AM4: a moved household follows its new assignee in every HTTP scope; GET /api/assignments lists who holds what', async () => {
  expect(await move({ households: ['ha-3'], from: a.user.id, to: b.user.id })).toMatchObject({
    status: 200,
    json: { households: 1, released: 1 },
  })
  const list = (token: string) =>
    call('GET', '/api/households?limit=100', token).then((r) =>
      (r.json.households as { id: string }[]).map((h) => h.id).sort(),
    )
  expect(await list(b.token)).toEqual(['ha-3', 'hb-1'])
  expect(await list(a.token)).toEqual(['ha-1', 'ha-2'])
  expect((await call('GET', '/api/households/ha-3', a.token)).json.code).toBe('auth/forbidden')
  expect((await call('GET', '/api/households/ha-3', b.token)).status).toBe(200)

  const held = await call('GET', '/api/assignments', sup.token)
  expect(held.status).toBe(200)
  expect(held.json).toMatchObject({
    unit: TEST_UNIT,
    villages: [
      { id: 'va', enumerators: [a.user.id] },
      { id: 'vb', enumerators: [b.user.id] },
    ],
    households: [{ id: 'ha-3', villageId: 'va', assigneeId: b.user.id }],
    released: [{ householdId: 'ha-3', userId: a.user.id }],
  })
  expect((held.json.enumerators as { username: string }[]).map((e) => e.username)).toEqual(['enum-a', 'enum-b'])
  expect((await call('GET', `/api/assignments?unit=${OTHER_UNIT}`, sup.token)).json.code).toBe('auth/forbidden')
  expect((await call('GET', '/api/assignments', admin.token)).json.code).toBe('request/invalid')
  expect((await call('GET', `/api/assignments?unit=${OTHER_UNIT}`, otherSup.token)).json).toMatchObject({
    villages: [{ id: 'vx', enumerators: [far.user.id] }],
  })

  // Back to A: A's grant goes (it holds the household again), B gets one.
  expect(await move({ households: ['ha-3'], to: a.user.id })).toMatchObject({ status: 200, json: { released: 1 } })
  expect(
    server.db.prepare("SELECT user_id FROM released_households WHERE household_id = 'ha-3'").pluck().all(),
  ).toEqual([b.user.id])
})

it('AM5: an admin moves a whole village across communes; without `from` it replaces every enumerator of the village', async () => {
  const res = await move({ villages: ['vx'], to: b.user.id }, admin.token)
  expect(res).toMatchObject({ status: 200, json: { villages: 1, householdsInVillages: 1, released: 1 } })
  expect(server.db.prepare("SELECT user_id FROM assignments WHERE village_id = 'vx'").pluck().all()).toEqual([
    b.user.id,
  ])
  expect(server.access.canRead(b.user, 'hx-1')).toBe(true)
  expect(server.access.canRead(far.user, 'hx-1')).toBe(false)
  expect(server.access.canWrite(far.user, 'hx-1')).toBe(true) // the release grant
})
