// Two relay processes on one database with Redis between them behave as one relay: edits fan out across them, a
// same-field concurrent edit is one conflict, kill -9 loses nothing acknowledged, a phone moving relays resumes with
// only what it lacks, a relay cut off from Redis catches up from the database, area scope holds across relays, and a
// record locked on one relay refuses a device's edit on the other even before the lock's message arrived there.
import { rmSync } from 'node:fs'
import * as Y from 'yjs'
import { Redis } from 'ioredis'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { DeviceReplica, PATH } from '../test-support/household-fixture.ts'
import { replicaFrom } from '../test-support/sync-world.ts'
import { readDocPayload } from '../../shared/sync/doc-payload.ts'
import type { SyncMessage } from '../../shared/sync/protocol.ts'
import { SyncClient } from '../relay/test-client.ts'
import { LiveClient } from '../live/test-support/live-client.ts'
import { openCrashDb } from '../reliability/crash-process.ts'
import {
  createRedisLink,
  dropWorldDatabase,
  seedTwoRelayWorld,
  startRelay,
  stopRelay,
  TEST_REDIS_URL,
  type RedisLink,
  type RelayProcess,
  type TwoRelayWorld,
} from './two-relays.ts'

let world: TwoRelayWorld
let relayA: RelayProcess
let relayB: RelayProcess
/** Relay B reaches Redis through this link (cut in the catch-up case); relay A through linkA (held in the lock case). */
let linkB: RedisLink
let linkA: RedisLink
const clients: SyncClient[] = []

async function device(relay: RelayProcess, token: string, deviceId: string): Promise<SyncClient> {
  const c = await SyncClient.connect({ url: relay.url, token, deviceId })
  clients.push(c)
  await c.hello()
  await c.manifest([])
  return c
}

/** Resolves with the first fan-out update of `householdId` that `client` receives after now. */
const nextUpdate = (client: SyncClient, householdId: string): Promise<SyncMessage> =>
  client.next((m) => m.type === 'doc' && m.householdId === householdId && readDocPayload(m.payload).kind === 'update')

/** A household's committed head, status and address as the database holds them. */
function headOf(householdId: string): { seq: number; status: string; address: string } {
  const db = openCrashDb(world.dataDir)
  try {
    return db.prepare('SELECT server_seq AS seq, status, address FROM households WHERE id = ?').get(householdId) as {
      seq: number
      status: string
      address: string
    }
  } finally {
    db.close()
  }
}

/** Each replica writes under a Yjs client id of its own (an id is bound to the first user that writes with it). */
let nextClientId = 40_000
function stateOf(client: SyncClient, householdId: string): DeviceReplica {
  return replicaFrom(client, householdId, nextClientId++)
}

beforeAll(async () => {
  world = await seedTwoRelayWorld(7)
  linkB = await createRedisLink(TEST_REDIS_URL)
  linkA = await createRedisLink(TEST_REDIS_URL)
  relayA = await startRelay(world.dataDir, 'relay-a', linkA.url)
  relayB = await startRelay(world.dataDir, 'relay-b', linkB.url)
}, 180_000)

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {})
  for (const r of [relayA, relayB]) if (r) await stopRelay(r, 'SIGKILL')
  await linkB?.close()
  await linkA?.close()
  if (world) {
    dropWorldDatabase(world.dataDir)
    rmSync(world.dataDir, { recursive: true, force: true })
  }
}, 60_000)

it('an edit acknowledged by relay A reaches a /sync device and a stock y-websocket client on relay B; the outsider on B gets nothing', async () => {
  const onA = await device(relayA, world.enumeratorToken, 'phone-a')
  const onB = await device(relayB, world.peerToken, 'phone-b')
  const outsider = await device(relayB, world.outsiderToken, 'phone-x')
  const ydoc = new Y.Doc()
  const provider = new WebsocketProvider(`${relayB.url.replace('http', 'ws')}/yjs`, 'hc-1', ydoc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, // ws implements what y-websocket uses
    params: { token: world.peerToken },
    disableBc: true,
  })
  await new Promise<void>((ok) => provider.once('sync', () => ok()))
  const onYjs = new Promise<void>((ok) => {
    const check = (): void => {
      if (new HouseholdDoc(ydoc).read().household.address === 'Số 1 Hùng Vương') ok()
    }
    ydoc.on('update', check)
  })

  const edit = stateOf(onA, 'hc-1')
  edit.setAddress('Số 1 Hùng Vương')
  const arrived = nextUpdate(onB, 'hc-1')
  expect((await onA.sendUpdate('hc-1', edit.take())).type).toBe('ack')
  await arrived
  expect(stateOf(onB, 'hc-1').address()).toBe('Số 1 Hùng Vương')
  await onYjs
  provider.destroy()
  ydoc.destroy()

  // The outsider's connection is answered after the fan-out reached B's holders: it never held hc-1, and may not ask.
  const refused = await outsider.step1('hc-1', Y.encodeStateVector(new Y.Doc()))
  expect(refused.type).toBe('error')
  expect(outsider.updates.has('hc-1')).toBe(false)
  expect(outsider.traffic.typesIn).not.toContain('doc')
}, 120_000)

