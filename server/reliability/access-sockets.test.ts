// The access matrix over the sockets: every subject × /sync HELLO, MANIFEST, DOC read and write, /yjs connect and write,
// /live subscribe, at each place, against the declared policy (access-policy.ts); the database shows 0 refused writes
// committed, and no out-of-scope household's state reaches a socket.
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MessageType, updatePayload, YWS_MESSAGE_AWARENESS, YWS_MESSAGE_SYNC } from '../../shared/sync/protocol.ts'
import { DOC_READ, DOC_WRITE, ROUTE_POLICY, SYNC_POLICY, YJS_POLICY, type Grant, type Role } from './access-policy.ts'
import {
  CLOSED_HOUSEHOLD,
  HOUSEHOLD_OF,
  makeAccessWorld,
  SUBJECTS,
  type AccessWorld,
  type Place,
  type Subject,
} from './access-world.ts'
import { report, seed } from './long-run.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { SyncClient } from '../relay/test-client.ts'

let s: TestServer
let w: AccessWorld
const PLACES: readonly Place[] = ['in', 'village', 'commune']

beforeAll(async () => {
  s = await startTestServer({ log: () => {} })
  w = await makeAccessWorld(s)
}, 60_000)
afterAll(() => s.stop())

const isRole = (x: Subject): x is Role => x === 'enumerator' || x === 'supervisor' || x === 'admin' || x === 'observer'

function may(grants: Record<Role, Grant>, subject: Subject, place: Place): boolean {
  if (!isRole(subject)) return false
  const g = grants[subject]
  return g === 'any' || (g === 'scope' && (place === 'in' || (place === 'village' && subject === 'supervisor')))
}

/** What the database holds for one household: its committed log and its state. */
function committed(id: string): string {
  const n = s.db.prepare('SELECT count(*) FROM doc_log WHERE household_id = ?').pluck().get(id)
  const head = s.docStore.head(id)
  return `${String(n)}/${String(head)}/${Buffer.from(s.docStore.readState(id) ?? new Uint8Array()).toString('base64')}`
}

/** An address edit of `id` made on a replica of the committed state. */
function edit(id: string, clientId: number): Uint8Array {
  const r = new DeviceReplica(clientId)
  r.apply(s.docStore.readState(id)!)
  r.setAddress(`sửa ${clientId}`)
  return r.take()
}

async function syncAs(subject: Subject): Promise<{ c: SyncClient; welcomed: boolean }> {
  const c = await SyncClient.connect({ url: s.url, token: w.token(subject) ?? '' })
  const answer = await Promise.race([c.hello(), c.closed()])
  const welcomed = typeof answer !== 'number' && answer.type === 'welcome'
  return { c, welcomed }
}

let clientIds = 70_000

describe('access matrix over /sync', () => {
  it('S1 HELLO, MANIFEST, DOC step1 and DOC update by every subject at every place', async () => {
    expect(
      Object.keys(MessageType).filter((k) => !(k in SYNC_POLICY)),
      'kinds missing from SYNC_POLICY',
    ).toEqual([])
    const wrong: string[] = []
    let cases = 0
    let refused = 0
    for (const subject of SUBJECTS) {
      const { c, welcomed } = await syncAs(subject)
      cases++
      if (welcomed !== isRole(subject)) wrong.push(`${subject} HELLO: welcomed=${welcomed}`)
      if (!welcomed) {
        refused++
        expect(await c.closed()).toBe(4401)
        continue
      }
      // MANIFEST naming every household, in scope or not: only readable ones may come back with their state.
      const all = [...Object.values(HOUSEHOLD_OF), CLOSED_HOUSEHOLD]
      const reply = await c.manifest(all.map((id) => [id, 0]))
      cases++
      for (const place of PLACES) {
        const id = HOUSEHOLD_OF[place]
        const listed = [...reply.added, ...reply.changed].some(([h]) => h === id)
        if (listed && !may(DOC_READ, subject, place)) wrong.push(`${subject} MANIFEST lists ${id} (${place})`)

        // DOC step1: a read.
        cases++
        const read = await c.step1(id, new Uint8Array([0]))
        const readOk = read.type !== 'error'
        if (readOk !== may(DOC_READ, subject, place)) wrong.push(`${subject} DOC step1 ${id} (${place}): ${read.type}`)
        if (!readOk) refused++

        // DOC update: a write; a refused one commits nothing.
        cases++
        const before = committed(id)
        const answer = await c.sendUpdate(id, edit(id, ++clientIds))
        const wrote = answer.type === 'ack'
        if (wrote !== may(DOC_WRITE, subject, place))
          wrong.push(
            `${subject} DOC update ${id} (${place}): ${answer.type} ${answer.type === 'error' ? answer.code : ''}`,
          )
        if (!wrote) {
          refused++
          if (committed(id) !== before) wrong.push(`${subject} DOC update ${id} (${place}) refused but committed`)
        }
      }
      // No state of a household the subject may not read ever reached this socket.
      for (const place of PLACES)
        if (!may(DOC_READ, subject, place) && c.updates.has(HOUSEHOLD_OF[place]))
          wrong.push(`${subject} received state of ${HOUSEHOLD_OF[place]} (${place})`)

      // A closed period's record is frozen for every writer.
      cases++
      refused++
      const before = committed(CLOSED_HOUSEHOLD)
      const frozen = await c.sendUpdate(CLOSED_HOUSEHOLD, edit(CLOSED_HOUSEHOLD, ++clientIds))
      if (frozen.type === 'ack' || committed(CLOSED_HOUSEHOLD) !== before)
        wrong.push(`${subject} wrote the closed period's ${CLOSED_HOUSEHOLD}`)
      await c.close()
    }
    expect(wrong).toEqual([])
    report('access-sockets-sync', seed(), { cases, refused, allowed: cases - refused, unauthorised: wrong.length })
  }, 120_000)

  it('S2 an enumerator moving their own record beyond submitted commits nothing (sync/forbidden-transition)', async () => {
    const { c } = await syncAs('enumerator')
    await c.manifest([])
    const id = HOUSEHOLD_OF.in
    const r = new DeviceReplica(++clientIds)
    r.apply(s.docStore.readState(id)!)
    const by = { by: w.ids.enumerator, at: new Date().toISOString() }
    for (const step of ['in_progress', 'submitted', 'verified'] as const)
      if (r.household.status !== step) expect(r.household.changeStatus(step, by).ok, step).toBe(true)
    const before = committed(id)
    expect(await c.sendUpdate(id, r.take())).toMatchObject({ type: 'error', code: 'sync/forbidden-transition' })
    expect(committed(id)).toBe(before)
    await c.close()
  })
})

