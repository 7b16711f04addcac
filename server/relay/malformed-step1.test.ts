// A DOC step1 whose state vector does not decode is the client's malformed input (P5), not a server failure:
// a household-scoped ERROR sync/malformed, nothing logged as internal, the connection keeps working. Real server, port 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docSyncStep1, encodeMessage, type SyncMessage } from '../../shared/sync/protocol.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

let server: RelayTestServer
let token = ''

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('vm')
  server.seedHouseholds(['hh-m-1'], 'vm')
  token = (await server.addUser('mai', 'enumerator', { villages: ['vm'] })).token
})

afterAll(async () => {
  await server.stop()
})

describe('P5 malformed state vector', () => {
  it('P5: a step1 with a state vector that does not decode gets ERROR sync/malformed for that household; the socket stays usable', async () => {
    const c = await SyncClient.connect({ url: server.url, token, deviceId: 'mai-phone' })
    expect((await c.hello()).type).toBe('welcome')
    await c.manifest([])
    c.sendRaw(encodeMessage(docSyncStep1('hh-m-1', new Uint8Array([0xff]))))
    const error = (await c.next((m: SyncMessage) => m.type === 'error')) as Extract<SyncMessage, { type: 'error' }>
    expect(error).toMatchObject({ code: 'sync/malformed', householdId: 'hh-m-1' })
    // trailing garbage after a valid vector is malformed too
    c.sendRaw(encodeMessage(docSyncStep1('hh-m-1', new Uint8Array([0, 7]))))
    await c.next((m: SyncMessage) => m.type === 'error' && c.errors.length >= 2)
    expect(c.errors.map((e) => e.code)).toEqual(['sync/malformed', 'sync/malformed'])
    expect(await c.step1('hh-m-1', new Uint8Array([0]))).toMatchObject({ type: 'head', householdId: 'hh-m-1' })
    await c.close()
  })
})
