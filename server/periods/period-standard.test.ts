// A period names its standard (DOMAIN.md §3): a 2026 period opened under ND351 classifies its households with ND351,
// not with the standard the year 2026 would pick (ND07). Real server on port 0, real SQLite file, real WebSocket client.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { recordCategory } from '../../shared/doc/record-category.ts'
import { replicaFrom } from '../test-support/sync-world.ts'
import { callApi, seedExample } from '../test-support/period-fixtures.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from '../relay/test-client.ts'

let server: RelayTestServer
let enumToken = ''

beforeAll(async () => {
  server = await startRelayServer()
  const admin = await server.addUser('admin', 'admin')
  const opened = await callApi(server.url, '/api/periods', admin.token, {
    id: '2026',
    standard: 'ND351_2027_2030',
    referenceDate: '2026-09-01',
  })
  expect(opened.status).toBe(201)
  expect((await callApi(server.url, '/api/periods/2026/current', admin.token, {})).status).toBe(200)
  // The documented poor rural household (10 deprivations under ND351), as a record of 2026.
  seedExample(server, 'poor', 'h-2026', 'v26', '2026')
  enumToken = (await server.addUser('an', 'enumerator', { villages: ['v26'] })).token
})
afterAll(() => server.stop())

it('PSD1 a household of a 2026 period opened under ND351, committed through the relay, gets the ND351 category', async () => {
  const c = await SyncClient.connect({ url: server.url, token: enumToken, deviceId: 'phone-26' })
  await c.hello()
  await c.manifest([])
  const r = replicaFrom(c, 'h-2026', 2601)
  // 2,000,000 a month: above ND07's rural line (1,500,000; average band), at or below ND351's (2,200,000; poor).
  expect(r.household.setIncome({ perCapitaMonthly: 2_000_000 })).toEqual({ ok: true })
  expect(await c.sendUpdate('h-2026', r.take())).toMatchObject({ type: 'ack' })
  await c.close()

  const row = server.db.prepare("SELECT category FROM households WHERE id = 'h-2026'").pluck().get()
  expect(row).toBe('poor')
  // The year rule alone would have said ND07's average band: the period's standard decided.
  const snap = r.household.read()
  expect(recordCategory(snap).classification?.standard).toBe('ND07_2022_2025')
  expect(recordCategory(snap).category).toBe('average')
  const byPeriod = recordCategory(snap, { periodStandards: { '2026': 'ND351_2027_2030' } })
  expect(byPeriod.classification?.standardName.vi).toContain('351')
  expect(byPeriod.category).toBe('poor')
})
