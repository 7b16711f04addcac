// Per-connection rate limits: the token bucket on an injected clock, and the update budget — a device over it gets
// household-scoped sync/overloaded (retryable) while another device of the same user keeps syncing (frozen clock).
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createApp } from '../app.ts'
import { createAccess } from '../auth/access.ts'
import { createSession } from '../auth/sessions.ts'
import { createUser } from '../auth/users.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { ensureReferenceData } from '../db/reference-data.ts'
import { createDocStore } from '../store/doc-store.ts'
import { createRelay, type Relay } from './index.ts'
import { createRateLimiter, DEFAULT_RATES } from './rate-limit.ts'
import { DeviceReplica, householdUpdate } from '../test-support/household-fixture.ts'
import { TEST_UNIT } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

let dir: string
let db: Db
let relay: Relay
let server: ServerType
let url: string
let token: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-rate-'))
  db = openDb(join(dir, 'rasoat.db'))
  migrate(db, migrations)
  ensureReferenceData(db)
  db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?)').run('vr', TEST_UNIT, 'Thôn R')
  const docStore = createDocStore(db)
  db.transaction(() =>
    docStore.createHousehold(
      { id: 'hr-1', period: '2025', unitCode: TEST_UNIT, villageId: 'vr' },
      householdUpdate({ id: 'hr-1', headName: 'R', village: 'vr' }),
      'seed',
    ),
  )()
  const user = await createUser(db, {
    username: 'lan',
    password: 'correct horse battery',
    role: 'enumerator',
    villages: ['vr'],
  })
  token = createSession(db, user.id).token
  const frozen = Date.now()
  relay = createRelay({
    db,
    access: createAccess(db),
    docStore,
    now: () => frozen,
    limits: { rates: { update: { perSecond: 1, burst: 3 } } },
    onError: () => {},
  })
  const app = createApp({
    db,
    access: createAccess(db),
    relay,
    version: 'test',
    clientDir: join(dir, 'none'),
    photosDir: join(dir, 'photos'),
    logError: () => {},
  })
  server = await new Promise((ok) => {
    const s = serve({ fetch: app.app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(s))
  })
  app.injectWebSocket(server)
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await relay.close()
  await new Promise<void>((ok) => {
    server.close(() => ok())
    if ('closeAllConnections' in server) server.closeAllConnections()
  })
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

it('a connection over its update budget gets sync/overloaded per update; other connections are unaffected', async () => {
  const busy = await SyncClient.connect({ url, token, deviceId: 'lan-1' })
  await busy.hello()
  await busy.manifest([])
  const r = new DeviceReplica(80_001)
  for (const u of busy.updates.get('hr-1') ?? []) r.apply(u)
  const answers = []
  for (let i = 0; i < 5; i++) {
    r.setAddress(`burst ${i}`)
    answers.push(await busy.sendUpdate('hr-1', r.take()))
  }
  expect(answers.map((a) => (a.type === 'error' ? a.code : a.type))).toEqual([
    'ack',
    'ack',
    'ack',
    'sync/overloaded',
    'sync/overloaded',
  ])

  const other = await SyncClient.connect({ url, token, deviceId: 'lan-2' })
  await other.hello()
  await other.manifest([])
  const r2 = new DeviceReplica(80_002)
  for (const u of other.updates.get('hr-1') ?? []) r2.apply(u)
  r2.setAddress('other device')
  expect(await other.sendUpdate('hr-1', r2.take())).toMatchObject({ type: 'ack' })
  await Promise.all([busy.close(), other.close()])
})

it('a bucket refills from the injected clock, never above its burst; kinds do not share tokens', () => {
  let t = 0
  const limiter = createRateLimiter({ ...DEFAULT_RATES, update: { perSecond: 2, burst: 3 } }, () => t)
  expect([1, 2, 3, 4].map(() => limiter.take('update'))).toEqual([true, true, true, false])
  expect(limiter.take('read')).toBe(true)
  t += 500 // one token
  expect([limiter.take('update'), limiter.take('update')]).toEqual([true, false])
  t += 60_000
  expect([1, 2, 3, 4].map(() => limiter.take('update'))).toEqual([true, true, true, false])
})
