// Protocol edges the real relay rarely shows, against a scripted peer on a real WebSocket (ws): a version refusal
// stops the client (close 4426), a malformed frame makes it reconnect, a compressed BATCH is inflated and applied.
import 'fake-indexeddb/auto'
import { deflateRawSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import {
  CloseCode,
  decodeMessage,
  docSyncStep2,
  encodeMessage,
  packFrames,
  type SyncMessage,
} from '../../shared/sync/protocol.ts'
import { openDevice } from '../app/device.ts'
import { Backoff } from '../../shared/sync/backoff.ts'
import { SyncClient, type SocketLike, type SyncStatus } from './sync-client.ts'

let wss: WebSocketServer | null = null
let n = 0
afterEach(async () => {
  await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()))
  wss = null
})

/** A peer that answers each client frame with `script(message, send, socket)`; counts connections. */
async function scriptedPeer(script: (m: SyncMessage, send: (m: SyncMessage) => void, ws: WebSocket) => void) {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise((r) => wss!.once('listening', r))
  const peer = { connections: 0, port: (wss.address() as { port: number }).port }
  wss.on('connection', (ws) => {
    peer.connections++
    ws.on('message', (data: Buffer) => {
      const d = decodeMessage(new Uint8Array(data))
      if (d.ok) script(d.message, (m) => ws.send(encodeMessage(m)), ws)
    })
  })
  return peer
}

async function client(port: number) {
  const device = await openDevice(indexedDB, `rasoat-edges-${++n}`)
  const c = new SyncClient({
    url: () => `ws://127.0.0.1:${port}/sync`,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    store: device.syncStore,
    deviceId: device.deviceId,
    appVersion: 'test',
    backoff: new Backoff({ baseMs: 20, capMs: 50 }),
  })
  const until = (pred: (s: SyncStatus) => boolean) =>
    new Promise<void>((resolve) => {
      if (pred(c.status)) return resolve()
      const off = c.onStatus((s) => pred(s) && (off(), resolve()))
    })
  return { device, c, until }
}

