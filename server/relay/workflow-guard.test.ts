// The workflow is enforced by the relay (docs/server.md "Workflow permissions"): over /sync and /yjs a device may only
// make the field moves, with history entries naming itself; review moves and edits of a locked record are refused with a
// household-scoped code, nothing is stored, and the connection's other households keep syncing.
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { SERVER_CLIENT_ID } from '../../shared/doc/keys.ts'
import { makeHousehold } from '../../shared/test-support/household-fixtures.ts'
import type { Status } from '../../shared/household/types.ts'
import { YWS_MESSAGE_SYNC } from '../../shared/sync/protocol.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { startRelayServer, TEST_UNIT, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

let server: RelayTestServer
let enumerator: { id: string; token: string }
let admin: { id: string; token: string }
const statuses: Record<string, Status> = {
  'wg-open': 'in_progress',
  'wg-sub': 'submitted',
  'wg-ver': 'verified',
  'wg-other': 'in_progress',
  'wg-yjs': 'submitted',
}

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('wv')
  server.db.transaction(() => {
    for (const [id, status] of Object.entries(statuses)) {
      const doc = HouseholdDoc.create(
        { ...makeHousehold({ id, status, village: 'wv', unit: TEST_UNIT }), format: undefined } as never,
        { clientId: SERVER_CLIENT_ID },
      )
      server.docStore.createHousehold(
        { id, period: '2025', unitCode: TEST_UNIT, villageId: 'wv' },
        Y.encodeStateAsUpdate(doc.ydoc),
        'seed',
      )
    }
  })()
  const e = await server.addUser('wg-enum', 'enumerator', { villages: ['wv'] })
  enumerator = { id: e.user.id, token: e.token }
  const a = await server.addUser('wg-admin', 'admin')
  admin = { id: a.user.id, token: a.token }
})
afterAll(() => server.stop())

async function phone(token = enumerator.token): Promise<SyncClient> {
  const c = await SyncClient.connect({ url: server.url, token })
  await c.hello()
  await c.manifest([])
  return c
}

function replicaOf(c: SyncClient, id: string, clientId: number): DeviceReplica {
  const r = new DeviceReplica(clientId)
  for (const u of c.updates.get(id) ?? []) r.apply(u)
  return r
}

const at = () => new Date().toISOString()

describe('/sync workflow guard', () => {
  it('G1 the enumerator submits their own record (in_progress → submitted, by = self): ACK', async () => {
    const c = await phone()
    const r = replicaOf(c, 'wg-open', 41_001)
    expect(r.household.changeStatus('submitted', { by: enumerator.id, at: at() }).ok).toBe(true)
    expect(await c.sendUpdate('wg-open', r.take())).toMatchObject({ type: 'ack' })
    expect(HouseholdDoc.load(server.docStore.readState('wg-open')!).status).toBe('submitted')
    await c.close()
  })

  it('G2 an enumerator writing verified over /sync gets sync/forbidden-transition, nothing is stored, another household still syncs', async () => {
    const c = await phone()
    const head = server.docStore.head('wg-sub')
    const r = replicaOf(c, 'wg-sub', 41_002)
    expect(r.household.changeStatus('verified', { by: enumerator.id, at: at() }).ok).toBe(true)
    expect(await c.sendUpdate('wg-sub', r.take())).toMatchObject({
      type: 'error',
      code: 'sync/forbidden-transition',
      householdId: 'wg-sub',
    })
    expect(server.docStore.head('wg-sub')).toBe(head)
    expect(HouseholdDoc.load(server.docStore.readState('wg-sub')!).status).toBe('submitted')
    const other = replicaOf(c, 'wg-other', 41_003)
    other.setAddress('vẫn đồng bộ')
    expect(await c.sendUpdate('wg-other', other.take())).toMatchObject({ type: 'ack' })
    await c.close()
  })

  it('G3 a history entry naming another user (a supervisor) is refused even on an allowed move', async () => {
    const c = await phone()
    const r = replicaOf(c, 'wg-other', 41_004)
    r.household.changeStatus('submitted', { by: admin.id, at: at() })
    expect(await c.sendUpdate('wg-other', r.take())).toMatchObject({ type: 'error', code: 'sync/forbidden-transition' })
    await c.close()
  })

  it('G4 an answer edit of a verified record is refused with sync/record-locked', async () => {
    const c = await phone()
    const head = server.docStore.head('wg-ver')
    const r = replicaOf(c, 'wg-ver', 41_005)
    r.setAddress('sửa sau khi đã xác nhận')
    expect(await c.sendUpdate('wg-ver', r.take())).toMatchObject({ type: 'error', code: 'sync/record-locked' })
    expect(server.docStore.head('wg-ver')).toBe(head)
    await c.close()
  })

  it('G5 an admin device is held to the same rule: review steps go through the review routes', async () => {
    const c = await phone(admin.token)
    const r = replicaOf(c, 'wg-sub', 41_006)
    r.household.changeStatus('returned', { by: admin.id, at: at(), comment: 'qua /sync' })
    expect(await c.sendUpdate('wg-sub', r.take())).toMatchObject({ type: 'error', code: 'sync/forbidden-transition' })
    await c.close()
  })
})

describe('/yjs workflow guard', () => {
  it('G6 a stock y-websocket client writing returned is answered permission-denied sync/forbidden-transition; nothing stored', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/yjs/wg-yjs?token=${admin.token}`)
    const frames: Buffer[] = []
    const waiters: (() => void)[] = []
    ws.on('message', (d: Buffer) => {
      frames.push(d)
      for (const w of waiters.splice(0)) w()
    })
    const until = async (test: (f: Buffer) => boolean): Promise<Buffer> => {
      for (;;) {
        const hit = frames.find(test)
        if (hit) return hit
        await new Promise<void>((ok) => waiters.push(ok))
      }
    }
    await until((f) => f[0] === YWS_MESSAGE_SYNC && f[1] === 0) // the server's step1
    const head = server.docStore.head('wg-yjs')
    const doc = HouseholdDoc.load(server.docStore.readState('wg-yjs')!, { clientId: 41_007 })
    const sv = Y.encodeStateVector(doc.ydoc)
    doc.changeStatus('returned', { by: admin.id, at: at(), comment: 'qua /yjs' })
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, YWS_MESSAGE_SYNC)
    encoding.writeVarUint(enc, 2)
    encoding.writeVarUint8Array(enc, Y.encodeStateAsUpdate(doc.ydoc, sv))
    ws.send(encoding.toUint8Array(enc))
    const denied = await until((f) => f[0] === 2)
    expect(denied.toString('utf8')).toContain('sync/forbidden-transition')
    expect(server.docStore.head('wg-yjs')).toBe(head)
    ws.close()
  })
})
