// The server classifies with the loaded Phiếu B1 point table: a phone answers the table's items and commits through the
// relay; the summary row's category is the one the phone computes with the same table (and not what the provisional
// cut-off would give); a load's background reclassification reaches live consoles as commits do. Real server on port 0,
// real SQLite file, real WebSocket clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordCategory } from '../../shared/doc/record-category.ts'
import { testB1Table } from '../../shared/test-support/b1-tables.ts'
import { replicaFrom } from '../test-support/sync-world.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from '../relay/test-client.ts'
import { LiveClient } from '../live/test-support/live-client.ts'

let server: RelayTestServer
let enumToken = ''
let adminToken = ''
let supToken = ''
// Unit 19900 is a phường: urban. Cut-offs 120 / 140, below the provisional urban 175.
const table = testB1Table({ version: 'urban-1' }, 'urban')

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('va')
  server.seedHouseholds(['hh-1', 'hh-2', 'hh-3'], 'va')
  enumToken = (await server.addUser('an', 'enumerator', { villages: ['va'] })).token
  adminToken = (await server.addUser('admin', 'admin')).token
  supToken = (await server.addUser('sup', 'supervisor', { unitCode: '19900' })).token
})
afterAll(() => server.stop())

const categoryOf = (id: string) =>
  server.db.prepare('SELECT category FROM households WHERE id = ?').pluck().get(id) as string

async function answerAndCommit(id: string, clientId: number, motorbikes: number) {
  const c = await SyncClient.connect({ url: server.url, token: enumToken, deviceId: `phone-${clientId}` })
  await c.hello()
  await c.manifest([])
  const r = replicaFrom(c, id, clientId)
  const h = r.household
  for (const [item, v] of [
    ['household_size', 3],
    ['floor', 'tiles'],
    ['cooking_fuel', 'gas_or_electric'],
    ['motorbikes', motorbikes],
  ] as const)
    expect(h.answerB1(table, item, v)).toEqual({ ok: true })
  expect(await c.sendUpdate(id, r.take())).toMatchObject({ type: 'ack' })
  await c.close()
  return recordCategory(h.read(), { b1Tables: [table] })
}

const loadTable = () =>
  fetch(`${server.url}/api/b1-tables`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(table),
  })

describe('server summary with a B1 point table', () => {
  it('a household scored before the table is reclassified with it once the table is loaded, and a /live subscriber sees the new category', async () => {
    // Without a table the phone has the single box: a typed 160 is at or below the provisional urban 175.
    const c = await SyncClient.connect({ url: server.url, token: enumToken, deviceId: 'phone-500' })
    await c.hello()
    await c.manifest([])
    const r = replicaFrom(c, 'hh-3', 500)
    expect(r.household.setIncome({ b1Score: 160 })).toEqual({ ok: true })
    expect(await c.sendUpdate('hh-3', r.take())).toMatchObject({ type: 'ack' })
    await c.close()
    const provisional = recordCategory(r.household.read()).category
    expect(['poor', 'near_poor']).toContain(provisional)
    expect(categoryOf('hh-3')).toBe(provisional)
    const sup = await LiveClient.connect(server.url, supToken)
    expect(await sup.subscribe()).toMatchObject({ type: 'subscribed', units: ['19900'] })
    const from = sup.messages.length

    expect((await loadTable()).status).toBe(201)
    // The table's near-poor cut-off is 140: the phone now says not poor, and so does the server once it has reclassified.
    expect(recordCategory(r.household.read(), { b1Tables: [table] }).category).toBe('not_poor')
    await expect.poll(() => categoryOf('hh-3'), { timeout: 30_000 }).toBe('not_poor')
    // No commit touched hh-3: the pin delta comes from the reclassification itself.
    expect(await sup.pin('hh-3', (p) => p.category === 'not_poor', from)).toMatchObject({ id: 'hh-3' })
    await sup.close()
  })

  it('a relay commit of B1 answers gets the category the phone computes with the same table', async () => {
    // 35 + 40 + 25 + 60 = 160: above the table's 140 (not poor), at or below the provisional 175
    const above = await answerAndCommit('hh-1', 501, 2)
    expect(above.b1?.score).toBe(160)
    expect(above.category).toBe('not_poor')
    expect(above.classification?.b1Cutoffs).toMatchObject({ source: 'table', table: { version: 'urban-1' } })
    expect(categoryOf('hh-1')).toBe('not_poor')

    // 35 + 40 + 25 + 30 = 130: above the poor cut-off 120, at or below the near-poor 140 → near-poor at most
    const capped = await answerAndCommit('hh-2', 502, 1)
    expect(capped.b1?.score).toBe(130)
    expect(capped.category).toBe('near_poor')
    expect(categoryOf('hh-2')).toBe('near_poor')
  })
})
