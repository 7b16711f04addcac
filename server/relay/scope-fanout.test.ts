// Fan-out respects scope (P11): a connection whose assignment was revoked stops receiving the household's edits and
// conflicts once SCOPE_CACHE_MS has passed on the server's (injected) clock. Real server on port 0, real SQLite file,
// real WebSocket clients.
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/sync/limits.ts'
import { SCOPE_CACHE_MS } from './device-connection.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

let server: RelayTestServer
const tokens: Record<string, string> = {}
const userIds: Record<string, string> = {}

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('vf')
  server.seedHouseholds(['hh-f-1'], 'vf')
  server.addVillage('vg')
  server.seedHouseholds(['hh-g-1'], 'vg')
  server.addVillage('vh')
  server.seedHouseholds(['hh-h-1'], 'vh')
  for (const [name, village] of [
    ['an', 'vf'],
    ['binh', 'vf'],
    ['chau', 'vg'],
    ['dung', 'vg'],
    ['em', 'vh'],
  ] as const) {
    const { user, token } = await server.addUser(name, 'enumerator', { villages: [village] })
    tokens[name] = token
    userIds[name] = user.id
  }
})

afterAll(async () => {
  await server.stop()
})

async function device(name: string): Promise<SyncClient> {
  const c = await SyncClient.connect({ url: server.url, token: tokens[name]!, deviceId: `${name}-phone` })
  expect((await c.hello()).type).toBe('welcome')
  return c
}

describe('P11 fan-out after revocation', () => {
  it('P11: a connection whose assignment was revoked no longer receives the household’s committed edits', async () => {
    const an = await device('an')
    const binh = await device('binh')
    await an.manifest([])
    await binh.manifest([])
    const held = (binh.updates.get('hh-f-1') ?? []).length
    expect(held).toBeGreaterThan(0)
    server.db.prepare('DELETE FROM assignments WHERE user_id = ?').run(userIds.binh)
    server.clock.advance(SCOPE_CACHE_MS)
    const r = new DeviceReplica(33_001)
    for (const u of an.updates.get('hh-f-1') ?? []) r.apply(u)
    r.setAddress('12 secret street')
    expect(await an.sendUpdate('hh-f-1', r.take())).toMatchObject({ type: 'ack' })
    // The ACK is sent before fan-out in the same turn, so anything fanned out to binh is on binh's socket before binh's
    // next request; the answer to that request comes after it on the same socket.
    await binh.manifest([])
    expect((binh.updates.get('hh-f-1') ?? []).length).toBe(held)
    await an.close()
    await binh.close()
  })

  it('P11: a /yjs connection whose assignment was revoked receives no further edits and is closed with 4403', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/yjs/hh-g-1?token=${tokens.chau}`)
    const messages: Uint8Array[] = []
    const closed = new Promise<number>((ok) => ws.on('close', (code) => ok(code)))
    const step1 = new Promise<void>((ok) =>
      ws.on('message', (d: Buffer) => {
        messages.push(new Uint8Array(d))
        if (d[0] === 0 && d[1] === 0) ok()
      }),
    )
    await step1
    server.db.prepare('DELETE FROM assignments WHERE user_id = ?').run(userIds.chau)
    server.clock.advance(SCOPE_CACHE_MS)
    const dung = await device('dung')
    await dung.manifest([])
    const r = new DeviceReplica(33_002)
    for (const u of dung.updates.get('hh-g-1') ?? []) r.apply(u)
    r.setAddress('9 private lane')
    expect(await dung.sendUpdate('hh-g-1', r.take())).toMatchObject({ type: 'ack' })
    expect(await closed).toBe(CloseCode.FORBIDDEN)
    // Only the server's step1 (and possibly its step2 answer) — never the sync update (0, 2) carrying the edit.
    expect(messages.some((m) => m[0] === 0 && m[1] === 2)).toBe(false)
    await dung.close()
  })

  it('P11: a /yjs connection whose assignment an admin route revoked (scopeChanged) is closed at the next edit, without waiting for its cached scope', async () => {
    server.addVillage('vk')
    server.seedHouseholds(['hh-k-1'], 'vk')
    const giang = await server.addUser('giang', 'enumerator', { villages: ['vk'] })
    const hoa = await server.addUser('hoa', 'enumerator', { villages: ['vk'] })
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/yjs/hh-k-1?token=${giang.token}`)
    const messages: Uint8Array[] = []
    const closed = new Promise<number>((ok) => ws.on('close', (code) => ok(code)))
    await new Promise<void>((ok) =>
      ws.on('message', (d: Buffer) => {
        messages.push(new Uint8Array(d))
        if (d[0] === 0 && d[1] === 0) ok()
      }),
    )
    const c = await SyncClient.connect({ url: server.url, token: hoa.token, deviceId: 'hoa-phone' })
    await c.hello()
    await c.manifest([])
    const r = new DeviceReplica(33_004)
    for (const u of c.updates.get('hh-k-1') ?? []) r.apply(u)
    r.setAddress('seen while assigned')
    expect(await c.sendUpdate('hh-k-1', r.take())).toMatchObject({ type: 'ack' })
    server.db.prepare('DELETE FROM assignments WHERE user_id = ?').run(giang.user.id)
    server.relay.scopeChanged() // no clock advance: the cached answer is dropped with the new generation
    r.setAddress('after the revocation')
    expect(await c.sendUpdate('hh-k-1', r.take())).toMatchObject({ type: 'ack' })
    expect(await closed).toBe(CloseCode.FORBIDDEN)
    const updates = messages.filter((m) => m[0] === 0 && m[1] === 2)
    expect(updates).toHaveLength(1) // the edit made while assigned, not the one after
    await c.close()
  })

  it('P11: a /sync connection whose session ended (logout, expiry, disabled account) is closed with 4401 and stores nothing more', async () => {
    const em = await device('em')
    await em.manifest([])
    const r = new DeviceReplica(33_003)
    for (const u of em.updates.get('hh-h-1') ?? []) r.apply(u)
    r.setAddress('before logout')
    expect(await em.sendUpdate('hh-h-1', r.take())).toMatchObject({ type: 'ack' })
    server.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userIds.em)
    server.clock.advance(SCOPE_CACHE_MS)
    const before = server.docStore.head('hh-h-1')
    r.setAddress('after logout')
    void em.sendUpdate('hh-h-1', r.take()).catch(() => undefined)
    expect(await em.closed()).toBe(CloseCode.UNAUTHENTICATED)
    expect(server.docStore.head('hh-h-1')).toBe(before)
  })
})
