// Integration tests of the relay: real server on port 0, real SQLite file, real `ws` clients (our device client and
// stock y-websocket providers). Rule ids P… refer to docs/sync-protocol.md.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { deflateRawSync } from 'node:zlib'
import {
  docUpdate,
  encodeMessage,
  updatePayload,
  packFrames,
  readDocPayload,
  syncStep2Payload,
  type DocMessage,
  type SyncMessage,
} from '../../shared/sync/protocol.ts'
import { DeviceReplica, PATH } from '../test-support/household-fixture.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'
import { MAX_FRAME_BYTES } from '../../shared/sync/limits.ts'

let server: RelayTestServer
const tokens: Record<string, string> = {}
const userIds: Record<string, string> = {}
const H300 = Array.from({ length: 300 }, (_, i) => `hh-a-${String(i).padStart(3, '0')}`)

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('va')
  server.addVillage('vb')
  server.seedHouseholds(H300, 'va')
  server.seedHouseholds(['hh-b-1', 'hh-b-2'], 'vb')
  for (const [name, role, place] of [
    ['an', 'enumerator', { villages: ['va'] }],
    ['binh', 'enumerator', { villages: ['va'] }],
    ['chi', 'enumerator', { villages: ['vb'] }],
    ['sup', 'supervisor', { unitCode: '19900' }],
    ['admin', 'admin', {}],
  ] as [string, 'enumerator' | 'supervisor' | 'admin', { villages?: string[]; unitCode?: string }][]) {
    const { user, token } = await server.addUser(name, role, place)
    tokens[name] = token
    userIds[name] = user.id
  }
})

afterAll(async () => {
  await server.stop()
})

async function device(name: string): Promise<SyncClient> {
  const c = await SyncClient.connect({ url: server.url, token: tokens[name]!, deviceId: `${name}-phone` })
  const w = await c.hello()
  expect(w.type).toBe('welcome')
  return c
}

/** A device replica of one household built from what the client received. */
function replicaFrom(c: SyncClient, id: string, clientId: number): DeviceReplica {
  const r = new DeviceReplica(clientId)
  for (const u of c.updates.get(id) ?? []) r.apply(u)
  return r
}

