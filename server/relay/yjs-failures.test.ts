// /yjs when a frame is bad and when the server fails: a frame that does not decode is the client's fault (1002
// sync/malformed, nothing reported); a database that cannot answer is the server's (1011 sync/internal, reported), and
// the stock provider's reconnect then finds the household as it was. Real server on port 0, real SQLite file, real
// WebSocket clients; the failure is injected into the server's document store.
import WebSocket from 'ws'
import { once } from 'node:events'
import * as encoding from 'lib0/encoding'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { CloseCode } from '../../shared/sync/limits.ts'
import { syncStep1Payload, updatePayload } from '../../shared/sync/protocol.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { deviceWithHouseholds, startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'

let server: RelayTestServer
let token = ''

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('vy')
  server.seedHouseholds(['hh-y-1'], 'vy')
  token = (await server.addUser('yen', 'enumerator', { villages: ['vy'] })).token
})

afterAll(async () => {
  await server.stop()
})

afterEach(() => {
  vi.restoreAllMocks()
})

/** A /yjs socket, open, with the server's first message (its step1) received. */
async function yjsSocket(): Promise<WebSocket> {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/yjs/hh-y-1?token=${encodeURIComponent(token)}`)
  const first = once(ws, 'message')
  await once(ws, 'open')
  await first
  return ws
}

async function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  const [code, reason] = (await once(ws, 'close')) as [number, Buffer]
  return { code, reason: reason.toString() }
}

/** A sync message whose content says it is longer than it is. */
function truncatedUpdate(): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 0) // sync
  encoding.writeVarUint(enc, 2) // update
  encoding.writeVarUint(enc, 40) // 40 bytes announced…
  encoding.writeUint8(enc, 1) // …one sent
  return encoding.toUint8Array(enc)
}

describe('/yjs: bad frames and server failures', () => {
  it.each([
    ['a truncated update', truncatedUpdate()],
    ['an unknown message type', new Uint8Array([9, 0])],
    ['bytes after a sync message', new Uint8Array([...syncStep1Payload(new Uint8Array([0])), 7])],
  ])('%s closes the socket with 1002 sync/malformed and reports nothing', async (_what, frame) => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {})
    const ws = await yjsSocket()
    const closed = closeOf(ws)
    ws.send(frame)
    expect(await closed).toEqual({ code: CloseCode.PROTOCOL_ERROR, reason: 'sync/malformed' })
    expect(reported).not.toHaveBeenCalled()
  })

  it('a database failure when the socket opens closes it with 1011 sync/internal and is reported', async () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.spyOn(server.docStore, 'readState').mockImplementation(() => {
      throw new Error('SQLITE_IOERR: disk I/O error')
    })
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/yjs/hh-y-1?token=${encodeURIComponent(token)}`)
    const messages: unknown[] = []
    ws.on('message', (m) => messages.push(m))
    expect(await closeOf(ws)).toEqual({ code: CloseCode.INTERNAL_ERROR, reason: 'sync/internal' })
    expect(messages).toEqual([]) // no step1 from a state the server could not read
    expect(reported).toHaveBeenCalledWith(
      '[relay]',
      expect.objectContaining({ message: 'SQLITE_IOERR: disk I/O error' }),
    )
  })

  it('a database failure while answering a step1 closes with 1011 sync/internal and is reported', async () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {})
    const ws = await yjsSocket()
    const closed = closeOf(ws)
    vi.spyOn(server.docStore, 'diff').mockImplementation(() => {
      throw new Error('SQLITE_IOERR: disk I/O error')
    })
    ws.send(syncStep1Payload(new Uint8Array([0])))
    expect(await closed).toEqual({ code: CloseCode.INTERNAL_ERROR, reason: 'sync/internal' })
    expect(reported).toHaveBeenCalledWith(
      '[relay]',
      expect.objectContaining({ message: 'SQLITE_IOERR: disk I/O error' }),
    )
  })

  it('a database failure while storing an update closes with 1011; nothing of it is kept, and it lands when sent again', async () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {})
    const device = await deviceWithHouseholds(server, token, 'yen-phone')
    const replica = new DeviceReplica(45_001)
    for (const u of device.updates.get('hh-y-1') ?? []) replica.apply(u)
    replica.setAddress('12 Trần Hưng Đạo')
    const update = replica.take()

    server.docStore.evict('hh-y-1') // the update must load the household: that read fails
    const ws = await yjsSocket()
    const closed = closeOf(ws)
    const openDoc = vi.spyOn(server.docStore, 'openDoc').mockImplementation(() => {
      throw new Error('SQLITE_IOERR: disk I/O error')
    })
    ws.send(updatePayload(update))
    expect(await closed).toEqual({ code: CloseCode.INTERNAL_ERROR, reason: 'sync/internal' })
    expect(reported).toHaveBeenCalledWith(
      '[relay]',
      expect.objectContaining({ message: 'SQLITE_IOERR: disk I/O error' }),
    )
    openDoc.mockRestore()
    expect(server.docStore.head('hh-y-1')).toBe(1)

    // The provider's reconnect: the same update, now stored and fanned out to the phone.
    const again = await yjsSocket()
    const headSeen = device.next((m) => m.type === 'head' && m.householdId === 'hh-y-1')
    again.send(updatePayload(update))
    expect(await headSeen).toMatchObject({ serverSeq: 2 })
    const fresh = new DeviceReplica(45_002)
    for (const u of device.updates.get('hh-y-1') ?? []) fresh.apply(u)
    expect(fresh.household.read().household.address).toBe('12 Trần Hưng Đạo')
    again.close()
    await device.close()
  })
})