/** Opens /yjs/<id>: the refused upgrade's HTTP status, or the open socket and its messages. */
function yjs(id: string, token: string | undefined) {
  return new Promise<{ status: number; ws?: WebSocket; messages: Uint8Array[] }>((ok) => {
    const q = token ? `?token=${encodeURIComponent(token)}` : ''
    const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}/yjs/${id}${q}`)
    const messages: Uint8Array[] = []
    ws.on('message', (d: Buffer) => messages.push(new Uint8Array(d)))
    ws.once('open', () => ok({ status: 101, ws, messages }))
    ws.once('unexpected-response', (_req, res) => ok({ status: res.statusCode ?? 0, messages }))
    ws.once('error', () => ok({ status: 0, messages }))
  })
}

/** Resolves with the first message passing `test` (already received or to come). */
function nextMessage(ws: WebSocket, seen: Uint8Array[], test: (m: Uint8Array) => boolean): Promise<Uint8Array> {
  const found = seen.find(test)
  if (found) return Promise.resolve(found)
  return new Promise((ok) => {
    const on = (d: Buffer): void => {
      const m = new Uint8Array(d)
      if (test(m)) {
        ws.off('message', on)
        ok(m)
      }
    }
    ws.on('message', on)
  })
}

describe('access matrix over /yjs and /live', () => {
  it('Y1 /yjs opens only readable households; writes by read-only roles and to a closed period commit nothing', async () => {
    expect(Object.keys(YJS_POLICY).sort()).toEqual(['awareness', 'sync-step1', 'sync-step2', 'sync-update'])
    expect([YWS_MESSAGE_SYNC, YWS_MESSAGE_AWARENESS]).toEqual([0, 1])
    const wrong: string[] = []
    let cases = 0
    let refused = 0
    for (const subject of SUBJECTS) {
      for (const place of PLACES) {
        const id = HOUSEHOLD_OF[place]
        cases++
        const { status, ws, messages } = await yjs(id, w.token(subject))
        const want = may(DOC_READ, subject, place)
        if ((status === 101) !== want) wrong.push(`${subject} /yjs/${id} (${place}): ${status}`)
        if (!ws) {
          refused++
          continue
        }
        await nextMessage(ws, messages, (m) => m[0] === YWS_MESSAGE_SYNC && m[1] === 0) // the server's step1
        if (!may(DOC_WRITE, subject, place)) {
          cases++
          refused++
          const before = committed(id)
          ws.send(updatePayload(edit(id, ++clientIds)))
          const denied = await nextMessage(ws, messages, (m) => m[0] === 2) // y-protocols permission-denied
          if (!new TextDecoder().decode(denied).includes('sync/')) wrong.push(`${subject} /yjs write ${id}: no refusal`)
          if (committed(id) !== before) wrong.push(`${subject} /yjs write ${id} (${place}) committed`)
        }
        ws.close()
      }
    }
    // The enumerator's own village, but a closed period's record.
    const { ws, messages } = await yjs(CLOSED_HOUSEHOLD, w.token('enumerator'))
    if (ws) {
      cases++
      refused++
      await nextMessage(ws, messages, (m) => m[0] === YWS_MESSAGE_SYNC && m[1] === 0)
      const before = committed(CLOSED_HOUSEHOLD)
      ws.send(updatePayload(edit(CLOSED_HOUSEHOLD, ++clientIds)))
      await nextMessage(ws, messages, (m) => m[0] === 2)
      if (committed(CLOSED_HOUSEHOLD) !== before) wrong.push(`/yjs write to the closed period committed`)
      ws.close()
    }
    expect(wrong).toEqual([])
    report('access-sockets-yjs', seed(), { cases, refused, allowed: cases - refused, unauthorised: wrong.length })
  }, 120_000)

  it('L1 /live subscribes only the console roles, a supervisor to their own commune', async () => {
    const wrong: string[] = []
    for (const subject of SUBJECTS) {
      for (const [place, unit] of [
        ['in', '19900'],
        ['commune', '20014'],
      ] as const) {
        const token = w.token(subject)
        const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}/live${token ? `?token=${token}` : ''}`)
        const outcome = await new Promise<string>((ok) => {
          ws.on('message', (d: Buffer) => ok(String((JSON.parse(d.toString()) as { type: string }).type)))
          ws.once('close', (code) => ok(`close ${code}`))
          ws.once('unexpected-response', (_q, res) => ok(`http ${res.statusCode}`))
          ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', unit })))
        })
        const want = may(ROUTE_POLICY.find((r) => r.path === '/live')!.who, subject, place)
        if ((outcome === 'subscribed') !== want) wrong.push(`${subject} /live unit ${unit}: ${outcome}`)
        ws.terminate()
      }
    }
    expect(wrong).toEqual([])
  })
})
