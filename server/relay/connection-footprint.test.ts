// What an idle connection keeps (bench W4, memory per idle connection): a phone in sync makes no queues, reply list,
// scope cache or bootstrap stream, holds its household bare, and keeps token buckets only for what it used. Real server
// on port 0, real SQLite file, real WebSocket clients; the connection is the one the hub holds for the household.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeviceConnection } from './device-connection.ts'
import { DEFAULT_RATES, takeToken, type BucketOwner } from './rate-limit.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

let server: RelayTestServer
let token: string

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('vm')
  server.seedHouseholds(['hh-m-1'], 'vm')
  token = (await server.addUser('mai', 'enumerator', { villages: ['vm'] })).token
})

afterAll(async () => {
  await server.stop()
})

/** A field the connection keeps to itself (read for this test only). */
function field(o: object, name: string): unknown {
  return Reflect.get(o, name)
}

/** The open connection of device `deviceId` the hub holds for the household. */
function connectionOf(householdId: string, deviceId: string): DeviceConnection {
  const open = [...server.relay.hub.holders(householdId)].filter(
    (s): s is DeviceConnection => s instanceof DeviceConnection && !s.isClosed() && s.deviceId === deviceId,
  )
  expect(open).toHaveLength(1)
  return open[0]!
}

describe('an idle connection', () => {
  it('a phone that was sent its households keeps no bootstrap stream once they are sent', async () => {
    const fresh = await SyncClient.connect({ url: server.url, token, deviceId: 'mai-tablet' })
    await fresh.hello()
    const reply = await fresh.manifest([]) // resolves once every added household has arrived
    expect(reply.added.map(([id]) => id)).toEqual(['hh-m-1'])
    expect(field(connectionOf('hh-m-1', 'mai-tablet'), 'bootstrap')).toBeNull()
    await fresh.close()
  })

  it('a phone in sync, after HELLO and an unchanged MANIFEST, made nothing it did not need', async () => {
    const first = await SyncClient.connect({ url: server.url, token, deviceId: 'mai-old-phone' })
    await first.hello()
    await first.manifest([])
    const head = first.heads.get('hh-m-1')!
    await first.close()

    const phone = await SyncClient.connect({ url: server.url, token, deviceId: 'mai-phone' })
    await phone.hello()
    const reply = await phone.manifest([['hh-m-1', head]])
    expect(reply).toMatchObject({ changed: [], added: [], removed: [] })
    const conn = connectionOf('hh-m-1', 'mai-phone')
    const made = Object.fromEntries(
      ['inbox', 'outgoing', 'replies', 'scopes', 'bootstrap', 'helloTimer'].map((k) => [k, field(conn, k)]),
    )
    expect(made).toEqual({
      inbox: null,
      outgoing: null,
      replies: null,
      scopes: null,
      bootstrap: null,
      helloTimer: null,
    })
    expect(field(conn, 'held')).toBe('hh-m-1') // one household: the id itself, no Set
    expect(conn.buckets).toHaveLength(4) // frames and MANIFESTs: two numbers each
    expect(field(conn.socket, 'token')).toBeNull() // the route socket let go of the request's token once open
    await phone.close()
  })
})

describe('token buckets kept as numbers', () => {
  it('are made on the first take, grow for a kind used later and keep the other kinds’ tokens', () => {
    let t = 0
    const rates = { ...DEFAULT_RATES, frame: { perSecond: 1, burst: 2 }, update: { perSecond: 1, burst: 1 } }
    const owner: BucketOwner = { buckets: null }
    expect([1, 2, 3].map(() => takeToken(owner, rates, 'frame', t))).toEqual([true, true, false])
    expect(owner.buckets).toHaveLength(2)
    expect([takeToken(owner, rates, 'update', t), takeToken(owner, rates, 'update', t)]).toEqual([true, false])
    expect(owner.buckets).toHaveLength(8) // frame, manifest (unused), read (unused), update
    expect(takeToken(owner, rates, 'frame', t)).toBe(false) // still empty after the array grew
    t += 1_000
    expect([takeToken(owner, rates, 'frame', t), takeToken(owner, rates, 'frame', t)]).toEqual([true, false])
    expect(takeToken(owner, rates, 'manifest', t)).toBe(true) // never used: a full bucket
  })
})
