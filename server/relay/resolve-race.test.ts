// Two admins resolving the same conflict at once: the first wins, the second is told conflict/already-resolved and
// writes nothing (the document must hold the value the conflict record says it was resolved with). Real server, port 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { deviceWithHouseholds, startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

let server: RelayTestServer
const tokens: Record<string, string> = {}

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('vr')
  server.seedHouseholds(['hh-r-1'], 'vr')
  for (const [name, role, place] of [
    ['an', 'enumerator', { villages: ['vr'] }],
    ['binh', 'enumerator', { villages: ['vr'] }],
    ['ad1', 'admin', {}],
    ['ad2', 'admin', {}],
  ] as [string, 'enumerator' | 'admin', { villages?: string[] }][]) {
    tokens[name] = (await server.addUser(name, role, place)).token
  }
})

afterAll(async () => {
  await server.stop()
})

const device = (name: string): Promise<SyncClient> => deviceWithHouseholds(server, tokens[name]!, `${name}-phone`)

describe('P12 concurrent resolutions', () => {
  it('P12: of two simultaneous resolutions of one conflict, the second is conflict/already-resolved and changes nothing', async () => {
    const [a, b] = [await device('an'), await device('binh')]
    const ra = new DeviceReplica(21_001)
    const rb = new DeviceReplica(21_002)
    for (const u of a.updates.get('hh-r-1') ?? []) ra.apply(u)
    for (const u of b.updates.get('hh-r-1') ?? []) rb.apply(u)
    ra.setAddress('An viết')
    rb.setAddress('Bình viết')
    expect((await a.sendUpdate('hh-r-1', ra.take())).type).toBe('ack')
    expect((await b.sendUpdate('hh-r-1', rb.take())).type).toBe('ack')
    const [conflict] = server.relay.conflicts.list({ status: 'open', householdId: 'hh-r-1' })
    expect(conflict).toBeDefined()
    const ad1 = server.access.authenticate(tokens.ad1!)!
    const ad2 = server.access.authenticate(tokens.ad2!)!
    const [first, second] = await Promise.all([
      server.relay.resolveConflict(String(conflict!.id), { candidate: 0 }, ad1),
      server.relay.resolveConflict(String(conflict!.id), { candidate: 1 }, ad2),
    ])
    expect(first).toMatchObject({ ok: true, conflict: { status: 'resolved', resolution: 'An viết' } })
    expect(second).toMatchObject({ ok: false, code: 'conflict/already-resolved' })
    const stored = new DeviceReplica()
    stored.apply(server.docStore.readState('hh-r-1')!)
    expect(stored.address()).toBe('An viết')
    await Promise.all([a.close(), b.close()])
  })
})