describe('stock y-websocket over /yjs/:householdId', () => {
  it('two WebsocketProviders converge through the server, and the edit is committed', async () => {
    const docs = [new Y.Doc(), new Y.Doc()]
    const providers = docs.map(
      (doc) =>
        new WebsocketProvider(`${server.url.replace('http', 'ws')}/yjs`, 'hh-a-000', doc, {
          WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
          disableBc: true,
          params: { token: tokens.an! },
        }),
    )
    try {
      await Promise.all(providers.map((p) => new Promise<void>((ok) => (p.synced ? ok() : p.once('sync', () => ok())))))
      const [a, b] = docs.map((d) => new HouseholdDoc(d))
      expect(b!.read().household.address).toBe('hh-a-000 đường Lê Lợi')
      expect(a!.setField('address', '5 Ngô Quyền').ok).toBe(true)
      await waitUntil(() => b!.read().household.address === '5 Ngô Quyền')
      await waitUntil(
        () =>
          server.db.prepare('SELECT address FROM households WHERE id = ?').pluck().get('hh-a-000') === '5 Ngô Quyền',
      )
      expect(server.db.prepare('SELECT count(*) FROM doc_log WHERE household_id = ?').pluck().get('hh-a-000')).toBe(1)
    } finally {
      for (const p of providers) p.destroy()
    }
  })

  it('a read-only role syncs over /yjs but its updates are refused with y-protocols permission-denied', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/yjs/hh-a-050?token=${tokens.sup}`)
    const messages: Uint8Array[] = []
    let notify = (): void => {}
    ws.on('message', (d: Buffer) => {
      messages.push(new Uint8Array(d))
      notify()
    })
    const nextMessage = (test: (m: Uint8Array) => boolean) =>
      new Promise<Uint8Array>((ok) => {
        const check = (): void => {
          const m = messages.find(test)
          if (m) ok(m)
        }
        notify = check
        check()
      })
    await nextMessage((m) => m[0] === 0 && m[1] === 0) // the server's sync step1
    const r = new DeviceReplica(50_001)
    r.apply(server.docStore.readState('hh-a-050')!)
    r.setAddress('supervisor edit')
    ws.send(updatePayload(r.take()))
    const denied = await nextMessage((m) => m[0] === 2)
    expect(new TextDecoder().decode(denied)).toContain('sync/read-only')
    expect(server.db.prepare('SELECT count(*) FROM doc_log WHERE household_id = ?').pluck().get('hh-a-050')).toBe(0)
    ws.close()
  })

  it('refuses the upgrade without a valid token and outside the area', async () => {
    await expect(upgrade(`/yjs/hh-a-001?token=nope`)).resolves.toBe(401)
    await expect(upgrade(`/yjs/hh-a-001?token=${tokens.chi}`)).resolves.toBe(403)
    // /sync: a browser cannot read a refused upgrade's status, so the socket opens and closes with the named 4401
    await expect(closeCodeOf(`/sync`)).resolves.toBe(4401)
    await expect(closeCodeOf(`/sync?token=nope`)).resolves.toBe(4401)
    const plain = await fetch(`${server.url}/sync`)
    expect(plain.status).toBe(401)
    expect(await plain.json()).toMatchObject({ code: 'sync/unauthenticated' })
  })
})

describe('/sync device protocol', () => {
  it('P8 P10: a 300-household cold bootstrap is a few BATCH frames; a reconnect with nothing changed is 4 frames', async () => {
    const c = await device('binh')
    const reply = await c.manifest([])
    expect(reply.added).toHaveLength(300)
    const batches = c.traffic.typesIn.filter((t) => t === 'batch').length
    expect(batches).toBeGreaterThanOrEqual(1)
    expect(batches).toBeLessThanOrEqual(4)
    expect(c.heads.size).toBe(300)
    const r = replicaFrom(c, 'hh-a-123', 9_001)
    expect(r.household.read().household.address).toBe('hh-a-123 đường Lê Lợi')
    console.log(`bootstrap 300 households: ${c.traffic.bytesIn} bytes in ${c.traffic.framesIn} frames`)
    const entries = [...c.heads] as [string, number][]
    await c.close()

    const again = await device('binh')
    const second = await again.manifest(entries)
    expect(second).toEqual({ type: 'manifest-reply', changed: [], added: [], removed: [] })
    expect(again.traffic.typesOut).toEqual(['hello', 'manifest'])
    expect(again.traffic.typesIn).toEqual(['welcome', 'manifest-reply'])
    await again.close()
  })

  it('P8: each update gets exactly one ACK after commit, in order; other holders get DOC update + HEAD', async () => {
    const a = await device('an')
    const b = await device('binh')
    await a.manifest([])
    await b.manifest([])
    const r = replicaFrom(a, 'hh-a-010', 10_001)
    const acks = []
    for (const street of ['1 Lê Duẩn', '2 Lê Duẩn', '3 Lê Duẩn']) {
      r.setAddress(street)
      acks.push(a.sendUpdate('hh-a-010', r.take()))
    }
    const answers = await Promise.all(acks)
    expect(answers.map((m) => m.type)).toEqual(['ack', 'ack', 'ack'])
    const seqs = answers.map((m) => (m.type === 'ack' ? m.serverSeq : 0))
    expect(seqs).toEqual([2, 3, 4])
    // every ACKed update is committed
    expect(server.db.prepare('SELECT max(seq) FROM doc_log WHERE household_id = ?').pluck().get('hh-a-010')).toBe(4)
    await b.next((m) => m.type === 'head' && m.householdId === 'hh-a-010' && m.serverSeq === 4)
    expect(replicaFrom(b, 'hh-a-010', 10_002).address()).toBe('3 Lê Duẩn')
    // a changed household shows up in the next manifest
    const c = await device('binh')
    const reply = await c.manifest([
      ['hh-a-010', 1],
      ['hh-a-011', 1],
    ])
    expect(reply.changed).toEqual([['hh-a-010', 4]])
    const head = await c.step1('hh-a-010', replicaFrom(b, 'hh-a-010', 10_003).stateVector())
    expect(head).toEqual({ type: 'head', householdId: 'hh-a-010', serverSeq: 4 })
    await Promise.all([a.close(), b.close(), c.close()])
  })

  it('P10: a device behind on a household gets no fan-out HEAD for it until its step1 is answered', async () => {
    const writer = await device('an')
    await writer.manifest([])
    const r = replicaFrom(writer, 'hh-a-060', 60_001)
    r.setAddress('seq 2')
    expect(await writer.sendUpdate('hh-a-060', r.take())).toMatchObject({ type: 'ack', serverSeq: 2 })
    const behind = await device('binh')
    const reply = await behind.manifest([
      ['hh-a-060', 1],
      ['hh-a-061', 1],
    ])
    expect(reply.changed).toEqual([['hh-a-060', 2]])
    r.setAddress('seq 3')
    expect(await writer.sendUpdate('hh-a-060', r.take())).toMatchObject({ type: 'ack', serverSeq: 3 })
    // a round trip on the same socket: any fan-out for hh-a-060 would have arrived before this answer
    await behind.step1('hh-a-061', new Uint8Array([0]))
    expect(behind.heads.has('hh-a-060')).toBe(false)
    expect(await behind.step1('hh-a-060', new Uint8Array([0]))).toEqual({
      type: 'head',
      householdId: 'hh-a-060',
      serverSeq: 3,
    })
    r.setAddress('seq 4')
    await writer.sendUpdate('hh-a-060', r.take())
    await behind.next((m) => m.type === 'head' && m.householdId === 'hh-a-060' && m.serverSeq === 4)
    await Promise.all([writer.close(), behind.close()])
  })

  it('P12: concurrent offline edits of one field → exactly one open conflict; resolving it reaches both devices', async () => {
    const a = await device('an')
    const b = await device('binh')
    await a.manifest([])
    await b.manifest([])
    const ra = replicaFrom(a, 'hh-a-020', 20_001)
    const rb = replicaFrom(b, 'hh-a-020', 20_002)
    ra.setAddress('An viết')
    rb.setAddress('Bình viết')
    expect((await a.sendUpdate('hh-a-020', ra.take())).type).toBe('ack')
    expect((await b.sendUpdate('hh-a-020', rb.take())).type).toBe('ack')
    const open = server.relay.conflicts.list({ status: 'open', householdId: 'hh-a-020' })
    expect(open).toHaveLength(1)
    const conflict = open[0]!
    expect(conflict.path).toBe(PATH.address)
    expect(conflict.candidates.map((x) => [x.value, x.userId, x.deviceId])).toEqual([
      ['An viết', userIds.an, 'an-phone'],
      ['Bình viết', userIds.binh, 'binh-phone'],
    ])
    await a.next((m) => m.type === 'conflict' && m.householdId === 'hh-a-020')
    expect(b.conflicts.map((x) => x.conflictId)).toContain(String(conflict.id))

    const admin = server.access.authenticate(tokens.admin!)!
    const resolved = await server.relay.resolveConflict(String(conflict.id), { candidate: 0 }, admin)
    expect(resolved).toMatchObject({
      ok: true,
      conflict: { status: 'resolved', resolution: 'An viết', resolvedBy: userIds.admin },
    })
    for (const c of [a, b])
      await c.next(
        (m) => m.type === 'head' && m.householdId === 'hh-a-020' && resolved.ok && m.serverSeq === resolved.serverSeq,
      )
    expect(replicaFrom(a, 'hh-a-020', 20_003).address()).toBe('An viết')
    expect(replicaFrom(b, 'hh-a-020', 20_004).address()).toBe('An viết')
    // devices editing on top of the resolution are sequential: no new conflict
    const rb2 = replicaFrom(b, 'hh-a-020', 20_002)
    rb2.setAddress('Bình sửa sau')
    expect((await b.sendUpdate('hh-a-020', rb2.take())).type).toBe('ack')
    expect(server.relay.conflicts.list({ householdId: 'hh-a-020' })).toHaveLength(1)
    expect(server.relay.conflicts.list({ status: 'open', householdId: 'hh-a-020' })).toHaveLength(0)
    await Promise.all([a.close(), b.close()])
  })
})

describe('batches and resync', () => {
  it('P9: frames inside a compressed client BATCH are processed in order, each update ACKed', async () => {
    const a = await device('an')
    await a.manifest([])
    const r = replicaFrom(a, 'hh-a-040', 40_001)
    const frames = ['Lô 1', 'Lô 2'].map((street) => {
      r.setAddress(street)
      return encodeMessage(docUpdate('hh-a-040', r.take()))
    })
    const acks: SyncMessage[] = []
    const done = a.next((m) => m.type === 'ack' && acks.push(m) === 2)
    a.send({ type: 'batch', compressed: true, deflated: deflateRawSync(packFrames(frames)) })
    await done
    expect(acks.map((m) => (m.type === 'ack' ? m.serverSeq : 0))).toEqual([2, 3])
    await a.close()
  })

  it('an update built on content the server lacks gets DOC step1 + ERROR sync/missing-dependencies; step2 then syncs', async () => {
    const a = await device('an')
    await a.manifest([])
    const r = replicaFrom(a, 'hh-a-041', 41_001)
    r.setAddress('never sent')
    const lost = r.take()
    r.setAddress('sent')
    const step1 = a.next((m) => m.type === 'doc' && m.householdId === 'hh-a-041')
    expect(await a.sendUpdate('hh-a-041', r.take())).toMatchObject({ type: 'error', code: 'sync/missing-dependencies' })
    const payload = readDocPayload(((await step1) as DocMessage).payload)
    expect(payload.kind).toBe('step1')
    const sv = payload.kind === 'step1' ? payload.stateVector : new Uint8Array()
    expect(lost.length).toBeGreaterThan(0)
    const answer = a.next((m) => m.type === 'ack' && m.householdId === 'hh-a-041')
    a.send({ type: 'doc', householdId: 'hh-a-041', payload: syncStep2Payload(Y.encodeStateAsUpdate(r.doc, sv)) })
    expect(await answer).toMatchObject({ type: 'ack', serverSeq: 2 })
    expect(server.db.prepare('SELECT address FROM households WHERE id = ?').pluck().get('hh-a-041')).toBe('sent')
    await a.close()
  })
})

describe('refusals never disturb other connections (P5 P11)', () => {
  it('out-of-area, read-only, oversized, garbage and spoofed client ids are answered per household; a bad frame closes only its socket', async () => {
    const bystander = await device('binh')
    await bystander.manifest([])
    const a = await device('an')
    await a.manifest([])
    const ra = replicaFrom(a, 'hh-a-030', 30_001)

    // out of area: an is not assigned to village vb
    const out = await a.sendUpdate('hh-b-1', new Uint8Array([0, 0]))
    expect(out).toMatchObject({ type: 'error', code: 'sync/forbidden', householdId: 'hh-b-1' })
    expect(await a.step1('hh-b-1', new Uint8Array([0]))).toMatchObject({ type: 'error', code: 'sync/forbidden' })
    // oversized update
    const big = await a.sendUpdate('hh-a-030', new Uint8Array(300 * 1024))
    expect(big).toMatchObject({ type: 'error', code: 'sync/too-large', householdId: 'hh-a-030' })
    // garbage that is not a Yjs update
    expect(await a.sendUpdate('hh-a-030', new Uint8Array([7, 7, 7, 7, 200, 1]))).toMatchObject({
      type: 'error',
      code: 'sync/invalid-update',
    })
    // a client id already bound to another user
    const rb = replicaFrom(bystander, 'hh-a-030', 30_002)
    rb.setAddress('Bình first')
    const ack = await bystander.sendUpdate('hh-a-030', rb.take())
    expect(ack.type).toBe('ack')
    await waitUntil(() => a.heads.get('hh-a-030') === (ack.type === 'ack' ? ack.serverSeq : -1))
    const spoof = replicaFrom(a, 'hh-a-030', 30_009)
    spoof.doc.clientID = 30_002
    spoof.setAddress('An pretending to be Bình')
    expect(await a.sendUpdate('hh-a-030', spoof.take())).toMatchObject({ type: 'error', code: 'sync/client-id-taken' })
    // read-only role
    const sup = await device('sup')
    await sup.manifest([['hh-a-030', 0]])
    expect(await sup.sendUpdate('hh-a-030', ra.take())).toMatchObject({ type: 'error', code: 'sync/read-only' })
    // after all that, the same connection still syncs
    ra.setAddress('An still syncing')
    expect((await a.sendUpdate('hh-a-030', ra.take())).type).toBe('ack')

    // a malformed frame closes only that socket, with 4400
    a.sendRaw(new Uint8Array([250, 250, 250]))
    expect(await a.closed()).toBe(4400)
    const rb2 = replicaFrom(bystander, 'hh-a-031', 30_003)
    rb2.setAddress('Bình keeps going')
    expect((await bystander.sendUpdate('hh-a-031', rb2.take())).type).toBe('ack')
    // a frame before HELLO is a protocol error too
    const early = await SyncClient.connect({ url: server.url, token: tokens.binh! })
    early.send({ type: 'manifest', entries: [] })
    expect(await early.closed()).toBe(4400)
    // an unsupported protocol version gets ERROR + 4426
    const old = await SyncClient.connect({ url: server.url, token: tokens.binh! })
    expect(await old.hello(99)).toMatchObject({ type: 'error', code: 'sync/version-unsupported' })
    expect(await old.closed()).toBe(4426)
    expect(encodeMessage({ type: 'head', householdId: 'x', serverSeq: 1 }).length).toBeGreaterThan(0)
    // a frame above the protocol's frame limit is refused by ws before it is buffered whole: 1009, that socket only
    const huge = await SyncClient.connect({ url: server.url, token: tokens.binh! })
    huge.sendRaw(new Uint8Array(MAX_FRAME_BYTES + 1))
    expect(await huge.closed()).toBe(1009)
    const rb3 = replicaFrom(bystander, 'hh-a-032', 30_004)
    rb3.setAddress('Bình after the huge frame')
    expect((await bystander.sendUpdate('hh-a-032', rb3.take())).type).toBe('ack')
    await Promise.all([bystander.close(), sup.close()])
  })
})

async function upgrade(path: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(server.url.replace('http', 'ws') + path)
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('open', () => {
      ws.close()
      resolve(101)
    })
    ws.on('error', () => {})
  })
}

async function closeCodeOf(path: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(server.url.replace('http', 'ws') + path)
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('close', (code) => resolve(code))
    ws.on('error', () => {})
  })
}

async function waitUntil(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached')
    await new Promise((ok) => setTimeout(ok, 10))
  }
}
