// A village merge reaches phones through the relay: after A is merged into B, the enumerator of B receives A's
// households at their next MANIFEST (and A's enumerator keeps them), on the real server with real sync clients.

import { afterEach, beforeEach, expect, it } from 'vitest'
import { SyncClient } from '../relay/test-client.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'

let server: RelayTestServer
const clients: SyncClient[] = []
beforeEach(async () => {
  server = await startRelayServer()
  server.addVillage('va')
  server.addVillage('vb')
  server.seedHouseholds(['ha-1', 'ha-2'], 'va')
  server.seedHouseholds(['hb-1'], 'vb')
})
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close()
  await server.stop()
})

async function phone(token: string): Promise<SyncClient> {
  const c = await SyncClient.connect({ url: server.url, token })
  clients.push(c)
  expect(await c.hello()).toMatchObject({ type: 'welcome' })
  return c
}

it('VM1: after a merge the enumerator of the surviving village receives the merged households at the next MANIFEST', async () => {
  const a = await server.addUser('enum-a', 'enumerator', { villages: ['va'] })
  const b = await server.addUser('enum-b', 'enumerator', { villages: ['vb'] })
  const admin = await server.addUser('admin', 'admin')
  const before = await (await phone(b.token)).manifest([])
  expect(before.added.map(([id]) => id)).toEqual(['hb-1'])

  const res = await fetch(`${server.url}/api/areas/villages/va/merge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
    body: JSON.stringify({ into: 'vb' }),
  })
  expect(await res.json()).toMatchObject({ from: 'va', into: 'vb', households: 2, assignments: 1 })

  const held = before.added
  const after = await (await phone(b.token)).manifest(held)
  expect(after.added.map(([id]) => id).sort()).toEqual(['ha-1', 'ha-2'])
  expect(after.removed).toEqual([])
  const forA = await (await phone(a.token)).manifest([])
  expect(forA.added.map(([id]) => id).sort()).toEqual(['ha-1', 'ha-2', 'hb-1'])
})
