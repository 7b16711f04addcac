// The lists' per-record reading of committed documents: answered again from the document when the record's committed
// position moves (a device edit ACKed by the relay), and bounded in size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SyncClient } from '../relay/test-client.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { insertPlaces, startTestServer, type TestServer } from '../test-support/server.ts'
import { createListDocuments } from './list-documents.ts'
import { addListRecord } from './test-support/list-world.ts'

let s: TestServer
let token = ''

beforeAll(async () => {
  s = await startTestServer()
  insertPlaces(s, { villages: [['D1', '19900', 'Thôn D1']] })
  for (const id of ['doc-1', 'doc-2', 'doc-3'])
    addListRecord(s.db, s.docStore, {
      id,
      period: '2025',
      unit: '19900',
      village: 'D1',
      category: 'poor',
      status: 'in_progress',
      members: [{ name: `Chủ hộ ${id}`, sex: 'male', birthYear: 1970, relation: 'head' }],
    })
  await s.addUser({ username: 'doc-enum', role: 'enumerator', villages: ['D1'] })
  token = await s.login('doc-enum')
})
afterAll(() => s?.stop())

const seq = (id: string) => s.docStore.head(id) as number

describe('list documents', () => {
  it('a committed edit moves the record’s position and the next read shows it', async () => {
    const docs = createListDocuments(s.docStore)
    expect(docs.read('doc-1', seq('doc-1'))?.members[0]?.name).toBe('Chủ hộ doc-1')

    const c = await SyncClient.connect({ url: s.url, token })
    await c.hello()
    await c.manifest([])
    const replica = new DeviceReplica(53_001)
    for (const u of c.updates.get('doc-1') ?? []) replica.apply(u)
    replica.setHeadName('doc-1-m0', 'Chủ hộ đã sửa')
    expect(await c.sendUpdate('doc-1', replica.take())).toMatchObject({ type: 'ack' })
    await c.close()

    expect(docs.read('doc-1', seq('doc-1'))?.members[0]?.name).toBe('Chủ hộ đã sửa')
  })

  it('keeps at most its size, reading an evicted record again from its document', () => {
    const docs = createListDocuments(s.docStore, 2)
    for (const id of ['doc-2', 'doc-3', 'doc-1']) expect(docs.read(id, seq(id))).not.toBeNull()
    expect(docs.read('doc-2', seq('doc-2'))?.members[0]?.name).toBe('Chủ hộ doc-2')
    expect(docs.read('no-such', 1)).toBeNull()
  })
})
