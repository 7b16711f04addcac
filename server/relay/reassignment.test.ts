// Reassignment against the real server with real devices (the shared session core over WebSocket, in-memory storage):
// edits made offline before a move still arrive, attributed to their author, and only then does the household leave
// that device; the new enumerator receives it with those edits; a live socket stops receiving a moved household at once.
import { afterEach, beforeEach, expect, it } from 'vitest'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { MemorySessionStore } from '../../shared/sync/memory-store.ts'
import type { User } from '../auth/access.ts'
import { connectDevice, type TestDevice } from './test-client.ts'
import { startRelayServer, TEST_UNIT, type RelayTestServer } from '../test-support/relay-server.ts'

let server: RelayTestServer
let clock = Date.now()
const devices: TestDevice[] = []
let a: { user: User; token: string }
let b: { user: User; token: string }
let sup: { user: User; token: string }

async function start(releaseGrantMs?: number): Promise<void> {
  clock = Date.now()
  server = await startRelayServer({ now: () => clock, ...(releaseGrantMs !== undefined ? { releaseGrantMs } : {}) })
  server.addVillage('va')
  server.addVillage('vb')
  server.seedHouseholds(['ha-1', 'ha-2', 'ha-3'], 'va')
  server.seedHouseholds(['hb-1'], 'vb')
  a = await server.addUser('enum-a', 'enumerator', { villages: ['va'] })
  b = await server.addUser('enum-b', 'enumerator', { villages: ['vb'] })
  sup = await server.addUser('sup', 'supervisor', { unitCode: TEST_UNIT })
}

beforeEach(async () => start())
afterEach(async () => {
  for (const d of devices.splice(0)) d.stop()
  await server.stop()
})

function device(token: string, deviceId: string, store = new MemorySessionStore()): TestDevice {
  const d = connectDevice({ url: server.url, token, deviceId, store })
  devices.push(d)
  return d
}