it('a same-field concurrent edit through relay A and relay B is exactly one conflict, and both sides converge', async () => {
  const onA = await device(relayA, world.enumeratorToken, 'phone-a2')
  const onB = await device(relayB, world.peerToken, 'phone-b2')
  const a = stateOf(onA, 'hc-2')
  const b = stateOf(onB, 'hc-2')
  a.setAddress('Kiệt 5 Phan Bội Châu')
  b.setAddress('Kiệt 7 Phan Bội Châu')
  const [ackA, ackB] = await Promise.all([onA.sendUpdate('hc-2', a.take()), onB.sendUpdate('hc-2', b.take())])
  expect([ackA.type, ackB.type]).toEqual(['ack', 'ack'])
  const db = openCrashDb(world.dataDir)
  try {
    const rows = db.prepare(`SELECT path, candidates_json FROM conflicts WHERE household_id = 'hc-2'`).all() as {
      path: string
      candidates_json: string
    }[]
    expect(rows.map((r) => r.path)).toEqual([PATH.address])
    expect(JSON.parse(rows[0]!.candidates_json)).toHaveLength(2)
    const seqs = db.prepare(`SELECT seq FROM doc_log WHERE household_id = 'hc-2' ORDER BY seq`).pluck().all()
    expect(seqs).toEqual([2, 3])
  } finally {
    db.close()
  }
}, 120_000)

it('a phone moving from relay A to relay B resumes with only what it lacks (no full resync)', async () => {
  const phone = await device(relayA, world.enumeratorToken, 'phone-move')
  const other = await device(relayB, world.peerToken, 'phone-other')
  const heads = [...phone.heads.entries()]
  await phone.close()
  // While the phone is away, a colleague edits hc-3 through relay B.
  const edit = stateOf(other, 'hc-3')
  edit.setAddress('Thôn Cầu, nhà số 9')
  expect((await other.sendUpdate('hc-3', edit.take())).type).toBe('ack')

  const received: SyncMessage[] = []
  const moved = await SyncClient.connect({
    url: relayB.url,
    token: world.enumeratorToken,
    deviceId: 'phone-move',
    onMessage: (m) => received.push(m),
  })
  clients.push(moved)
  await moved.hello()
  const reply = await moved.manifest(heads)
  expect(reply.added).toEqual([])
  expect(reply.changed.map(([id]) => id)).toEqual(['hc-3'])
  const mine = new DeviceReplica(nextClientId++)
  for (const u of phone.updates.get('hc-3') ?? []) mine.apply(u)
  expect((await moved.step1('hc-3', mine.stateVector())).type).toBe('head')
  const sent = moved.updates.get('hc-3') ?? []
  expect(sent).toHaveLength(1)
  mine.apply(sent[0]!)
  expect(mine.address()).toBe('Thôn Cầu, nhà số 9')
  // B sent the welcome, the manifest reply, and hc-3's missing update: nothing of the five other households.
  const full = Y.encodeStateAsUpdate(mine.doc).length
  expect(sent[0]!.length).toBeLessThan(full / 4)
  expect(received.filter((m) => m.type === 'doc' || m.type === 'state')).toHaveLength(1)
  expect([...moved.updates.keys()]).toEqual(['hc-3'])
}, 120_000)

