// Households found in the field over a real /sync connection: created only in a village assigned to the enumerator, in
// its unit and the current period, marked pending; every other attempt is refused with a code and stores nothing. The
// supervisor approves or rejects over HTTP; a rejected one leaves the phone's list.
import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HouseholdDoc, type FoundHousehold } from '../../shared/doc/household-doc.ts'
import { MAX_NEW_CLIENT_IDS_PER_UPDATE } from '../../shared/sync/limits.ts'
import { currentPeriod } from '../db/reference-data.ts'
import { createHouseholdCreation } from './household-creation.ts'
import { startRelayServer, TEST_UNIT, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

const OTHER_UNIT = '20014'
let server: RelayTestServer
let period: string
const tokens: Record<string, string> = {}
let clientId = 52_000

beforeAll(async () => {
  server = await startRelayServer()
  period = currentPeriod(server.db)
  server.addVillage('nv-mine')
  server.addVillage('nv-neighbour')
  server.addVillage('nv-far', OTHER_UNIT)
  server.seedHouseholds(['nv-existing'], 'nv-neighbour')
  tokens.enum = (await server.addUser('nf-enum', 'enumerator', { villages: ['nv-mine'] })).token
  tokens.far = (await server.addUser('nf-far', 'enumerator', { villages: ['nv-far'] })).token
  tokens.sup = (await server.addUser('nf-sup', 'supervisor', { unitCode: TEST_UNIT })).token
})
afterAll(() => server.stop())

/** The phone's creation: an empty document, foundInField, the whole state as one update. */
function found(init: Partial<FoundHousehold> & { id: string }, edit?: (d: HouseholdDoc) => void): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = clientId++
  const h = new HouseholdDoc(doc)
  const r = h.foundInField({
    period,
    unit: TEST_UNIT,
    village: 'nv-mine',
    address: 'Kiệt 12 Nguyễn Trãi',
    headName: 'Đặng Văn Lực',
    ...init,
  })
  if (!r.ok) throw new Error(r.reason)
  edit?.(h)
  return Y.encodeStateAsUpdate(doc)
}

async function phone(token = tokens.enum!): Promise<SyncClient> {
  const c = await SyncClient.connect({ url: server.url, token })
  await c.hello()
  await c.manifest([])
  return c
}

const admissionOf = (id: string) => server.db.prepare('SELECT admission FROM households WHERE id = ?').pluck().get(id)

