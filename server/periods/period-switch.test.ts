// A period switch on a phone, with real devices (the shared session core over WebSocket, in-memory storage) against the
// real server: the new period's records arrive; the old period's records leave the phone only once their offline edits
// are acknowledged (P17) — and when the old period was closed first, the refused edits stay on the phone, never dropped.
import { afterEach, beforeEach, expect, it } from 'vitest'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { MemorySessionStore } from '../../shared/sync/memory-store.ts'
import type { User } from '../auth/access.ts'
import { connectDevice, type TestDevice } from '../relay/test-client.ts'
import { seedExample } from '../test-support/period-fixtures.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'

let server: RelayTestServer
let admin: { user: User; token: string }
let enumerator: { user: User; token: string }
const devices: TestDevice[] = []

beforeEach(async () => {
  server = await startRelayServer()
  seedExample(server, 'poor', 'h-poor', 'vp')
  server.seedHouseholds(['h-other'], 'vp') // not poor: stays behind in 2025
  admin = await server.addUser('admin', 'admin')
  enumerator = await server.addUser('enum', 'enumerator', { villages: ['vp'] })
})
afterEach(async () => {
  for (const d of devices.splice(0)) d.stop()
  await server.stop()
})

function device(store: MemorySessionStore): TestDevice {
  const d = connectDevice({ url: server.url, token: enumerator.token, deviceId: 'phone-1', store })
  devices.push(d)
  return d
}

async function post(path: string, body: unknown): Promise<number> {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return res.status
}

const held = (store: MemorySessionStore, id: string): boolean =>
  store.seqs.has(id) || store.states.has(id) || store.docs.has(id)
const setAddress = (store: MemorySessionStore, id: string, address: string): void =>
  void store.edit(id, (doc) => {
    const r = new HouseholdDoc(doc).setField('address', address)
    if (!r.ok) throw new Error(r.reason)
  })
const serverAddress = (id: string): string => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, server.docStore.readState(id) as Uint8Array)
  return new HouseholdDoc(doc).read().household.address
}
const successor = (id: string): string =>
  server.db.prepare('SELECT id FROM households WHERE previous_id = ?').pluck().get(id) as string

/** The phone syncs 2025, then edits two records offline while the admin opens 2026 and makes it current. */
async function offlineAcrossSwitch(store: MemorySessionStore): Promise<string> {
  const phone = device(store)
  await phone.until((s) => s.phase === 'synced', 'phone bootstrapped on 2025')
  expect(held(store, 'h-poor') && held(store, 'h-other')).toBe(true)
  phone.stop()
  setAddress(store, 'h-poor', 'Đổi khi mất mạng (2025)')
  setAddress(store, 'h-other', 'Hộ khác, đổi khi mất mạng')
  expect(await post('/api/periods', { id: '2026', standard: 'ND07_2022_2025', referenceDate: '2026-09-01' })).toBe(201)
  expect(await post('/api/periods/2026/current', {})).toBe(200)
  return successor('h-poor')
}

it('PS1 after the switch the phone pushes its 2025 edits, then drops 2025 and holds the 2026 record', async () => {
  const store = new MemorySessionStore()
  const h2026 = await offlineAcrossSwitch(store)
  const phone = device(store)
  await phone.until(
    (s) =>
      s.phase === 'synced' &&
      store.unsynced() === 0 &&
      !held(store, 'h-poor') &&
      !held(store, 'h-other') &&
      held(store, h2026),
    'edits acknowledged, 2025 dropped, 2026 received',
  )
  expect(serverAddress('h-poor')).toBe('Đổi khi mất mạng (2025)')
  expect(serverAddress('h-other')).toBe('Hộ khác, đổi khi mất mạng')
  expect(
    server.db
      .prepare(`SELECT DISTINCT user_id, device_id FROM doc_log WHERE household_id IN ('h-poor', 'h-other')`)
      .all(),
  ).toEqual([{ user_id: enumerator.user.id, device_id: 'phone-1' }])
  expect(store.refusals.size).toBe(0)
  expect(store.removed.size).toBe(0)
})

it('PS2 when 2025 was closed before the phone synced, its edits are refused and stay on the phone', async () => {
  const store = new MemorySessionStore()
  const h2026 = await offlineAcrossSwitch(store)
  expect(await post('/api/periods/2025/close', {})).toBe(200)
  const phone = device(store)
  await phone.until(
    (s) => s.phase === 'refused' && held(store, h2026) && store.refusals.has('h-poor') && store.refusals.has('h-other'),
    'edits refused, 2026 received',
  )
  expect(store.refusals.get('h-poor')).toMatchObject({ code: 'sync/period-closed' })
  // Never dropped: the records and their unsynced edits stay on the phone; the server kept the old answers.
  expect(held(store, 'h-poor') && held(store, 'h-other')).toBe(true)
  expect(store.unsynced()).toBeGreaterThan(0)
  expect(serverAddress('h-poor')).not.toBe('Đổi khi mất mạng (2025)')
  expect(server.db.prepare(`SELECT COUNT(*) FROM doc_log WHERE user_id = ?`).pluck().get(enumerator.user.id)).toBe(0)
})

it('PS3 a phone connected during the switch is reconnected by the relay and moves to the new period at once', async () => {
  const store = new MemorySessionStore()
  const phone = device(store)
  await phone.until((s) => s.phase === 'synced', 'phone bootstrapped on 2025')
  expect(await post('/api/periods', { id: '2026', standard: 'ND07_2022_2025', referenceDate: '2026-09-01' })).toBe(201)
  expect(held(store, successor('h-poor'))).toBe(false) // opening alone changes nothing on the phone
  expect(await post('/api/periods/2026/current', {})).toBe(200)
  const h2026 = successor('h-poor')
  await phone.until(
    () => held(store, h2026) && !held(store, 'h-poor') && !held(store, 'h-other'),
    'the phone holds 2026 and dropped 2025',
  )
  expect(store.unsynced()).toBe(0)
})