it('relay B cut off from Redis: after the link returns, its devices receive what relay A committed meanwhile', async () => {
  const onA = await device(relayA, world.enumeratorToken, 'phone-a4')
  const onB = await device(relayB, world.peerToken, 'phone-b4')
  linkB.cut()
  const edit = stateOf(onA, 'hc-4')
  edit.setAddress('Đường Nguyễn Huệ 44')
  expect((await onA.sendUpdate('hc-4', edit.take())).type).toBe('ack') // published while B hears nothing
  const arrived = nextUpdate(onB, 'hc-4')
  const back = linkB.reconnected()
  linkB.restore()
  await back
  await arrived // read from the database by B's catch-up after its Redis connection came back
  expect(stateOf(onB, 'hc-4').address()).toBe('Đường Nguyễn Huệ 44')
}, 120_000)

it('presence on /yjs and the console live map cross relays: awareness from A reaches B, an edit on A moves the pin on B', async () => {
  const supervisor = await LiveClient.connect(relayB.url, world.supervisorToken)
  expect(await supervisor.subscribe()).toMatchObject({ type: 'subscribed' })
  const provider = (relay: RelayProcess, doc: Y.Doc): WebsocketProvider =>
    new WebsocketProvider(`${relay.url.replace('http', 'ws')}/yjs`, 'hc-6', doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token: world.peerToken },
      disableBc: true,
    })
  const docA = new Y.Doc()
  const docB = new Y.Doc()
  const onA = provider(relayA, docA)
  const onB = provider(relayB, docB)
  await Promise.all([onA, onB].map((p) => new Promise<void>((ok) => p.once('sync', () => ok()))))
  const seen = new Promise<void>((ok) => {
    const check = (): void => {
      for (const state of onB.awareness.getStates().values())
        if ((state as { user?: { name?: string } }).user?.name === 'Dũng trên relay A') ok()
    }
    onB.awareness.on('change', check)
    check()
  })
  onA.awareness.setLocalStateField('user', { name: 'Dũng trên relay A' })
  await seen
  onA.destroy()
  onB.destroy()
  docA.destroy()
  docB.destroy()

  const phone = await device(relayA, world.enumeratorToken, 'phone-a6')
  const edit = stateOf(phone, 'hc-6')
  edit.household.setLocation({ lat: 16.4712, lng: 107.5801, accuracyM: 8, capturedAt: '2025-10-02T09:00:00Z' })
  const from = supervisor.messages.length
  expect((await phone.sendUpdate('hc-6', edit.take())).type).toBe('ack')
  expect(await supervisor.pin('hc-6', (p) => p.lat === 16.4712, from)).toMatchObject({ lng: 107.5801 })
  supervisor.close()
}, 120_000)

