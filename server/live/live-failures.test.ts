// /live when the database cannot answer a session look-up: the console's socket closes with 1011 live/internal and the
// error is reported, whether the look-up came with a subscribe or with the deltas sent after an edit (a microtask,
// where a throw would have ended the server). The server goes on serving phones and consoles. Real server on port 0,
// real SQLite file, real WebSocket clients; the failure is injected into the server's session look-ups for one token.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { SCOPE_CACHE_MS } from '../relay/device-connection.ts'
import { deviceWithHouseholds, startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { LiveClose } from './live-socket.ts'
import { LiveClient } from './test-support/live-client.ts'

let server: RelayTestServer
const tokens: Record<string, string> = {}
/** Tokens whose session look-up fails as if the database were down. */
const failing = new Set<string>()

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('lf1', '19900')
  server.seedHouseholds(['hh-lf-1'], 'lf1', '19900')
  tokens.an = (await server.addUser('an', 'enumerator', { villages: ['lf1'] })).token
  tokens.sup = (await server.addUser('sup', 'supervisor', { unitCode: '19900' })).token
  const authenticate = server.access.authenticate.bind(server.access)
  server.access.authenticate = (token) => {
    if (failing.has(token)) throw new Error('SQLITE_IOERR: disk I/O error')
    return authenticate(token)
  }
})

afterAll(async () => {
  vi.restoreAllMocks()
  await server.stop()
})

describe('/live when a session cannot be looked up', () => {
  it('while deltas go out after an edit: 1011 live/internal, reported; the phone is acknowledged and a new console subscribes', async () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {})
    const sup = await LiveClient.connect(server.url, tokens.sup!)
    expect(await sup.subscribe()).toMatchObject({ type: 'subscribed' })

    failing.add(tokens.sup!)
    server.clock.advance(SCOPE_CACHE_MS) // the console's next delta looks its session up again
    const an = await deviceWithHouseholds(server, tokens.an!, 'an-phone')
    const r = new DeviceReplica(46_001)
    for (const u of an.updates.get('hh-lf-1') ?? []) r.apply(u)
    r.setAddress('3 Nguyễn Huệ')
    expect(await an.sendUpdate('hh-lf-1', r.take())).toMatchObject({ type: 'ack' })

    expect(await sup.whenClosed()).toBe(LiveClose.INTERNAL)
    expect(sup.messages.at(-1)).toEqual({ type: 'error', code: 'live/internal' })
    expect(reported).toHaveBeenCalledWith(
      '[live]',
      expect.objectContaining({ message: 'SQLITE_IOERR: disk I/O error' }),
    )

    failing.delete(tokens.sup!)
    const again = await LiveClient.connect(server.url, tokens.sup!)
    expect(await again.subscribe()).toMatchObject({ type: 'subscribed' })
    await again.close()
    await an.close()
  })

  it('with a subscribe: 1011 live/internal, reported', async () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {})
    const sup = await LiveClient.connect(server.url, tokens.sup!)
    failing.add(tokens.sup!)
    server.clock.advance(SCOPE_CACHE_MS)
    expect(await sup.subscribe()).toEqual({ type: 'error', code: 'live/internal' })
    expect(await sup.whenClosed()).toBe(LiveClose.INTERNAL)
    expect(reported).toHaveBeenCalledWith(
      '[live]',
      expect.objectContaining({ message: 'SQLITE_IOERR: disk I/O error' }),
    )
    failing.delete(tokens.sup!)
  })
})