describe('sync client protocol edges', () => {
  it('P2: a version refusal (ERROR + close 4426) stops the client and asks for an update', async () => {
    const peer = await scriptedPeer((m, send, ws) => {
      if (m.type === 'hello') {
        send({ type: 'error', code: 'sync/version-unsupported', message: 'update the app' })
        ws.close(CloseCode.VERSION, 'sync/version-unsupported')
      }
    })
    const { c, until } = await client(peer.port)
    c.start()
    await until((s) => s.phase === 'stopped')
    expect(c.status).toMatchObject({ stopReason: 'version', lastError: 'sync/version-unsupported' })
    // Stopped for good: no reconnect is scheduled (asserted on the session, not by sleeping and counting).
    expect(c.retryScheduled).toBe(false)
    expect(peer.connections).toBe(1)
  })

  it('P3/P5: an undecodable frame closes the socket and the client reconnects with backoff', async () => {
    const peer = await scriptedPeer((m, _send, ws) => {
      if (m.type === 'hello') ws.send(new Uint8Array([250, 1, 2, 3]))
    })
    const { c } = await client(peer.port)
    c.start()
    await expect.poll(() => peer.connections, { timeout: 5000 }).toBeGreaterThanOrEqual(3)
    expect(c.status.lastError).toBe('sync/malformed')
    c.stop()
  })

  it('backoff: a server that welcomes and then closes (overloaded) is retried with a growing delay, not every second', async () => {
    const peer = await scriptedPeer((m, send, ws) => {
      if (m.type === 'hello') send({ type: 'welcome', protocol: 1, userId: 'u1', serverTime: 0, epoch: 'e1' })
      if (m.type === 'manifest') ws.close(CloseCode.OVERLOADED, 'sync/overloaded')
    })
    const device = await openDevice(indexedDB, `rasoat-edges-${++n}`)
    const backoff = new Backoff({ baseMs: 10, capMs: 60_000, random: () => 1 })
    const c = new SyncClient({
      url: () => `ws://127.0.0.1:${peer.port}/sync`,
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      store: device.syncStore,
      deviceId: device.deviceId,
      appVersion: 'test',
      backoff,
    })
    c.start()
    await expect.poll(() => peer.connections, { timeout: 10_000 }).toBeGreaterThanOrEqual(4)
    expect(backoff.attempt).toBeGreaterThanOrEqual(3)
    c.stop()
  })

  it('P9/P10: a deflate-raw BATCH of step2 + HEAD pairs bootstraps households in order', async () => {
    const docs = ['b1', 'b2', 'b3'].map((id) => {
      const h = HouseholdDoc.create(
        { id, period: '2025', unit: '19900', village: 'Thôn Một', address: `${id} Lê Duẩn` },
        { clientId: 1 },
      )
      return { id, state: Y.encodeStateAsUpdate(h.ydoc) }
    })
    const peer = await scriptedPeer((m, send) => {
      if (m.type === 'hello') send({ type: 'welcome', protocol: 1, userId: 'u1', serverTime: Date.now(), epoch: 'e1' })
      if (m.type === 'manifest') {
        send({
          type: 'manifest-reply',
          changed: [],
          added: docs.map((d) => [d.id, 5] as [string, number]),
          removed: [],
        })
        const frames = docs.flatMap((d) => [
          encodeMessage(docSyncStep2(d.id, d.state)),
          encodeMessage({ type: 'head', householdId: d.id, serverSeq: 5 }),
        ])
        send({ type: 'batch', compressed: true, deflated: new Uint8Array(deflateRawSync(packFrames(frames))) })
      }
    })
    const { c, until, device } = await client(peer.port)
    c.start()
    await until((s) => s.phase === 'synced')
    await device.households.settled()
    expect(
      device.index
        .all()
        .map((r) => [r.id, r.serverSeq, r.address])
        .sort(),
    ).toEqual([
      ['b1', 5, 'b1 Lê Duẩn'],
      ['b2', 5, 'b2 Lê Duẩn'],
      ['b3', 5, 'b3 Lê Duẩn'],
    ])
    c.stop()
  })

  it('P14: a deflate-raw BATCH of STATE (Yjs V2) + HEAD pairs bootstraps households like step2s', async () => {
    const docs = ['s1', 's2'].map((id) => {
      const h = HouseholdDoc.create(
        { id, period: '2025', unit: '19900', village: 'Thôn Hai', address: `${id} Trần Phú` },
        { clientId: 1 },
      )
      return { id, stateV2: Y.encodeStateAsUpdateV2(h.ydoc) }
    })
    const peer = await scriptedPeer((m, send) => {
      if (m.type === 'hello') send({ type: 'welcome', protocol: 1, userId: 'u1', serverTime: Date.now(), epoch: 'e1' })
      if (m.type === 'manifest') {
        send({
          type: 'manifest-reply',
          changed: [],
          added: docs.map((d) => [d.id, 3] as [string, number]),
          removed: [],
        })
        const frames = docs.flatMap((d) => [
          encodeMessage({ type: 'state', householdId: d.id, updateV2: d.stateV2 }),
          encodeMessage({ type: 'head', householdId: d.id, serverSeq: 3 }),
        ])
        send({ type: 'batch', compressed: true, deflated: new Uint8Array(deflateRawSync(packFrames(frames))) })
      }
    })
    const { c, until, device } = await client(peer.port)
    c.start()
    await until((s) => s.phase === 'synced')
    await device.households.settled()
    expect(
      device.index
        .all()
        .map((r) => [r.id, r.serverSeq, r.address])
        .sort(),
    ).toEqual([
      ['s1', 3, 's1 Trần Phú'],
      ['s2', 3, 's2 Trần Phú'],
    ])
    c.stop()
  })

  it('P14: a STATE whose bytes are not a V2 update stores nothing of its batch (no HEAD) and reconnects', async () => {
    const peer = await scriptedPeer((m, send) => {
      if (m.type === 'hello') send({ type: 'welcome', protocol: 1, userId: 'u1', serverTime: Date.now(), epoch: 'e1' })
      if (m.type === 'manifest') {
        send({ type: 'manifest-reply', changed: [], added: [['g1', 4]], removed: [] })
        const frames = [
          encodeMessage({ type: 'state', householdId: 'g1', updateV2: new Uint8Array([255, 255, 255, 7, 1, 2]) }),
          encodeMessage({ type: 'head', householdId: 'g1', serverSeq: 4 }),
        ]
        send({ type: 'batch', compressed: true, deflated: new Uint8Array(deflateRawSync(packFrames(frames))) })
      }
    })
    const { c, device } = await client(peer.port)
    c.start()
    await expect.poll(() => peer.connections, { timeout: 5000 }).toBeGreaterThanOrEqual(2)
    c.stop()
    expect((await device.syncStore.manifest()).filter(([, seq]) => seq > 0)).toEqual([])
  })
})
