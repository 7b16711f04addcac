// Relay tests of the cold bootstrap in Yjs V2 (STATE frames, P14) and of the per-connection scope cache (P11):
// real server on port 0, real SQLite file, our device client over a real WebSocket.
import { deflateRawSync } from 'node:zlib'
import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docSyncStep2, encodeMessage, packFrames } from '../../shared/sync/protocol.ts'
import { BATCH_TARGET_BYTES, FIRST_SLICE_BYTES } from './bootstrap-stream.ts'
import { SCOPE_VERSION_POLL_MS } from './scope-cache.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'
import { seedHouseholds } from '../seed/seed.ts'

let server: RelayTestServer
const tokens: Record<string, string> = {}
const userIds: Record<string, string> = {}
/** 300 households as the seed makes them (names, members, answers vary: they compress like real ones). */
let H300: string[] = []

beforeAll(async () => {
  server = await startRelayServer()
  const seeded = seedHouseholds(server.db, server.docStore, { households: 300, units: 1, villagesPerUnit: 1, seed: 11 })
  const village = seeded.villages[0]!.id
  H300 = server.db
    .prepare('SELECT id FROM households WHERE village_id = ? ORDER BY id')
    .pluck()
    .all(village) as string[]
  server.addVillage('vt')
  server.seedHouseholds(['hh-t-1'], 'vt')
  for (const [name, villages] of [
    ['lan', [village]],
    ['minh', ['vt']],
  ] as [string, string[]][]) {
    const { user, token } = await server.addUser(name, 'enumerator', { villages })
    tokens[name] = token
    userIds[name] = user.id
  }
})

afterAll(async () => {
  await server.stop()
})

async function device(name: string): Promise<SyncClient> {
  const c = await SyncClient.connect({ url: server.url, token: tokens[name]!, deviceId: `${name}-phone` })
  expect((await c.hello()).type).toBe('welcome')
  return c
}

describe('P14 cold bootstrap as STATE (Yjs V2) frames', () => {
  it('P14: 300 households arrive as STATE + HEAD in deflated BATCHes, fewer bytes than V1 step2s, and converge', async () => {
    const types: string[] = []
    const c = await SyncClient.connect({
      url: server.url,
      token: tokens.lan!,
      deviceId: 'lan-v2',
      onMessage: (m) => types.push(m.type),
    })
    await c.hello()
    const reply = await c.manifest([])
    expect(reply.added).toHaveLength(300)
    // Every frame decoded (the client throws on an undecodable one); inside the batches: STATE then HEAD per household.
    expect(types.filter((t) => t === 'state')).toHaveLength(300)
    expect(types.filter((t) => t === 'doc')).toHaveLength(0)
    expect(c.heads.size).toBe(300)
    // The same households as V1 DOC step2 + HEAD in one deflated batch (what the relay sent before P14).
    const v1Frames = H300.flatMap((id) => [
      encodeMessage(docSyncStep2(id, server.docStore.readState(id)!)),
      encodeMessage({ type: 'head', householdId: id, serverSeq: server.docStore.head(id)! }),
    ])
    const v1Bytes = deflateRawSync(packFrames(v1Frames)).length + encodeMessage(reply).length
    console.log(
      `bootstrap 300 households: ${c.traffic.bytesIn} bytes in ${c.traffic.framesIn} frames (STATE, V2) vs ${v1Bytes} bytes with V1 step2s`,
    )
    expect(c.traffic.bytesIn).toBeLessThan(v1Bytes * 0.9)
    // Converged: each household's replica equals the server's stored state.
    for (const id of H300) {
      const r = new DeviceReplica()
      for (const u of c.updates.get(id) ?? []) r.apply(u)
      const stored = new Y.Doc()
      Y.applyUpdate(stored, server.docStore.readState(id)!)
      expect(Y.encodeStateVector(r.doc)).toEqual(Y.encodeStateVector(stored))
      expect(r.household.read().household).toEqual(
        (() => {
          const probe = new DeviceReplica()
          probe.apply(server.docStore.readState(id)!)
          return probe.household.read().household
        })(),
      )
    }
    // A phone that bootstrapped from STATE edits on top of it like any other: ACKed, nothing missing.
    const r = new DeviceReplica(31_001)
    const target = H300[7]!
    for (const u of c.updates.get(target) ?? []) r.apply(u)
    r.setAddress('7 Trần Hưng Đạo')
    expect(await c.sendUpdate(target, r.take())).toMatchObject({
      type: 'ack',
      serverSeq: server.docStore.head(target)!,
    })
    await c.close()
  })
})

describe('bootstrap slices', () => {
  it('the first BATCH holds about FIRST_SLICE_BYTES of households and each next one twice as much, so the phone starts storing early', async () => {
    const c = await device('lan')
    expect((await c.manifest([])).added).toHaveLength(300)
    expect(c.heads.size).toBe(300)
    // A slice takes households while it is under its target: it ends at most one household (STATE + HEAD) past it.
    const oneHousehold = Math.max(...H300.map((id) => server.docStore.readStateV2(id)!.length)) + 200
    const sizes = c.traffic.batchesIn
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(256 * 1024) // enough households for several slices
    expect(sizes.length).toBeGreaterThanOrEqual(3)
    sizes.forEach((size, i) => {
      const target = Math.min(FIRST_SLICE_BYTES * 2 ** i, BATCH_TARGET_BYTES)
      expect(size).toBeLessThanOrEqual(target + oneHousehold)
      if (i < sizes.length - 1) expect(size).toBeGreaterThanOrEqual(target)
    })
    await c.close()
  })
})

describe('P11 scope cache', () => {
  it('P11: an assignment revoked by SQL (no route told the relay) refuses updates on an open connection once SCOPE_VERSION_POLL_MS has passed', async () => {
    const c = await device('minh')
    await c.manifest([])
    const r = new DeviceReplica(32_001)
    for (const u of c.updates.get('hh-t-1') ?? []) r.apply(u)
    r.setAddress('before revocation')
    expect(await c.sendUpdate('hh-t-1', r.take())).toMatchObject({ type: 'ack' })
    server.db.prepare('DELETE FROM assignments WHERE user_id = ?').run(userIds.minh)
    server.clock.advance(SCOPE_VERSION_POLL_MS) // the database's scope version moved; the cached answer goes
    const before = server.docStore.head('hh-t-1')
    r.setAddress('after revocation')
    expect(await c.sendUpdate('hh-t-1', r.take())).toMatchObject({
      type: 'error',
      code: 'sync/forbidden',
      householdId: 'hh-t-1',
    })
    expect(server.docStore.head('hh-t-1')).toBe(before)
    await c.close()
  })
})
