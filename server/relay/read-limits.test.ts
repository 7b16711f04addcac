// Reads are bounded like writes on /sync: one small frame from an observer cannot make the server stream the whole
// area many times, reads are served in slices while /api/health keeps answering, every frame kind has a budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/sync/limits.ts'
import { docSyncStep1, encodeMessage, type SyncMessage } from '../../shared/sync/protocol.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

const HOUSEHOLDS = Array.from({ length: 300 }, (_, i) => `hl-${String(i).padStart(3, '0')}`)
const EMPTY_SV = new Uint8Array([0])

/** Counts what a client receives, frame by frame (frames inside a BATCH one by one). */
function counted(url: string, token: string): Promise<{ client: SyncClient; seen: Map<string, number> }> {
  const seen = new Map<string, number>()
  return SyncClient.connect({
    url,
    token,
    retainUpdates: false,
    onMessage: (m) => seen.set(m.type, (seen.get(m.type) ?? 0) + 1),
  }).then((client) => ({ client, seen }))
}

function batchOf(messages: SyncMessage[]): Uint8Array {
  return encodeMessage({ type: 'batch', compressed: false, frames: messages.map(encodeMessage) })
}

describe('default limits', () => {
  let s: RelayTestServer
  const observer = async (name: string): Promise<string> => (await s.addUser(name, 'observer')).token

  beforeAll(async () => {
    s = await startRelayServer()
    s.addVillage('vl')
    s.seedHouseholds(HOUSEHOLDS, 'vl')
  })
  afterAll(() => s.stop())

  it('a 64-byte BATCH of 20 MANIFESTs from an observer gets two answers and one bootstrap, then sync/overloaded and OVERLOADED', async () => {
    const normal = await counted(s.url, await observer('obs-a'))
    await normal.client.hello()
    const normalReply = await normal.client.manifest([])
    const oneBootstrap = normal.client.traffic.bytesIn
    expect(normal.seen.get('state')).toBe(HOUSEHOLDS.length)
    await normal.client.close()

    const { client, seen } = await counted(s.url, await observer('obs-b'))
    await client.hello()
    const before = client.traffic.bytesIn
    const frame = batchOf(Array.from({ length: 20 }, () => ({ type: 'manifest', entries: [] })))
    expect(frame.length).toBeLessThanOrEqual(64)
    client.sendRaw(frame)
    expect(await client.closed()).toBe(CloseCode.OVERLOADED)
    expect(client.errors.map((e) => e.code)).toEqual(['sync/overloaded'])
    expect(seen.get('manifest-reply')).toBe(2) // the connection's MANIFEST budget (bursts of 2)
    expect(seen.get('state') ?? 0).toBeLessThanOrEqual(HOUSEHOLDS.length) // each household at most once
    expect(client.traffic.bytesIn - before).toBeLessThan(oneBootstrap + 2 * encodeMessage(normalReply).length + 1_024)
  })

  it('20,000 step1s in four BATCHes are answered in slices: /api/health answers while they are still being served', async () => {
    const { client, seen } = await counted(s.url, await observer('obs-d'))
    await client.hello()
    await client.manifest(HOUSEHOLDS.map((id) => [id, 0])) // "changed": no bootstrap, the device asks by step1
    const total = 20_000
    const allHeads = client.next(() => (seen.get('head') ?? 0) >= total, 120_000)
    for (let b = 0; b < 4; b++) {
      client.sendRaw(
        batchOf(
          Array.from({ length: 5_000 }, (_, i) =>
            docSyncStep1(HOUSEHOLDS[(b * 5_000 + i) % HOUSEHOLDS.length]!, EMPTY_SV),
          ),
        ),
      )
    }
    const health = await fetch(`${s.url}/api/health`)
    const headsWhenHealthAnswered = seen.get('head') ?? 0
    expect(health.status).toBe(200)
    expect(headsWhenHealthAnswered).toBeLessThan(total) // health did not wait for the flood
    await allHeads
    expect(seen.get('head')).toBe(total) // nothing refused: served incrementally
    expect(client.errors).toEqual([])
    expect(client.closeCode).toBeNull()
    await client.close()
  })
})

