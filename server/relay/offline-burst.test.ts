// The phone's normal day stays within the default limits: a cold bootstrap of 400 households, a flapping network that
// reconnects ten times without closing the old sockets, and 2,000 queued edits sent at once after a day offline.
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { startRelayServer, type RelayTestServer } from './testing/relay-server.ts'
import { DeviceReplica } from './testing/household-fixture.ts'
import { SyncClient } from './test-client.ts'

const HOUSEHOLDS = Array.from({ length: 400 }, (_, i) => `ho-${String(i).padStart(3, '0')}`)
const EDITS = 2_000

let s: RelayTestServer
let lan: string

beforeAll(async () => {
  s = await startRelayServer() // default limits
  s.addVillage('vo')
  s.seedHouseholds(HOUSEHOLDS, 'vo')
  lan = (await s.addUser('lan-o', 'enumerator', { villages: ['vo'] })).token
})
afterAll(() => s.stop())

it(`bootstrap of ${HOUSEHOLDS.length} households, ten reconnects, then ${EDITS} queued updates in one burst: all ACKed, nothing refused`, async () => {
  const first = await SyncClient.connect({ url: s.url, token: lan, deviceId: 'lan-phone' })
  await first.hello()
  const reply = await first.manifest([])
  expect(reply.added).toHaveLength(HOUSEHOLDS.length)
  expect(first.heads.size).toBe(HOUSEHOLDS.length)

  // The day offline: five openings of the app (one client id each), edits spread over the households.
  const sessions = [81_001, 81_002, 81_003, 81_004, 81_005]
  const replicas = new Map<string, DeviceReplica[]>()
  const queued: [string, Uint8Array][] = []
  for (let i = 0; i < EDITS; i++) {
    const id = HOUSEHOLDS[(i * 7) % HOUSEHOLDS.length]!
    const session = Math.floor((i * sessions.length) / EDITS)
    let perSession = replicas.get(id)
    if (!perSession) replicas.set(id, (perSession = []))
    let r = perSession[session]
    if (!r) {
      r = new DeviceReplica(sessions[session])
      for (const u of first.updates.get(id) ?? []) r.apply(u)
      for (const earlier of perSession) if (earlier) r.apply(Y.encodeStateAsUpdate(earlier.doc)) // the app reopened: it loads what it stored
      perSession[session] = r
    }
    r.setAddress(`edit ${i}`)
    queued.push([id, r.take()])
  }

  // A flapping network: ten new sockets while the old ones still look open; the newest always gets through.
  const flaps: SyncClient[] = []
  for (let i = 0; i < 10; i++) flaps.push(await SyncClient.connect({ url: s.url, token: lan, deviceId: 'lan-phone' }))
  const phone = flaps.at(-1)!
  await phone.hello()
  await phone.manifest(HOUSEHOLDS.map((id) => [id, first.heads.get(id)!]))
  const answers = await Promise.all(queued.map(([id, u]) => phone.sendUpdate(id, u)))
  expect(answers.filter((a) => a.type !== 'ack')).toEqual([])
  expect(phone.errors).toEqual([])
  expect(phone.closeCode).toBeNull()
  await Promise.all([first, ...flaps].map((c) => c.close()))
})
