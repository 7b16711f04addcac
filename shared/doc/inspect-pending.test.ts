// Updates Yjs would park as pending (a neighbour or a deleted item the server lacks) must be reported as
// missing-dependencies before they are applied: a parked struct or delete set integrates later, inside someone else's update.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { makeHousehold } from '../test-support/household-fixtures.ts'
import { HouseholdDoc, inspectUpdate, SERVER_CLIENT_ID } from './index.ts'

function replicaOf(source: Y.Doc, clientId: number): Y.Doc {
  const d = new Y.Doc()
  d.clientID = clientId
  Y.applyUpdate(d, Y.encodeStateAsUpdate(source))
  return d
}

describe('pending dependencies', () => {
  it('L7 an item whose right neighbour the server lacks is missing-dependencies, not accepted', () => {
    const server = HouseholdDoc.create(makeHousehold({}), { clientId: SERVER_CLIENT_ID })
    server.changeStatus('assigned', { by: 'u' })
    const a = replicaOf(server.ydoc, 200)
    a.getArray('history').push([a.getArray('history').get(0)]) // a's entry, not yet uploaded
    const b = replicaOf(a, 100)
    const before = Y.encodeStateVector(b)
    const history = b.getArray('history')
    history.insert(1, [history.get(0)]) // between the server's entry and a's pending one
    const update = Y.encodeStateAsUpdate(b, before)
    expect(inspectUpdate(server.ydoc, update)).toMatchObject({
      ok: false,
      code: 'sync/missing-dependencies',
      missing: [{ client: 200 }],
    })
    const probe = replicaOf(server.ydoc, 300)
    Y.applyUpdate(probe, update)
    expect(probe.store.pendingStructs).not.toBeNull() // what Yjs itself does with it
  })

  it('L7 an overwrite of a value the server has not seen (origin and deletion both unknown) is missing-dependencies', () => {
    const server = HouseholdDoc.create(makeHousehold({}), { clientId: SERVER_CLIENT_ID })
    const a = new HouseholdDoc(replicaOf(server.ydoc, 200))
    a.setField('address', 'not uploaded')
    const b = replicaOf(a.ydoc, 100)
    const before = Y.encodeStateVector(b)
    b.getMap('fields').set('address', 'b overwrites it')
    const update = Y.encodeStateAsUpdate(b, before) // b's item (origin: a's) + deletion of a's item
    expect(inspectUpdate(server.ydoc, update)).toMatchObject({ ok: false, code: 'sync/missing-dependencies' })
  })
})
