// Register proposals: the server proposes, the device accepts (register values become the member's) or rejects; a
// device may write a proposal's decision and nothing else of it.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { makeHousehold, makeMember } from '../test-support/household-fixtures.ts'
import { HouseholdDoc, inspectUpdate, SERVER_CLIENT_ID, type ProposalInit } from './index.ts'

function setup() {
  const server = HouseholdDoc.create(
    makeHousehold({ members: [makeMember({ id: 'm1', fullName: 'Lê Văn An', healthInsurance: true })] }),
    { clientId: SERVER_CLIENT_ID },
  )
  const ydoc = new Y.Doc()
  ydoc.clientID = 300
  Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(server.ydoc))
  return { server, device: new HouseholdDoc(ydoc) }
}
const sync = (from: HouseholdDoc, to: HouseholdDoc): Uint8Array => {
  const u = Y.encodeStateAsUpdate(from.ydoc, Y.encodeStateVector(to.ydoc))
  Y.applyUpdate(to.ydoc, u)
  return u
}
const change = (memberId: string | null, fullName: string): ProposalInit => ({
  memberId,
  importId: 'imp1',
  personalId: null,
  fullName,
  sex: 'male',
  birthDate: '1980-02-03',
  relation: memberId ? 'head' : 'child',
  ethnicity: 'Kinh',
})

describe('register proposals', () => {
  it('accepting applies the register values to the member and keeps the enumerator answers; re-proposing the same id writes nothing', () => {
    const { server, device } = setup()
    expect(server.propose('p1', change('m1', 'Lê Văn Anh'))).toEqual({ ok: true })
    const before = Y.encodeStateVector(server.ydoc)
    expect(server.propose('p1', change('m1', 'Lê Văn Anh'))).toEqual({ ok: true })
    expect(Y.encodeStateVector(server.ydoc)).toEqual(before)
    sync(server, device)
    expect(device.proposals()).toMatchObject([{ id: 'p1', memberId: 'm1', fullName: 'Lê Văn Anh', decision: null }])
    expect(device.acceptProposal('p1')).toEqual({ ok: true })
    const m = device.members().find((x) => x.id === 'm1')
    expect(m).toMatchObject({ fullName: 'Lê Văn Anh', birthDate: '1980-02-03', healthInsurance: true })
    const u = Y.encodeStateAsUpdate(device.ydoc, Y.encodeStateVector(server.ydoc))
    expect(inspectUpdate(server.ydoc, u)).toMatchObject({ ok: true })
    Y.applyUpdate(server.ydoc, u)
    expect(server.proposals()[0]?.decision).toBe('accepted')
  })

  it('a proposal for a person the household does not list adds a member on accept; reject leaves members as they are', () => {
    const { server, device } = setup()
    server.propose('pnew', change(null, 'Lê Thị Bé'))
    server.propose('pold', change('m1', 'Lê Văn Anh'))
    sync(server, device)
    expect(device.rejectProposal('pold')).toEqual({ ok: true })
    expect(device.acceptProposal('pnew')).toEqual({ ok: true })
    expect(device.members().map((m) => m.fullName)).toEqual(['Lê Văn An', 'Lê Thị Bé'])
    expect(device.proposals().map((p) => p.decision)).toEqual(['accepted', 'rejected'])
    expect(device.acceptProposal('nope')).toMatchObject({ ok: false, code: 'household/proposal-not-found' })
  })

  it('a device writing register values into a proposal, or creating one, is refused', () => {
    const { server, device } = setup()
    server.propose('p1', change('m1', 'Lê Văn Anh'))
    sync(server, device)
    const forged = device.ydoc.getMap('proposals').get('p1') as Y.Map<unknown>
    forged.set('fullName', 'Someone Else')
    const u1 = Y.encodeStateAsUpdate(device.ydoc, Y.encodeStateVector(server.ydoc))
    expect(inspectUpdate(server.ydoc, u1)).toMatchObject({ ok: false, code: 'sync/layout-violation' })
    const other = setup().device
    other.ydoc.getMap('proposals').set('p9', new Y.Map<unknown>([['decision', 'accepted']]))
    const u2 = Y.encodeStateAsUpdate(other.ydoc, Y.encodeStateVector(server.ydoc))
    expect(inspectUpdate(server.ydoc, u2)).toMatchObject({ ok: false })
  })
})
