// The relay answers "is this household's period closed?" from memory on every update: a close through the admin API
// is seen by the very next edit, and a close by another process (the command line) within CLOSED_PERIODS_RECHECK_MS.
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { User } from '../auth/access.ts'
import { openDb } from '../db/open.ts'
import { databaseFile } from '../server.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { callApi, seedExample } from '../test-support/period-fixtures.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from '../relay/test-client.ts'
import { CLOSED_PERIODS_RECHECK_MS } from './period-store.ts'

let server: RelayTestServer
let admin: { user: User; token: string }
let enumerator: { user: User; token: string }
const clients: SyncClient[] = []

beforeEach(async () => {
  const start = Date.now()
  server = await startRelayServer({ now: () => start }) // time stands still unless the test advances it
  seedExample(server, 'poor', 'h-poor', 'vp')
  admin = await server.addUser('admin', 'admin')
  enumerator = await server.addUser('enum', 'enumerator', { villages: ['vp'] })
})
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close()
  await server.stop()
})

/** A phone holding h-poor: connected, manifest answered, a replica of the record to edit. */
async function phoneWithRecord(): Promise<{ phone: SyncClient; replica: DeviceReplica }> {
  const phone = await SyncClient.connect({ url: server.url, token: enumerator.token, deviceId: 'phone-1' })
  clients.push(phone)
  await phone.hello()
  await phone.manifest([])
  const replica = new DeviceReplica(424_242)
  for (const u of phone.updates.get('h-poor') ?? []) replica.apply(u)
  return { phone, replica }
}

it('PF1 an edit right after the period is closed through the admin API is refused (sync/period-closed), though the edit before it was accepted', async () => {
  const { phone, replica } = await phoneWithRecord()
  replica.setAddress('Trước khi khóa sổ')
  expect(await phone.sendUpdate('h-poor', replica.take())).toMatchObject({ type: 'ack', householdId: 'h-poor' })

  // 2026 opened and made current (the phone is reconnected), then 2025 closed.
  const api = (path: string, body: unknown) => callApi(server.url, path, admin.token, body)
  expect(
    (await api('/api/periods', { id: '2026', standard: 'ND07_2022_2025', referenceDate: '2026-09-01' })).status,
  ).toBe(201)
  expect((await api('/api/periods/2026/current', {})).status).toBe(200)
  expect((await api('/api/periods/2025/close', {})).status).toBe(200)

  // The clock has not moved: only the close itself can have told the relay.
  const again = await SyncClient.connect({ url: server.url, token: enumerator.token, deviceId: 'phone-1' })
  clients.push(again)
  await again.hello()
  await again.manifest([['h-poor', 2]])
  replica.setAddress('Sau khi khóa sổ')
  expect(await again.sendUpdate('h-poor', replica.take())).toMatchObject({
    type: 'error',
    code: 'sync/period-closed',
    householdId: 'h-poor',
  })
})

it('PF2 a close by another process is seen once CLOSED_PERIODS_RECHECK_MS have passed', async () => {
  const { phone, replica } = await phoneWithRecord()
  replica.setAddress('Trước khi khóa sổ')
  expect(await phone.sendUpdate('h-poor', replica.take())).toMatchObject({ type: 'ack' })

  const other = openDb(databaseFile(server.dataDir)) // as `npm run cli -- close-period` does, beside the server
  other.prepare(`UPDATE periods SET status = 'closed', closed_at = 1 WHERE id = '2025'`).run()
  other.close()
  server.clock.advance(CLOSED_PERIODS_RECHECK_MS)

  replica.setAddress('Sau khi khóa sổ')
  expect(await phone.sendUpdate('h-poor', replica.take())).toMatchObject({ type: 'error', code: 'sync/period-closed' })
})
