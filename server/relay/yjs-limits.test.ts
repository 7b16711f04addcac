// /yjs has the limits of /sync: updates and step1s beyond the connection's budget close it with OVERLOADED (the stock
// provider reconnects and re-syncs what was not committed); awareness of read-only users and beyond its rate is dropped.
import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/sync/limits.ts'
import { readDocPayload, syncStep1Payload, updatePayload } from '../../shared/sync/protocol.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'

let s: RelayTestServer
let lan: string
let mai: string
let obs: string
const frozen = Date.now()

/** A raw y-websocket client: every message it receives, classified by readDocPayload (same framing as a DOC payload). */
class YjsSocket {
  readonly received: { kind: string; bytes: Uint8Array }[] = []
  readonly closed: Promise<number>
  private waiters: { test: () => boolean; ok: () => void }[] = []
  private constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((ok) => ws.on('close', (code) => ok(code)))
    ws.on('message', (data: Buffer) => {
      const bytes = new Uint8Array(data)
      this.received.push({ kind: readDocPayload(bytes).kind, bytes })
      this.waiters = this.waiters.filter((w) => (w.test() ? (w.ok(), false) : true))
    })
  }
  static async open(url: string, household: string, token: string): Promise<YjsSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/yjs/${household}?token=${encodeURIComponent(token)}`)
    const socket = new YjsSocket(ws) // listening before 'open': the server's step1 may come with it
    await new Promise<void>((ok, fail) => {
      ws.once('open', () => ok())
      ws.once('error', fail)
    })
    await socket.until(() => socket.count('step1') >= 1) // the server's step1 on open
    return socket
  }
  count(kind: string): number {
    return this.received.filter((m) => m.kind === kind).length
  }
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve()
    return new Promise((ok) => this.waiters.push({ test, ok }))
  }
  send(bytes: Uint8Array): void {
    this.ws.send(bytes)
  }
  /** step1 → step2: every message sent before it has been handled by the server. */
  async roundTrip(): Promise<void> {
    const step2s = this.count('step2')
    this.send(syncStep1Payload(Y.encodeStateVector(new Y.Doc())))
    await this.until(() => this.count('step2') > step2s)
  }
  close(): Promise<number> {
    this.ws.close()
    return this.closed
  }
}

function awareness(tag: number): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint8Array(enc, new Uint8Array([tag]))
  return encoding.toUint8Array(enc)
}

function replicaOf(householdId: string, clientId: number): DeviceReplica {
  const r = new DeviceReplica(clientId)
  r.apply(s.docStore.readState(householdId)!)
  return r
}

beforeAll(async () => {
  s = await startRelayServer({
    now: () => frozen,
    limits: {
      rates: {
        update: { perSecond: 1, burst: 5 },
        read: { perSecond: 1, burst: 3 },
        awareness: { perSecond: 1, burst: 2 },
      },
    },
  })
  s.addVillage('vy')
  s.seedHouseholds(['hy-1', 'hy-2', 'hy-3'], 'vy')
  lan = (await s.addUser('lan-y', 'enumerator', { villages: ['vy'] })).token
  mai = (await s.addUser('mai-y', 'enumerator', { villages: ['vy'] })).token
  obs = (await s.addUser('obs-y', 'observer')).token
})
afterAll(() => s.stop())

it('3,000 updates in a burst: the first 5 (the budget) are committed, then the socket closes with OVERLOADED', async () => {
  const head = s.docStore.head('hy-1')!
  const y = await YjsSocket.open(s.url, 'hy-1', lan)
  const r = replicaOf('hy-1', 90_001)
  for (let i = 0; i < 3_000; i++) {
    r.setAddress(`burst ${i}`)
    y.send(updatePayload(r.take()))
  }
  expect(await y.closed).toBe(CloseCode.OVERLOADED)
  await s.relay.flush()
  expect(s.docStore.head('hy-1')).toBe(head + 5)
})

it('step1s beyond the read budget close the socket with OVERLOADED', async () => {
  const y = await YjsSocket.open(s.url, 'hy-2', obs)
  for (let i = 0; i < 3; i++) await y.roundTrip()
  y.send(syncStep1Payload(Y.encodeStateVector(new Y.Doc())))
  expect(await y.closed).toBe(CloseCode.OVERLOADED)
})

it("an observer's awareness is not relayed, an enumerator's is, up to its rate", async () => {
  const watcher = await YjsSocket.open(s.url, 'hy-3', mai)
  const observer = await YjsSocket.open(s.url, 'hy-3', obs)
  const editor = await YjsSocket.open(s.url, 'hy-3', lan)
  observer.send(awareness(1))
  await observer.roundTrip() // the observer's awareness has been handled (and, if relayed, sent to the watcher)
  for (const tag of [2, 3, 4]) editor.send(awareness(tag))
  const r = replicaOf('hy-3', 90_002)
  r.setAddress('marker')
  editor.send(updatePayload(r.take())) // fanned out after the awareness messages before it
  await watcher.until(() => watcher.count('update') >= 1)
  const seen = watcher.received
    .filter((m) => m.kind === 'awareness' || m.kind === 'update')
    .map((m) => (m.kind === 'awareness' ? m.bytes.at(-1) : 'update'))
  expect(seen).toEqual([2, 3, 'update'])
  await Promise.all([watcher.close(), observer.close(), editor.close()])
})