describe('creation', () => {
  it('N1 a household found in an assigned village is created (ACK seq 1), pending, in scope, and takes further edits', async () => {
    const c = await phone()
    expect(await c.sendUpdate('nf-ok', found({ id: 'nf-ok' }))).toMatchObject({ type: 'ack', serverSeq: 1 })
    expect(admissionOf('nf-ok')).toBe('pending')
    const stored = HouseholdDoc.load(server.docStore.readState('nf-ok')!).read()
    expect(stored.household).toMatchObject({ id: 'nf-ok', village: 'nv-mine', unit: TEST_UNIT, period })
    expect(stored.household.members[0]?.fullName).toBe('Đặng Văn Lực')
    expect(stored.workflow.admission).toBe('pending')
    const edit = HouseholdDoc.load(server.docStore.readState('nf-ok')!, { clientId: clientId++ })
    const sv = Y.encodeStateVector(edit.ydoc)
    edit.setField('address', 'Kiệt 14 Nguyễn Trãi')
    expect(await c.sendUpdate('nf-ok', Y.encodeStateAsUpdate(edit.ydoc, sv))).toMatchObject({
      type: 'ack',
      serverSeq: 2,
    })
    const other = await phone()
    const reply = await other.manifest([])
    expect(reply.added.map(([id]) => id)).toContain('nf-ok')
    await c.close()
    await other.close()
  })

  it('N2 a village not assigned to the enumerator (same commune) is sync/creation-refused; nothing stored', async () => {
    const c = await phone()
    expect(await c.sendUpdate('nf-neighbour', found({ id: 'nf-neighbour', village: 'nv-neighbour' }))).toMatchObject({
      type: 'error',
      code: 'sync/creation-refused',
    })
    expect(server.docStore.exists('nf-neighbour')).toBe(false)
    await c.close()
  })

  it('N3 another commune: a village of another unit, or an assigned village claimed for another unit, is refused', async () => {
    const c = await phone()
    expect(await c.sendUpdate('nf-far', found({ id: 'nf-far', village: 'nv-far', unit: OTHER_UNIT }))).toMatchObject({
      type: 'error',
      code: 'sync/creation-refused',
    })
    expect(await c.sendUpdate('nf-unit', found({ id: 'nf-unit', unit: OTHER_UNIT }))).toMatchObject({
      type: 'error',
      code: 'sync/creation-refused',
    })
    const far = await phone(tokens.far)
    expect(await far.sendUpdate('nf-mine-from-far', found({ id: 'nf-mine-from-far' }))).toMatchObject({
      type: 'error',
      code: 'sync/creation-refused',
    })
    expect(['nf-far', 'nf-unit', 'nf-mine-from-far'].some((id) => server.docStore.exists(id))).toBe(false)
    await c.close()
    await far.close()
  })

  it('N4 an id that already exists elsewhere is sync/forbidden and the existing household is untouched', async () => {
    const c = await phone()
    const head = server.docStore.head('nv-existing')
    const before = server.docStore.readState('nv-existing')
    expect(await c.sendUpdate('nv-existing', found({ id: 'nv-existing' }))).toMatchObject({
      type: 'error',
      code: 'sync/forbidden',
    })
    expect(server.docStore.head('nv-existing')).toBe(head)
    expect(server.docStore.readState('nv-existing')).toEqual(before)
    await c.close()
  })

  it('N5 not pending, another period, a document naming another id, or a status beyond a field move are refused', async () => {
    const c = await phone()
    const plain = HouseholdDoc.create(
      { id: 'nf-plain', period, unit: TEST_UNIT, village: 'nv-mine', address: 'x' },
      { clientId: clientId++ },
    )
    expect(await c.sendUpdate('nf-plain', Y.encodeStateAsUpdate(plain.ydoc))).toMatchObject({
      type: 'error',
      code: 'sync/creation-refused',
    })
    expect(await c.sendUpdate('nf-period', found({ id: 'nf-period', period: '2019' }))).toMatchObject({
      type: 'error',
      code: 'sync/creation-refused',
    })
    expect(await c.sendUpdate('nf-alias', found({ id: 'nf-other-id' }))).toMatchObject({
      type: 'error',
      code: 'sync/creation-refused',
    })
    // A status written straight into the document (no history entry, not a field move).
    const verified = found({ id: 'nf-verified' }, (d) => void d.resolveField('workflow.status', 'verified'))
    expect(await c.sendUpdate('nf-verified', verified)).toMatchObject({
      type: 'error',
      code: 'sync/forbidden-transition',
    })
    expect(
      ['nf-plain', 'nf-period', 'nf-alias', 'nf-other-id', 'nf-verified'].some((id) => server.docStore.exists(id)),
    ).toBe(false)
    await c.close()
  })

  it('N10 a creation made by more new Yjs client ids than one update may bind is refused; none is bound', async () => {
    // The same cap as for any update (sync/too-many-client-ids): a crafted creation must not bind thousands of ids.
    const doc = new Y.Doc()
    doc.clientID = clientId++
    const h = new HouseholdDoc(doc)
    const r = h.foundInField({
      id: 'nf-many-ids',
      period,
      unit: TEST_UNIT,
      village: 'nv-mine',
      address: 'Kiệt 1',
      headName: 'Lê Văn Tám',
    })
    if (!r.ok) throw new Error(r.reason)
    const base = clientId
    for (let i = 0; i < MAX_NEW_CLIENT_IDS_PER_UPDATE + 4; i++) {
      const writer = new Y.Doc()
      Y.applyUpdate(writer, Y.encodeStateAsUpdate(doc))
      writer.clientID = clientId++
      new HouseholdDoc(writer).setField('address', `Kiệt ${i + 2}`)
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(writer, Y.encodeStateVector(doc)))
    }
    const c = await phone()
    expect(await c.sendUpdate('nf-many-ids', Y.encodeStateAsUpdate(doc))).toMatchObject({
      type: 'error',
      code: 'sync/too-many-client-ids',
    })
    expect(server.docStore.exists('nf-many-ids')).toBe(false)
    const bound = server.db.prepare('SELECT COUNT(*) FROM client_ids WHERE client_id >= ?').pluck().get(base)
    expect(bound).toBe(0)
    await c.close()
  })

  it('N6 a supervisor cannot create households over /sync', async () => {
    const c = await phone(tokens.sup)
    const r = await c.sendUpdate('nf-sup', found({ id: 'nf-sup' }))
    expect(r).toMatchObject({ type: 'error', code: 'sync/creation-refused' })
    expect(server.docStore.exists('nf-sup')).toBe(false)
    await c.close()
  })
})

