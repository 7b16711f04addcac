// P12 settlement: an administrator's resolution reaches every connected device holding the household (the value as a
// document update, then a settled CONFLICT notice naming who); a dismissal writes nothing and still tells the devices,
// so their open-conflict notice clears. Real server on port 0, real WebSocket devices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConflictMessage, SyncMessage } from '../../shared/sync/messages.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

let server: RelayTestServer
const tokens: Record<string, string> = {}
const HH = 'hh-s-1'

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('vs')
  server.seedHouseholds([HH], 'vs')
  for (const [name, role, place] of [
    ['an', 'enumerator', { villages: ['vs'] }],
    ['binh', 'enumerator', { villages: ['vs'] }],
    ['chi', 'admin', {}],
  ] as [string, 'enumerator' | 'admin', { villages?: string[] }][]) {
    tokens[name] = (await server.addUser(name, role, place)).token
  }
})

afterAll(async () => {
  await server.stop()
})

async function device(name: string, deviceId: string): Promise<SyncClient> {
  const c = await SyncClient.connect({ url: server.url, token: tokens[name]!, deviceId })
  expect((await c.hello()).type).toBe('welcome')
  await c.manifest([])
  return c
}

const settledNotice =
  (id: number) =>
  (m: SyncMessage): boolean =>
    m.type === 'conflict' && m.conflictId === String(id) && m.settled !== undefined

/** Two phones write the address without seeing each other's write: one open conflict. */
async function concurrentAddresses(
  a: SyncClient,
  b: SyncClient,
  va: string,
  vb: string,
): Promise<{ id: number; replicas: Map<SyncClient, DeviceReplica> }> {
  const ra = new DeviceReplica(30_000 + va.length)
  const rb = new DeviceReplica(31_000 + vb.length)
  for (const u of a.updates.get(HH) ?? []) ra.apply(u)
  for (const u of b.updates.get(HH) ?? []) rb.apply(u)
  ra.setAddress(va)
  rb.setAddress(vb)
  expect((await a.sendUpdate(HH, ra.take())).type).toBe('ack')
  expect((await b.sendUpdate(HH, rb.take())).type).toBe('ack')
  const [open] = server.relay.conflicts.list({ status: 'open', householdId: HH })
  expect(open).toBeDefined()
  return {
    id: open!.id,
    replicas: new Map([
      [a, ra],
      [b, rb],
    ]),
  }
}

describe('P12 settled conflicts reach the devices', () => {
  it('P12: a resolution reaches a second connected device of the writer and the other writer, with who resolved it', async () => {
    const a = await device('an', 'an-phone')
    const b = await device('binh', 'binh-phone')
    const tablet = await device('an', 'an-tablet')
    const { id, replicas } = await concurrentAddresses(a, b, '5 Trần Hưng Đạo', '7 Trần Hưng Đạo')
    const admin = server.access.authenticate(tokens.chi!)!
    const waits = [a, b, tablet].map((d) => d.next(settledNotice(id)))
    const result = await server.relay.resolveConflict(String(id), { value: '9 Trần Hưng Đạo' }, admin)
    expect(result).toMatchObject({ ok: true, conflict: { status: 'resolved', resolutionKind: 'value' } })
    const notices = (await Promise.all(waits)) as ConflictMessage[]
    for (const n of notices)
      expect(n.settled).toMatchObject({ status: 'resolved', by: admin.displayName, value: '9 Trần Hưng Đạo' })
    // the value arrived before the notice on the same socket
    for (const d of [a, b, tablet]) {
      // each phone holds its own write plus what it received
      const r = replicas.get(d) ?? new DeviceReplica()
      for (const u of d.updates.get(HH) ?? []) r.apply(u)
      expect(r.address()).toBe('9 Trần Hưng Đạo')
    }
    await Promise.all([a.close(), b.close(), tablet.close()])
  })

  it('P12: a dismissal writes nothing and tells the writers the conflict is closed', async () => {
    const a = await device('an', 'an-phone-2')
    const b = await device('binh', 'binh-phone-2')
    const { id } = await concurrentAddresses(a, b, '11 Lê Lợi', '11 Lê Lợi ')
    const head = server.docStore.head(HH)
    const admin = server.access.authenticate(tokens.chi!)!
    const waits = [a, b].map((d) => d.next(settledNotice(id)))
    const result = server.relay.dismissConflict(id, admin)
    expect(result).toMatchObject({ ok: true, serverSeq: null, conflict: { status: 'dismissed', resolvedBy: admin.id } })
    for (const n of (await Promise.all(waits)) as ConflictMessage[])
      expect(n.settled).toMatchObject({ status: 'dismissed', by: admin.displayName, value: null })
    expect(server.docStore.head(HH)).toBe(head)
    expect(server.relay.dismissConflict(id, admin)).toMatchObject({ ok: false, code: 'conflict/already-resolved' })
    await Promise.all([a.close(), b.close()])
  })

  it('P12: a phone offline when a conflict was recorded and dismissed is told both after its next MANIFEST', async () => {
    const a = await device('an', 'an-phone-3')
    const b = await device('binh', 'binh-phone-3')
    const seq = server.docStore.head(HH)!
    await a.close() // an's phone goes offline after writing
    const ra = new DeviceReplica(32_001)
    const rb = new DeviceReplica(32_002)
    for (const u of b.updates.get(HH) ?? []) {
      ra.apply(u)
      rb.apply(u)
    }
    ra.setAddress('20 Lý Thường Kiệt')
    rb.setAddress('20 Lý Thường Kiệt.')
    const again = await SyncClient.connect({ url: server.url, token: tokens.an!, deviceId: 'an-phone-3' })
    expect((await again.hello()).type).toBe('welcome')
    await again.manifest([[HH, seq]])
    expect((await again.sendUpdate(HH, ra.take())).type).toBe('ack')
    await again.close()
    expect((await b.sendUpdate(HH, rb.take())).type).toBe('ack')
    const [open] = server.relay.conflicts.list({ status: 'open', householdId: HH })
    expect(open).toBeDefined()
    // offline: the conflict was recorded without an's phone; now it is dismissed, still without it
    const back = await SyncClient.connect({ url: server.url, token: tokens.an!, deviceId: 'an-phone-3' })
    expect((await back.hello()).type).toBe('welcome')
    const told = back.next((m) => m.type === 'conflict' && m.conflictId === String(open!.id))
    await back.manifest([[HH, seq]])
    expect(((await told) as ConflictMessage).settled).toBeUndefined()
    await back.close()
    expect(server.relay.dismissConflict(open!.id, server.access.authenticate(tokens.chi!)!).ok).toBe(true)
    const later = await SyncClient.connect({ url: server.url, token: tokens.an!, deviceId: 'an-phone-3' })
    expect((await later.hello()).type).toBe('welcome')
    const settled = later.next(settledNotice(open!.id))
    await later.manifest([[HH, seq]])
    expect(((await settled) as ConflictMessage).settled).toMatchObject({ status: 'dismissed', value: null })
    await Promise.all([later.close(), b.close()])
  })
})
