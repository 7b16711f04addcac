// Fan-out when a subscriber's access cannot be checked (the database fails for that look-up): that connection is
// closed with 1011 (reconnect and catch up), and every other device of the household still gets the edit, and the
// writer its ACK. Real server on port 0, real SQLite file, real WebSocket clients; the failure is injected into the
// server's access checks for one user only.
import WebSocket from 'ws'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/sync/limits.ts'
import { SCOPE_CACHE_MS } from './device-connection.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { deviceWithHouseholds, startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

let server: RelayTestServer
const tokens: Record<string, string> = {}
/** Tokens whose session look-up fails as if the database were down. */
const failing = new Set<string>()

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('vf')
  server.seedHouseholds(['hh-f-1'], 'vf')
  for (const name of ['an', 'binh', 'chi']) {
    const { token } = await server.addUser(name, 'enumerator', { villages: ['vf'] })
    tokens[name] = token
  }
  const authenticate = server.access.authenticate.bind(server.access)
  server.access.authenticate = (token) => {
    if (failing.has(token)) throw new Error('SQLITE_IOERR: disk I/O error')
    return authenticate(token)
  }
})

afterAll(async () => {
  await server.stop()
})

const device = (name: string): Promise<SyncClient> => deviceWithHouseholds(server, tokens[name]!, `${name}-phone`)

describe('fan-out when a subscriber cannot be checked', () => {
  it('closes that connection with 1011 and still delivers to the others', async () => {
    const an = await device('an')
    const binh = await device('binh')
    const chi = await device('chi')
    const yjs = new WebSocket(
      `${server.url.replace(/^http/, 'ws')}/yjs/hh-f-1?token=${encodeURIComponent(tokens.binh!)}`,
    )
    await once(yjs, 'open')
    const yjsClosed = once(yjs, 'close')
    const held = (chi.updates.get('hh-f-1') ?? []).length

    failing.add(tokens.binh!)
    server.clock.advance(SCOPE_CACHE_MS) // every connection checks its session again at the next fan-out
    const r = new DeviceReplica(44_001)
    for (const u of an.updates.get('hh-f-1') ?? []) r.apply(u)
    r.setAddress('7 Lê Lợi')
    const chiGot = chi.next((m) => m.type === 'head' && m.householdId === 'hh-f-1')
    expect(await an.sendUpdate('hh-f-1', r.take())).toMatchObject({ type: 'ack' })

    expect(await binh.closed()).toBe(CloseCode.INTERNAL_ERROR)
    expect(binh.errors.at(-1)).toMatchObject({ code: 'sync/internal' })
    const [code] = (await yjsClosed) as [number]
    expect(code).toBe(CloseCode.INTERNAL_ERROR)
    await chiGot
    expect((chi.updates.get('hh-f-1') ?? []).length).toBe(held + 1)

    // Once the look-up works again, the device reconnects and gets the edit it missed.
    failing.delete(tokens.binh!)
    const again = await device('binh')
    const fresh = new DeviceReplica(44_002)
    for (const u of again.updates.get('hh-f-1') ?? []) fresh.apply(u)
    expect(fresh.household.read().household.address).toBe('7 Lê Lợi')
    await Promise.all([an.close(), chi.close(), again.close()])
  })
})
