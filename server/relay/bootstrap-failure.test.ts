// A bootstrap whose reads fail after its first slice (the database stops answering): that connection closes with 1011
// sync/internal and the error is reported. The slices after the first run from a timer, where a throw would have ended
// the server. Once the database answers, the phone's reconnect bootstraps everything. Real server on port 0, real SQLite
// file, real WebSocket clients; the failure is injected into the server's document store.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CloseCode } from '../../shared/sync/limits.ts'
import { FIRST_SLICE_BYTES } from './bootstrap-stream.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

let server: RelayTestServer
let token = ''
const ids = Array.from({ length: 150 }, (_, i) => `hh-bf-${String(i).padStart(3, '0')}`)

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('vbf')
  server.seedHouseholds(ids, 'vbf')
  token = (await server.addUser('bao', 'enumerator', { villages: ['vbf'] })).token
})

afterAll(async () => {
  vi.restoreAllMocks()
  await server.stop()
})

describe('bootstrap when the database stops answering', () => {
  it('closes that connection with 1011 sync/internal after the first slice, reports it, and a reconnect gets every household', async () => {
    const stateBytes = ids.reduce((n, id) => n + (server.docStore.readStateV2(id)?.length ?? 0), 0)
    expect(stateBytes).toBeGreaterThan(FIRST_SLICE_BYTES) // more than one slice
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {})
    const readStateV2 = server.docStore.readStateV2.bind(server.docStore)
    let firstTurn: boolean | null = null
    const reads = vi.spyOn(server.docStore, 'readStateV2').mockImplementation((id) => {
      if (firstTurn === null) {
        firstTurn = true
        setImmediate(() => (firstTurn = false)) // runs before the next slice, which is queued after it
      }
      if (!firstTurn) throw new Error('SQLITE_IOERR: disk I/O error')
      return readStateV2(id)
    })

    const c = await SyncClient.connect({ url: server.url, token, deviceId: 'bao-phone' })
    expect((await c.hello()).type).toBe('welcome')
    c.send({ type: 'manifest', entries: [] })
    expect(await c.closed()).toBe(CloseCode.INTERNAL_ERROR)
    expect(c.errors.at(-1)).toMatchObject({ code: 'sync/internal' })
    expect(reported).toHaveBeenCalledWith(
      '[relay]',
      expect.objectContaining({ message: 'SQLITE_IOERR: disk I/O error' }),
    )
    const got = ids.filter((id) => c.updates.has(id)).length
    expect(got).toBeGreaterThan(0) // the first slice went out
    expect(got).toBeLessThan(ids.length)

    reads.mockRestore()
    const again = await SyncClient.connect({ url: server.url, token, deviceId: 'bao-phone' })
    expect((await again.hello()).type).toBe('welcome')
    await again.manifest([])
    expect(ids.filter((id) => again.updates.has(id)).length).toBe(ids.length)
    await again.close()
  })
})