describe('tight limits', () => {
  let s: RelayTestServer
  let observer: string
  const frozen = Date.now()

  beforeAll(async () => {
    s = await startRelayServer({
      now: () => frozen, // no refill: every bucket holds exactly its burst
      limits: {
        rates: {
          read: { perSecond: 1, burst: 10 },
          frame: { perSecond: 1, burst: 6 },
          manifestPerUser: { perSecond: 1, burst: 3 },
        },
        maxQueuedFrames: 50,
      },
    })
    s.addVillage('vt')
    s.seedHouseholds(HOUSEHOLDS.slice(0, 20), 'vt')
    observer = (await s.addUser('obs-t', 'observer')).token
  })
  afterAll(() => s.stop())

  it('step1s beyond the read budget get household-scoped sync/overloaded; the connection stays', async () => {
    const { client, seen } = await counted(s.url, observer)
    await client.hello()
    await client.manifest(HOUSEHOLDS.slice(0, 20).map((id) => [id, 0]))
    const answered = client.next(() => (seen.get('head') ?? 0) + (seen.get('error') ?? 0) === 15)
    client.sendRaw(batchOf(HOUSEHOLDS.slice(0, 15).map((id) => docSyncStep1(id, EMPTY_SV))))
    await answered
    expect(seen.get('head')).toBe(10)
    expect(client.errors.map((e) => [e.householdId, e.code])).toEqual(
      HOUSEHOLDS.slice(10, 15).map((id) => [id, 'sync/overloaded']),
    )
    expect(client.closeCode).toBeNull()
    await client.close()
  })

  it('frames beyond the frame budget close the socket with OVERLOADED after ERROR sync/overloaded', async () => {
    const client = await SyncClient.connect({ url: s.url, token: observer })
    await client.hello() // frame 1
    await client.manifest([]) // frame 2
    for (let i = 0; i < 5; i++)
      client.send({ type: 'doc', householdId: HOUSEHOLDS[0]!, payload: new Uint8Array([1, 0]) }) // frames 3–7 (awareness)
    expect(await client.closed()).toBe(CloseCode.OVERLOADED)
    expect(client.errors.map((e) => e.code)).toEqual(['sync/overloaded'])
  })

  it('a BATCH with more frames than may wait on one connection is refused whole with OVERLOADED', async () => {
    const { client, seen } = await counted(s.url, observer)
    await client.hello()
    await client.manifest([])
    client.sendRaw(batchOf(Array.from({ length: 51 }, () => docSyncStep1(HOUSEHOLDS[0]!, EMPTY_SV))))
    expect(await client.closed()).toBe(CloseCode.OVERLOADED)
    expect(seen.get('doc') ?? 0).toBe(0) // none of the 51 was answered
  })

  it('a new socket brings no fresh MANIFEST budget: the fourth connection in a row of one user is refused', async () => {
    const token = (await s.addUser('obs-c', 'observer')).token
    const codes: (string | number)[] = []
    for (let i = 0; i < 4; i++) {
      const c = await SyncClient.connect({ url: s.url, token, retainUpdates: false })
      await c.hello()
      c.send({ type: 'manifest', entries: HOUSEHOLDS.slice(0, 20).map((id) => [id, 1]) }) // a device that holds everything
      const answer = await c.next((m) => m.type === 'manifest-reply' || m.type === 'error')
      codes.push(answer.type === 'error' ? answer.code : answer.type)
      if (answer.type === 'error') codes.push(await c.closed())
      else await c.close()
    }
    expect(codes).toEqual([...Array(3).fill('manifest-reply'), 'sync/overloaded', CloseCode.OVERLOADED])
  })
})
