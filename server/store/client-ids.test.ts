// Client id bindings under attack: one update may bind at most MAX_NEW_CLIENT_IDS_PER_UPDATE new ids, and ids of an
// update that is refused or never committed stay free for whoever writes with them first.
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { MAX_NEW_CLIENT_IDS_PER_UPDATE } from '../../shared/sync/limits.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from '../relay/test-client.ts'
import { createClientIdBindings } from './client-ids.ts'

let s: RelayTestServer
let lan: string
let mai: string

beforeAll(async () => {
  s = await startRelayServer()
  s.addVillage('vi')
  s.seedHouseholds(['hi-1'], 'vi')
  lan = (await s.addUser('lan-i', 'enumerator', { villages: ['vi'] })).token
  mai = (await s.addUser('mai-i', 'enumerator', { villages: ['vi'] })).token
})
afterAll(() => s.stop())

/** One update in which each of `ids` writes the address once (concurrent edits from one base). */
function updateUsing(ids: number[]): Uint8Array {
  const base = s.docStore.readState('hi-1')!
  return Y.mergeUpdates(
    ids.map((id) => {
      const r = new DeviceReplica(id)
      r.apply(base)
      r.setAddress(`from ${id}`)
      return r.take()
    }),
  )
}

async function device(token: string): Promise<SyncClient> {
  const c = await SyncClient.connect({ url: s.url, token })
  await c.hello()
  await c.manifest([['hi-1', s.docStore.head('hi-1')!]])
  return c
}

it('an update with 40 new client ids is refused with sync/too-many-client-ids and binds none of them', async () => {
  const attacker = await device(lan)
  const ids = Array.from({ length: 40 }, (_, i) => 70_000 + i)
  expect(await attacker.sendUpdate('hi-1', updateUsing(ids))).toMatchObject({
    type: 'error',
    code: 'sync/too-many-client-ids',
  })
  const other = await device(mai)
  expect(await other.sendUpdate('hi-1', updateUsing([70_007]))).toMatchObject({ type: 'ack' }) // not blocked
  expect(
    s.db.prepare('SELECT client_id, user_id FROM client_ids WHERE client_id BETWEEN 70000 AND 70039').raw().all(),
  ).toEqual([[70_007, expect.any(String)]])
  await Promise.all([attacker.close(), other.close()])
})

it(`an update with ${MAX_NEW_CLIENT_IDS_PER_UPDATE} new client ids (a day offline, one id per opening of the household) is committed`, async () => {
  const phone = await device(lan)
  const ids = Array.from({ length: MAX_NEW_CLIENT_IDS_PER_UPDATE }, (_, i) => 71_000 + i)
  expect(await phone.sendUpdate('hi-1', updateUsing(ids))).toMatchObject({ type: 'ack' })
  await phone.close()
})

it('claims of an update that is not committed are released; persisted bindings are not', () => {
  const bindings = createClientIdBindings(s.db)
  expect(bindings.claim([72_001, 72_002], 'u-attacker')).toEqual([72_001, 72_002])
  bindings.release([72_001, 72_002], 'u-attacker')
  expect(bindings.refused([72_001], 'u-other')).toBeNull()
  expect(bindings.claim([72_001], 'u-other')).toEqual([72_001])
  bindings.release([72_001], 'u-attacker') // not the attacker's claim any more
  expect(bindings.refused([72_001], 'u-attacker')).toBe(72_001)
})