it("relay B's subscriber connection killed in Redis (CLIENT KILL): B's devices still receive what A commits right after", async () => {
  const onA = await device(relayA, world.enumeratorToken, 'phone-a8')
  const onB = await device(relayB, world.peerToken, 'phone-b8')
  const admin = new Redis(TEST_REDIS_URL)
  try {
    const clients = (await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string
    const line = clients.split('\n').find((l) => l.includes('name=rasoat:relay-b:sub'))
    const id = /\bid=(\d+)/.exec(line ?? '')?.[1]
    expect(id, clients).toBeDefined()
    const arrived = nextUpdate(onB, 'hc-5')
    await admin.call('CLIENT', 'KILL', 'ID', id!)
    const edit = stateOf(onA, 'hc-5')
    edit.setAddress('Kiệt 12 Chi Lăng')
    expect((await onA.sendUpdate('hc-5', edit.take())).type).toBe('ack')
    await arrived // live if B resubscribed in time, else from the database after it did
    expect(stateOf(onB, 'hc-5').address()).toBe('Kiệt 12 Chi Lăng')
  } finally {
    admin.disconnect()
  }
}, 120_000)

it('edits fired through both relays at once converge: every ack stored, each household numbered 2, 3, … without a gap', async () => {
  const onA = await device(relayA, world.enumeratorToken, 'phone-a7')
  const onB = await device(relayB, world.peerToken, 'phone-b7')
  const households = ['hc-1', 'hc-2', 'hc-3']
  const a = new Map(households.map((id) => [id, stateOf(onA, id)]))
  const b = new Map(households.map((id) => [id, stateOf(onB, id)]))
  const answers: Promise<SyncMessage>[] = []
  for (let i = 0; i < 30; i++) {
    const id = households[i % households.length]!
    a.get(id)!.setHeadName(`${id}-m0`, `Trần Văn ${i}`)
    b.get(id)!.setRoofDurable(i % 2 === 0)
    answers.push(onA.sendUpdate(id, a.get(id)!.take()), onB.sendUpdate(id, b.get(id)!.take()))
  }
  expect(new Set((await Promise.all(answers)).map((m) => m.type))).toEqual(new Set(['ack']))
  const db = openCrashDb(world.dataDir)
  try {
    for (const id of households) {
      const seqs = db
        .prepare(
          `SELECT seq FROM doc_log WHERE household_id = ? UNION ALL SELECT seq FROM doc_log_archive WHERE household_id = ? AND seq > 1 ORDER BY seq`,
        )
        .pluck()
        .all(id, id) as number[]
      const head = db.prepare('SELECT server_seq FROM households WHERE id = ?').pluck().get(id) as number
      expect(seqs, id).toEqual(Array.from({ length: head - 1 }, (_, k) => k + 2))
    }
  } finally {
    db.close()
  }
  // Fresh devices on either relay see the same state, holding every edit of both phones.
  const fresh = await Promise.all([
    device(relayA, world.adminToken, 'check-a'),
    device(relayB, world.adminToken, 'check-b'),
  ])
  for (const id of households) {
    const [viaA, viaB] = fresh.map((c) => Y.encodeStateVector(stateOf(c, id).doc))
    expect(viaA, id).toEqual(viaB)
    const sv = Y.decodeStateVector(viaA!)
    for (const r of [a.get(id)!, b.get(id)!])
      expect(sv.get(r.doc.clientID) ?? 0).toBe(Y.getState(r.doc.store, r.doc.clientID))
  }
}, 120_000)

it('a record verified on relay B refuses a phone’s edit on relay A before B’s message reached A: nothing stored', async () => {
  const phone = await device(relayA, world.enumeratorToken, 'phone-lock')
  const replica = stateOf(phone, 'hc-7')
  // The phone takes hc-7 through its field moves to submitted, through relay A (which then holds it resident).
  for (const to of ['assigned', 'in_progress', 'submitted'] as const) {
    expect(replica.household.changeStatus(to, { by: world.enumeratorId }).ok).toBe(true)
    expect((await phone.sendUpdate('hc-7', replica.take())).type).toBe('ack')
  }
  // Relay A is still subscribed, but what Redis sends it now waits: B's commit will not be announced to it.
  linkA.hold()
  try {
    const verified = await fetch(`${relayB.url}/api/review/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.supervisorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ['hc-7'] }),
    })
    expect(verified.status).toBe(200)
    expect(((await verified.json()) as { results: { ok: boolean }[] }).results).toMatchObject([{ ok: true }])
    const head = headOf('hc-7')
    replica.setAddress('Đổi sau khi duyệt')
    const answer = await phone.sendUpdate('hc-7', replica.take())
    expect(answer).toMatchObject({ type: 'error', code: 'sync/record-locked', householdId: 'hc-7' })
    expect(headOf('hc-7')).toEqual({ ...head, status: 'verified' }) // nothing of the edit was stored
    expect(head.address).not.toBe('Đổi sau khi duyệt')
  } finally {
    linkA.release()
  }
}, 120_000)

it('kill -9 of relay A loses nothing A acknowledged: the device reconnects to relay B and finds every edit', async () => {
  const onA = await device(relayA, world.enumeratorToken, 'phone-a5')
  const replica = stateOf(onA, 'hc-5')
  const acked: number[] = []
  let killed: Promise<void> | null = null
  const answers: Promise<void>[] = []
  for (let i = 0; i < 120; i++) {
    replica.setAddress(`Số ${i} Lý Thường Kiệt`)
    const clockEnd = Y.getState(replica.doc.store, replica.doc.clientID)
    answers.push(
      onA.sendUpdate('hc-5', replica.take()).then((m) => {
        if (m.type !== 'ack' || killed) return
        acked.push(clockEnd)
        if (acked.length >= 40) killed = stopRelay(relayA, 'SIGKILL')
      }),
    )
  }
  await onA.closed()
  await killed
  expect(acked.length).toBeGreaterThanOrEqual(40)
  const onB = await device(relayB, world.enumeratorToken, 'phone-a5')
  const state = Y.mergeUpdates(onB.updates.get('hc-5') ?? [])
  const sv = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state))
  expect(sv.get(replica.doc.clientID) ?? 0).toBeGreaterThanOrEqual(Math.max(...acked))
}, 120_000)