describe('limit', () => {
  it('N9 beyond the cap of households waiting for approval in the enumerator’s villages, creation is refused', async () => {
    server.addVillage('nv-cap')
    const enumerator = (await server.addUser('nf-cap', 'enumerator', { villages: ['nv-cap'] })).user
    const create = createHouseholdCreation(server.db, server.relay.writer, { maxPending: 1 })
    const first = create(enumerator, 'nf-cap-1', found({ id: 'nf-cap-1', village: 'nv-cap' }), 'd-cap')
    expect(first.kind).toBe('accepted')
    expect(create(enumerator, 'nf-cap-2', found({ id: 'nf-cap-2', village: 'nv-cap' }), 'd-cap')).toMatchObject({
      kind: 'rejected',
      code: 'sync/creation-refused',
    })
    expect(server.docStore.exists('nf-cap-2')).toBe(false)
  })
})

describe('admission', () => {
  const decide = (id: string, decision: string, token = tokens.sup!) =>
    fetch(`${server.url}/api/households/${id}/admission`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ decision }),
    })

  it('N7 the supervisor approves (once); the enumerator may not decide', async () => {
    const c = await phone()
    await c.sendUpdate('nf-approve', found({ id: 'nf-approve' }))
    // The supervisor finds what waits for a decision in the household list.
    const pending = await fetch(`${server.url}/api/households?period=${period}&admission=pending`, {
      headers: { authorization: `Bearer ${tokens.sup}` },
    })
    expect(((await pending.json()) as { households: { id: string; admission: string }[] }).households).toContainEqual(
      expect.objectContaining({ id: 'nf-approve', admission: 'pending' }),
    )
    expect((await decide('nf-approve', 'approved', tokens.enum)).status).toBe(403)
    expect((await decide('nf-approve', 'maybe')).status).toBe(400)
    const r = await decide('nf-approve', 'approved')
    expect(r.status).toBe(200)
    expect(admissionOf('nf-approve')).toBe('approved')
    expect(HouseholdDoc.load(server.docStore.readState('nf-approve')!).read().workflow.admission).toBe('approved')
    expect(await (await decide('nf-approve', 'rejected')).json()).toMatchObject({ code: 'review/invalid-transition' })
    await c.close()
  })

  it('N8 a rejected household leaves the phone’s list: the next manifest names it removed', async () => {
    const c = await phone()
    await c.sendUpdate('nf-reject', found({ id: 'nf-reject' }))
    expect((await decide('nf-reject', 'rejected')).status).toBe(200)
    const next = await phone()
    const reply = await next.manifest([['nf-reject', 1]])
    expect(reply.removed).toContain('nf-reject')
    expect(admissionOf('nf-reject')).toBe('rejected')
    await c.close()
    await next.close()
  })
})
