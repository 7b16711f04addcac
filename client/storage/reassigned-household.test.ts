// The phone's own storage (IndexedDB) when a household it edited offline is moved to another enumerator: the edit is
// pushed and acknowledged first, then the household leaves the phone — its row, outbox and document store.
import 'fake-indexeddb/auto'
import WebSocket from 'ws'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { Backoff } from '../../shared/sync/backoff.ts'
import { startRelayServer, TEST_UNIT, type RelayTestServer } from '../../server/test-support/relay-server.ts'
import { openDevice } from '../app/device.ts'
import { docDatabaseName } from './doc-files.ts'
import { SyncClient, type SocketLike, type SyncStatus } from '../sync/sync-client.ts'

let server: RelayTestServer

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('va')
  server.addVillage('vb')
  server.seedHouseholds(['hr-1', 'hr-2'], 'va')
})
afterAll(async () => server.stop())

it('a household moved away while edited offline: its edit is ACKed, then its row, outbox and document leave the phone', async () => {
  const a = await server.addUser('enum-a', 'enumerator', { villages: ['va'] })
  const b = await server.addUser('enum-b', 'enumerator', { villages: ['vb'] })
  const sup = await server.addUser('sup', 'supervisor', { unitCode: TEST_UNIT })
  const device = await openDevice(indexedDB, 'rasoat-reassigned-1')
  const network = { online: true }
  const client = new SyncClient({
    url: () => `${server.url.replace('http', 'ws')}/sync?token=${a.token}`,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    store: device.syncStore,
    deviceId: device.deviceId,
    appVersion: 'test',
    isOnline: () => network.online,
    backoff: new Backoff({ baseMs: 20, capMs: 100 }),
  })
  device.onOutbox = (id) => client.notifyOutbox(id)
  const until = (test: (s: SyncStatus) => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (test(client.status)) return resolve()
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; ${JSON.stringify(client.status)}`)),
        30_000,
      )
      const off = client.onStatus((s) => test(s) && (clearTimeout(timer), off(), resolve()))
    })
  client.start()
  await until((s) => s.phase === 'synced', 'the bootstrap')
  expect(
    device.index
      .all()
      .map((r) => r.id)
      .sort(),
  ).toEqual(['hr-1', 'hr-2'])

  network.online = false
  client.disconnect()
  const opened = await device.households.openHousehold('hr-1')
  opened.household.setField('address', '9 Chuyển Cho Người Khác')
  await opened.close()
  expect(device.index.get('hr-1')).toMatchObject({ dirty: true })
  expect((await indexedDB.databases()).map((d) => d.name)).toContain(docDatabaseName('hr-1'))
  const res = await fetch(`${server.url}/api/assignments/move`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${sup.token}` },
    body: JSON.stringify({ households: ['hr-1'], to: b.user.id }),
  })
  expect(res.status).toBe(200)

  network.online = true
  client.kick()
  await until((s) => s.phase === 'synced' && device.index.get('hr-1') === undefined, 'pushed, then gone')
  expect(await device.summary.household('hr-1')).toBeUndefined()
  expect(await device.summary.allOutbox()).toEqual([])
  expect(device.index.all().map((r) => r.id)).toEqual(['hr-2'])
  const databases = (await indexedDB.databases()).map((d) => d.name)
  expect(databases).not.toContain(docDatabaseName('hr-1'))
  const doc = new Y.Doc()
  Y.applyUpdate(doc, server.docStore.readState('hr-1')!)
  expect(new HouseholdDoc(doc).read().household.address).toBe('9 Chuyển Cho Người Khác')
  expect(
    server.db
      .prepare("SELECT user_id FROM doc_log WHERE household_id = 'hr-1' ORDER BY seq DESC LIMIT 1")
      .pluck()
      .get(),
  ).toBe(a.user.id)
  client.stop()
})
