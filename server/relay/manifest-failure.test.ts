// A MANIFEST the database cannot answer (the query over the households fails): that connection closes with 1011
// sync/internal, the server's fault and not the device's (1002 would tell the phone its frame was wrong), and the error
// is reported. The reconnect's MANIFEST is answered. Real server on port 0, real database, real WebSocket client; the
// failure is injected where the manifest prepares its query.
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { CloseCode } from '../../shared/sync/limits.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

let server: RelayTestServer
let token = ''
const ids = ['hh-mf-1', 'hh-mf-2', 'hh-mf-3']

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('vmf')
  server.seedHouseholds(ids, 'vmf')
  token = (await server.addUser('mai', 'enumerator', { villages: ['vmf'] })).token
})

afterAll(async () => {
  vi.restoreAllMocks()
  await server.stop()
})

it('closes that connection with 1011 sync/internal, reports the error, and the reconnect is answered', async () => {
  const reported = vi.spyOn(console, 'error').mockImplementation(() => {})
  const prepare = server.db.prepare.bind(server.db)
  const failing = vi.spyOn(server.db, 'prepare').mockImplementation((sql: string) => {
    if (sql.includes('FROM households h WHERE')) throw new Error('SQLITE_IOERR: disk I/O error')
    return prepare(sql)
  })

  const c = await SyncClient.connect({ url: server.url, token, deviceId: 'mai-phone' })
  expect((await c.hello()).type).toBe('welcome')
  c.send({ type: 'manifest', entries: [] })
  expect(await c.closed()).toBe(CloseCode.INTERNAL_ERROR)
  expect(c.errors.at(-1)).toMatchObject({ code: 'sync/internal' })
  expect(reported).toHaveBeenCalledWith('[relay]', expect.objectContaining({ message: 'SQLITE_IOERR: disk I/O error' }))

  failing.mockRestore()
  const again = await SyncClient.connect({ url: server.url, token, deviceId: 'mai-phone' })
  expect((await again.hello()).type).toBe('welcome')
  await again.manifest([])
  expect(ids.filter((id) => again.updates.has(id))).toEqual(ids)
})