async function move(body: unknown, token = sup.token): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/api/assignments/move`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

function setAddress(store: MemorySessionStore, id: string, address: string): void {
  store.edit(id, (doc) => {
    const r = new HouseholdDoc(doc).setField('address', address)
    if (!r.ok) throw new Error(r.reason)
  })
}

function addressIn(state: Uint8Array | null | undefined): string | null {
  if (!state) return null
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return new HouseholdDoc(doc).read().household.address
}

const held = (store: MemorySessionStore, id: string): boolean =>
  store.seqs.has(id) || store.states.has(id) || store.docs.has(id)
const storedAddress = (store: MemorySessionStore, id: string): string | null =>
  addressIn(store.docs.has(id) ? Y.encodeStateAsUpdate(store.docs.get(id)!) : store.stateOf(id))

it('RA1: edits made offline before a move are stored (attributed to A), ACKed, then the household leaves A; B receives it with them', async () => {
  const storeA = new MemorySessionStore()
  let phoneA = device(a.token, 'phone-a', storeA)
  await phoneA.until((s) => s.phase === 'synced', 'A bootstrapped')
  expect(held(storeA, 'ha-1')).toBe(true)

  // A works offline; meanwhile the supervisor moves ha-1 to B.
  phoneA.stop()
  setAddress(storeA, 'ha-1', 'Số 5 kiệt 12, sửa khi mất mạng')
  setAddress(storeA, 'ha-1', 'Số 7 kiệt 12, sửa khi mất mạng')
  setAddress(storeA, 'ha-2', 'ha-2 vẫn của A')
  const moved = await move({ households: ['ha-1'], from: a.user.id, to: b.user.id })
  expect(moved).toEqual({
    status: 200,
    json: { to: b.user.id, households: 1, villages: 0, householdsInVillages: 0, released: 1 },
  })

  // A reconnects: its edits are pushed and ACKed, and only then does ha-1 leave the device.
  phoneA = device(a.token, 'phone-a', storeA)
  await phoneA.until(
    (s) => s.phase === 'synced' && storeA.unsynced() === 0 && !held(storeA, 'ha-1'),
    'A pushed and dropped ha-1',
  )
  expect(addressIn(server.docStore.readState('ha-1'))).toBe('Số 7 kiệt 12, sửa khi mất mạng')
  const authors = server.db
    .prepare("SELECT DISTINCT user_id, device_id FROM doc_log WHERE household_id = 'ha-1' AND user_id <> 'seed'")
    .all()
  expect(authors).toEqual([{ user_id: a.user.id, device_id: 'phone-a' }])
  expect(held(storeA, 'ha-2')).toBe(true) // the household that stayed is untouched
  expect(storedAddress(storeA, 'ha-2')).toBe('ha-2 vẫn của A')
  expect(storeA.refusals.size).toBe(0)
  expect(storeA.removed.has('ha-1')).toBe(false)

  // B receives ha-1 with A's edits.
  const storeB = new MemorySessionStore()
  const phoneB = device(b.token, 'phone-b', storeB)
  await phoneB.until((s) => s.phase === 'synced', 'B bootstrapped')
  expect(storedAddress(storeB, 'ha-1')).toBe('Số 7 kiệt 12, sửa khi mất mạng')
  expect(held(storeB, 'hb-1')).toBe(true)
  expect(held(storeB, 'ha-2')).toBe(false)

  // A's next MANIFEST no longer lists ha-1: the device acknowledged the removal, the release grant ends.
  expect(server.db.prepare('SELECT COUNT(*) FROM released_households').pluck().get()).toBe(1)
  phoneA.stop()
  phoneA = device(a.token, 'phone-a', storeA)
  await phoneA.until((s) => s.phase === 'synced', 'A reconnected')
  expect(server.db.prepare('SELECT COUNT(*) FROM released_households').pluck().get()).toBe(0)
  expect(server.access.canWrite(a.user, 'ha-1')).toBe(false)
})

it("RA2: after the release grant has run out, the old device's edit is refused and kept, shown as refused, never dropped", async () => {
  await server.stop()
  await start(60_000)
  const storeA = new MemorySessionStore()
  let phoneA = device(a.token, 'phone-a', storeA)
  await phoneA.until((s) => s.phase === 'synced', 'A bootstrapped')
  phoneA.stop()
  setAddress(storeA, 'ha-1', 'sửa quá muộn')
  expect((await move({ households: ['ha-1'], to: b.user.id })).status).toBe(200)
  clock += 61_000

  phoneA = device(a.token, 'phone-a', storeA)
  await phoneA.until((s) => s.phase === 'refused', 'the late edit refused')
  expect(storeA.refusals.get('ha-1')).toMatchObject({ code: 'sync/forbidden', retryable: false })
  expect(held(storeA, 'ha-1')).toBe(true)
  expect(storeA.unsynced()).toBe(1)
  expect(storeA.removed.has('ha-1')).toBe(true)
  expect(addressIn(server.docStore.readState('ha-1'))).not.toBe('sửa quá muộn')
})

it('RA3: a live socket stops receiving a moved household at once; a whole village moves with its households', async () => {
  let armed = false
  let ha3Arrived: () => void = () => {}
  const ha3 = new Promise<void>((resolve) => (ha3Arrived = resolve))
  const storeA = new MemorySessionStore({ onRemote: (id) => armed && id === 'ha-3' && ha3Arrived() })
  const phoneA = device(a.token, 'phone-a', storeA)
  const storeA2 = new MemorySessionStore()
  const phoneA2 = device(a.token, 'phone-a2', storeA2)
  await phoneA.until((s) => s.phase === 'synced', 'A bootstrapped')
  await phoneA2.until((s) => s.phase === 'synced', 'A2 bootstrapped')

  // A's connection has just written ha-2 (its scope answer is cached there, SCOPE_CACHE_MS) when it moves to B.
  setAddress(storeA, 'ha-2', 'sửa bởi A trước khi chuyển')
  phoneA.session.notifyOutbox('ha-2')
  await phoneA.until((s) => s.phase === 'synced' && storeA.unsynced() === 0, 'A ACKed')
  expect((await move({ households: ['ha-2'], to: b.user.id })).json).toMatchObject({ households: 1, released: 1 })
  const storeB = new MemorySessionStore()
  const phoneB = device(b.token, 'phone-b', storeB)
  await phoneB.until((s) => s.phase === 'synced' && held(storeB, 'ha-2'), 'B got ha-2')

  // B edits ha-2, then A's other phone edits ha-3: phone A receives the second (fan-out keeps commit order), never the first.
  setAddress(storeB, 'ha-2', 'sửa bởi B')
  phoneB.session.notifyOutbox('ha-2')
  await phoneB.until((s) => s.phase === 'synced' && storeB.unsynced() === 0, 'B ACKed')
  armed = true
  setAddress(storeA2, 'ha-3', 'sửa bởi máy thứ hai của A')
  phoneA2.session.notifyOutbox('ha-3')
  await phoneA2.until((s) => s.phase === 'synced' && storeA2.unsynced() === 0, 'A2 ACKed')
  await ha3
  expect(storedAddress(storeA, 'ha-3')).toBe('sửa bởi máy thứ hai của A')
  expect(storedAddress(storeA, 'ha-2')).not.toBe('sửa bởi B')

  // The whole village va goes to B: its households follow (ha-2 already B's by itself stays B's).
  const village = await move({ villages: ['va'], from: a.user.id, to: b.user.id })
  expect(village.json).toMatchObject({ villages: 1, householdsInVillages: 2, released: 2 })
  expect(server.access.householdIdsInScope(b.user)).toEqual(['ha-1', 'ha-2', 'ha-3', 'hb-1'])
  expect(server.access.householdIdsInScope(a.user)).toEqual([])
  expect(server.access.canWrite(a.user, 'ha-3')).toBe(true) // released, not readable
  expect(server.access.canRead(a.user, 'ha-3')).toBe(false)
})
