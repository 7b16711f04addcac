// Connections per user and idle sockets: /sync and /yjs sockets of one user count together; beyond the cap the oldest
// closes with TOO_MANY_CONNECTIONS; a socket silent for the idle time closes with IDLE_TIMEOUT (injected clock).
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { CloseCode } from '../../shared/sync/limits.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

let s: RelayTestServer
let lan: string
let mai: string
let clock = Date.now()
const IDLE_MS = 15 * 60_000

/** A raw socket that records its close code. */
async function rawSocket(url: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(url)
  const closed = new Promise<number>((ok) => ws.on('close', (code) => ok(code)))
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok())
    ws.once('error', fail)
  })
  return { ws, closed }
}

beforeAll(async () => {
  s = await startRelayServer({
    now: () => clock,
    limits: { maxConnectionsPerUser: 3, idleMs: IDLE_MS, idleCheckMs: 5 },
  })
  s.addVillage('vc')
  s.seedHouseholds(['hc-1'], 'vc')
  lan = (await s.addUser('lan-c', 'enumerator', { villages: ['vc'] })).token
  mai = (await s.addUser('mai-c', 'enumerator', { villages: ['vc'] })).token
})
afterAll(() => s.stop())

it('20 /sync sockets of one user: the oldest 17 close with TOO_MANY_CONNECTIONS, 3 stay; another user is unaffected', async () => {
  const other = await SyncClient.connect({ url: s.url, token: mai })
  await other.hello()
  const mine: SyncClient[] = []
  for (let i = 0; i < 20; i++) mine.push(await SyncClient.connect({ url: s.url, token: lan }))
  const codes = await Promise.all(mine.slice(0, 17).map((c) => c.closed()))
  expect(new Set(codes)).toEqual(new Set([CloseCode.TOO_MANY_CONNECTIONS]))
  for (const c of mine.slice(17)) expect((await c.hello()).type).toBe('welcome')
  expect((await other.manifest([])).added.map(([id]) => id)).toEqual(['hc-1'])
  expect(s.relay.connectionCount()).toBe(4)
  await Promise.all([...mine.slice(17), other].map((c) => c.close()))
})

it('/yjs sockets count with /sync ones: a third /yjs socket after two /sync ones closes the oldest /sync socket', async () => {
  const a = await SyncClient.connect({ url: s.url, token: lan })
  const b = await SyncClient.connect({ url: s.url, token: lan })
  const yjs = `${s.url.replace(/^http/, 'ws')}/yjs/hc-1?token=${encodeURIComponent(lan)}`
  const y1 = await rawSocket(yjs)
  expect(a.closeCode).toBeNull()
  const y2 = await rawSocket(yjs)
  expect(await a.closed()).toBe(CloseCode.TOO_MANY_CONNECTIONS)
  expect((await b.hello()).type).toBe('welcome')
  await b.close()
  y1.ws.close()
  y2.ws.close()
  await Promise.all([y1.closed, y2.closed])
})

it('a /sync or /yjs socket with no message for the idle time closes with IDLE_TIMEOUT; one that spoke recently stays', async () => {
  const quiet = await SyncClient.connect({ url: s.url, token: lan })
  const quietYjs = await rawSocket(`${s.url.replace(/^http/, 'ws')}/yjs/hc-1?token=${encodeURIComponent(lan)}`)
  const talking = await SyncClient.connect({ url: s.url, token: mai })
  await quiet.hello()
  await talking.hello()
  clock += IDLE_MS - 60_000
  await talking.manifest([]) // a message 1 min before the quiet one's deadline
  clock += 2 * 60_000 // quiet: 16 min silent; talking: 2 min
  expect(await quiet.closed()).toBe(CloseCode.IDLE_TIMEOUT)
  expect(await quietYjs.closed).toBe(CloseCode.IDLE_TIMEOUT)
  expect(talking.closeCode).toBeNull() // swept in the same pass as the quiet ones
  await talking.close()
})

it('a /sync or /yjs socket the phone closes leaves the registry and fan-out at once', async () => {
  const before = s.relay.connectionCount()
  const phone = await SyncClient.connect({ url: s.url, token: mai })
  await phone.hello()
  await phone.manifest([])
  const y = await rawSocket(`${s.url.replace(/^http/, 'ws')}/yjs/hc-1?token=${encodeURIComponent(mai)}`)
  expect(s.relay.connectionCount()).toBe(before + 2)
  await vi.waitFor(() => expect(s.relay.hub.holders('hc-1').size).toBe(2)) // the phone (bootstrapped) and the /yjs socket
  await phone.close()
  y.ws.close()
  await y.closed
  await vi.waitFor(() => expect(s.relay.connectionCount()).toBe(before))
  expect(s.relay.hub.holders('hc-1').size).toBe(0)
})
