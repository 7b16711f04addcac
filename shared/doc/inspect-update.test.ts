// Update inspection: layout whitelist, field writes, conflict detection (sync-engines.md §4.9), pending updates.
// Rule ids C1… and L1… refer to docs/household-document.md.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as Y from 'yjs'
import { makeHousehold, makeMember } from '../test-support/household-fixtures.ts'
import { applyAndResolveWinners, checkClientIds, HouseholdDoc, inspectUpdate, SERVER_CLIENT_ID } from './index.ts'

/** A server doc and two devices holding the same base state, with fixed client ids (higher id wins in Yjs). */
function setup(ids = { a: 200, b: 100 }) {
  const server = HouseholdDoc.create(
    makeHousehold({ members: [makeMember({ id: 'm1' })], dwelling: { roofDurable: true } }),
    { clientId: SERVER_CLIENT_ID },
  )
  const device = (clientId: number) => {
    const ydoc = new Y.Doc()
    ydoc.clientID = clientId
    Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(server.ydoc))
    return new HouseholdDoc(ydoc)
  }
  return { server, a: device(ids.a), b: device(ids.b) }
}

/** What the device has that the server lacks. */
const diff = (from: HouseholdDoc, to: HouseholdDoc) => Y.encodeStateAsUpdate(from.ydoc, Y.encodeStateVector(to.ydoc))

function deliver(server: HouseholdDoc, update: Uint8Array) {
  const r = inspectUpdate(server.ydoc, update)
  if (!r.ok) throw new Error(`${r.code}: ${r.reason}`)
  const resolved = applyAndResolveWinners(server.ydoc, update, r.conflicts)
  return { ...r, resolved }
}

describe('conflict detection', () => {
  it('C1 concurrent edits of one field with different values: the second arrival is flagged, with base, current, incoming and kept', () => {
    const { server, a, b } = setup()
    a.setDwelling({ roofDurable: false })
    b.updateMember('m1', { healthInsurance: false })
    b.setDwelling({ roofDurable: false, floorAreaM2: 77 })
    expect(deliver(server, diff(a, server)).conflicts).toEqual([])
    a.setField('address', 'A street')
    b.setField('address', 'B street')
    const fromA = deliver(server, diff(a, server))
    expect(fromA.conflicts).toEqual([])
    const fromB = deliver(server, diff(b, server))
    expect(fromB.conflicts).toEqual([
      {
        path: 'address',
        base: expect.objectContaining({ clientId: SERVER_CLIENT_ID }),
        current: expect.objectContaining({ clientId: 200, value: 'A street' }),
        incoming: expect.objectContaining({ clientId: 100, value: 'B street' }),
      },
    ])
    expect(fromB.resolved[0]?.kept).toMatchObject({ clientId: 200, value: 'A street' })
    expect(fromB.writes.map((w) => w.path).sort()).toEqual([
      'address',
      'dwelling.floorAreaM2',
      'dwelling.roofDurable',
      'members.m1.healthInsurance',
    ])
  })

  it('C2 equal concurrent values are not conflicts', () => {
    const { server, a, b } = setup()
    a.setDwelling({ roofDurable: false })
    b.setDwelling({ roofDurable: false })
    deliver(server, diff(a, server))
    expect(deliver(server, diff(b, server)).conflicts).toEqual([])
  })

  it('C3 sequential overwrites (the writer saw the current value) are never conflicts, also across devices', () => {
    const { server, a, b } = setup()
    a.setField('address', 'one')
    deliver(server, diff(a, server))
    Y.applyUpdate(b.ydoc, diff(server, b))
    b.setField('address', 'two')
    b.setField('address', 'three')
    expect(deliver(server, diff(b, server)).conflicts).toEqual([])
    expect(server.read().household.address).toBe('three')
  })

  it('C4 the incoming value of a chain of offline edits is its last one', () => {
    const { server, a, b } = setup()
    a.setField('village', 'X')
    deliver(server, diff(a, server))
    b.setField('village', 'Y1')
    b.setField('village', 'Y2')
    const r = deliver(server, diff(b, server))
    expect(r.conflicts).toHaveLength(1)
    expect(r.conflicts[0]?.incoming.value).toBe('Y2')
    expect(r.conflicts[0]?.current.value).toBe('X')
  })

  it('C5 both sides creating the same key without seeing a value is a conflict (no origin)', () => {
    const { server, a, b } = setup()
    a.setCauses(['illness'])
    b.setCauses([])
    b.ydoc.transact(() => b.ydoc.getMap('causes').set('illness', false))
    deliver(server, diff(a, server))
    const r = deliver(server, diff(b, server))
    expect(r.conflicts).toEqual([expect.objectContaining({ path: 'causes.illness', base: null })])
  })

  it('C6 a duplicate delivery adds nothing: no writes, no conflicts', () => {
    const { server, a } = setup()
    a.setField('address', 'dup')
    const u = diff(a, server)
    deliver(server, u)
    expect(deliver(server, u)).toMatchObject({ ok: true, writes: [], conflicts: [], clientIds: [] })
  })

  it('C10 a full-state upload whose merged structs the server partly has is judged on its new part only', () => {
    const { server, a } = setup()
    a.setField('address', 'one')
    deliver(server, diff(a, server)) // server has clock 0 of device a
    a.setField('address', 'two')
    a.setField('address', 'three') // 'one' and 'two' are now deleted neighbours; Yjs merges them into one struct
    const full = Y.encodeStateAsUpdate(a.ydoc)
    const structs = Y.decodeUpdate(full).structs.filter((s) => s.id.client === 200)
    expect(structs.some((s) => s.id.clock === 0 && s.length === 2)).toBe(true)
    const r = deliver(server, full)
    expect(r.conflicts).toEqual([])
    expect(server.read().household.address).toBe('three')
  })

  it('C7 an update whose dependencies the server lacks is reported as pending, not applied', () => {
    const { server, a } = setup()
    const updates: Uint8Array[] = []
    a.ydoc.on('update', (u: Uint8Array) => updates.push(u))
    a.setField('address', 'first')
    a.setField('address', 'second')
    const r = inspectUpdate(server.ydoc, updates[1] as Uint8Array)
    expect(r).toMatchObject({ ok: false, code: 'sync/missing-dependencies', missing: [{ client: 200 }] })
  })

  it('C8 checkClientIds lists the creators; garbage gives []', () => {
    const { server, a } = setup()
    a.setField('address', 'x')
    expect(checkClientIds(diff(a, server))).toEqual([200])
    expect(checkClientIds(new Uint8Array([1, 2, 3]))).toEqual([])
    expect(checkClientIds(Y.encodeStateAsUpdate(server.ydoc))).toEqual([SERVER_CLIENT_ID])
  })
})

describe('layout whitelist', () => {
  const attempt = (write: (d: Y.Doc) => void, clientId = 300) => {
    const { server } = setup()
    const d = new Y.Doc()
    d.clientID = clientId
    Y.applyUpdate(d, Y.encodeStateAsUpdate(server.ydoc))
    const sv = Y.encodeStateVector(d)
    d.transact(() => write(d))
    return inspectUpdate(server.ydoc, Y.encodeStateAsUpdate(d, sv))
  }

  it('L1 intents produce accepted updates', () => {
    const r = attempt((d) => {
      const h = new HouseholdDoc(d)
      h.addMember({ fullName: 'Z' })
      h.changeStatus('assigned', { by: 'u' })
      h.attachPhoto({ sha256: 'c'.repeat(64), kind: 'house', capturedAt: '2025-10-01T00:00:00Z' })
      h.removeMember('m1')
    })
    expect(r.ok).toBe(true)
  })

  it('L2 unknown roots, unknown keys, wrong value types and nested objects are layout violations', () => {
    expect(attempt((d) => d.getMap('secret').set('x', 1))).toMatchObject({ ok: false, code: 'sync/layout-violation' })
    expect(attempt((d) => d.getMap('form').set('address', 'v0 write'))).toMatchObject({
      ok: false,
      code: 'sync/layout-violation',
    })
    expect(attempt((d) => d.getMap('dwelling').set('roofType', 'x'))).toMatchObject({
      ok: false,
      path: 'dwelling.roofType',
    })
    expect(attempt((d) => d.getMap('dwelling').set('roofDurable', 'yes'))).toMatchObject({
      ok: false,
      path: 'dwelling.roofDurable',
    })
    expect(attempt((d) => d.getMap('dwelling').set('water', { a: 1 }))).toMatchObject({ ok: false })
    expect(attempt((d) => d.getMap('fields').set('address', new Y.Map()))).toMatchObject({ ok: false })
    expect(
      attempt((d) => (d.getMap('members').get('m1') as Y.Map<unknown>).set('fullName', new Y.Text('x'))),
    ).toMatchObject({ ok: false })
    expect(attempt((d) => d.getMap('devices').set('fax', true))).toMatchObject({ ok: false, path: 'devices.fax' })
    expect(attempt((d) => d.getMap('members').set('m2', 'not a map'))).toMatchObject({ ok: false })
    expect(attempt((d) => d.getMap('fields').set('id', 'another-id'))).toMatchObject({ ok: false, path: 'id' })
  })

  it('L3 Y.Map.delete is a violation; null / removed: true are the way to remove', () => {
    expect(attempt((d) => d.getMap('dwelling').delete('roofDurable'))).toMatchObject({
      ok: false,
      path: 'dwelling.roofDurable',
    })
    expect(attempt((d) => d.getMap('members').delete('m1'))).toMatchObject({ ok: false, path: 'members.m1' })
    expect(attempt((d) => (d.getMap('members').get('m1') as Y.Map<unknown>).delete('fullName'))).toMatchObject({
      ok: false,
    })
    expect(attempt((d) => d.getMap('members').set('m1', null)).ok).toBe(true)
    expect(attempt((d) => d.getMap('location').set('lat', null)).ok).toBe(true)
  })

  it('L4 history is append-only and well-formed', () => {
    const withHistory = setup().server
    withHistory.changeStatus('assigned', { by: 'u' })
    const d = new Y.Doc()
    Y.applyUpdate(d, Y.encodeStateAsUpdate(withHistory.ydoc))
    const sv = Y.encodeStateVector(d)
    d.getArray('history').delete(0, 1)
    expect(inspectUpdate(withHistory.ydoc, Y.encodeStateAsUpdate(d, sv))).toMatchObject({
      ok: false,
      code: 'sync/layout-violation',
    })
    expect(attempt((d) => d.getArray('history').push([{ to: 'assigned' }]))).toMatchObject({
      ok: false,
      path: 'history',
    })
    expect(attempt((d) => d.getMap('history').set('x', 1))).toMatchObject({ ok: false })
  })

  it('L5 review notes are written by the server client id only', () => {
    expect(attempt((d) => d.getMap('review').set('note', 'hi'))).toMatchObject({ ok: false, path: 'review.note' })
    const { server } = setup()
    const sv = Y.encodeStateVector(server.ydoc)
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(server.ydoc))
    server.setReviewNote('resolved.address', 'admin')
    expect(inspectUpdate(copy, Y.encodeStateAsUpdate(server.ydoc, sv)).ok).toBe(true)
  })

  it('L7 an update that deletes an empty range is refused: stored, its state would no longer convert to V2', () => {
    const { server } = setup()
    // No structs; a delete set of client 100 with one range, at clock 0, of `len`.
    const ranges = (len: number): Uint8Array => new Uint8Array([0, 1, 100, 1, 0, len])
    expect(() => Y.convertUpdateFormatV1ToV2(ranges(0))).toThrow() // what the stored state would hit
    expect(inspectUpdate(server.ydoc, ranges(0))).toEqual({
      ok: false,
      code: 'sync/invalid-update',
      reason: 'update deletes an empty range',
    })
    expect(inspectUpdate(server.ydoc, ranges(1))).not.toMatchObject({ reason: 'update deletes an empty range' })
  })

  it('L6 garbage never throws: random bytes give invalid-update (or an empty accepted update)', () => {
    const { server } = setup()
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = inspectUpdate(server.ydoc, bytes)
        if (!r.ok)
          expect(['sync/invalid-update', 'sync/layout-violation', 'sync/missing-dependencies']).toContain(r.code)
      }),
      { numRuns: 3000 },
    )
    // Valid updates with flipped bytes, too.
    const a = setup().a
    a.setField('address', 'flip me')
    const good = Y.encodeStateAsUpdate(a.ydoc)
    fc.assert(
      fc.property(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), (pos, byte) => {
        const bad = good.slice()
        bad[pos] = byte
        inspectUpdate(server.ydoc, bad)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('a client that keeps deleted content (gc: false)', () => {
  /** A device like the stock y-websocket client built with `new Y.Doc({ gc: false })`. */
  function keepingDevice(server: HouseholdDoc, clientId: number): HouseholdDoc {
    const ydoc = new Y.Doc({ gc: false })
    ydoc.clientID = clientId
    Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(server.ydoc))
    return new HouseholdDoc(ydoc)
  }

  it('G1 its consecutive writes of one field (merged into one item of several values) are accepted, each recorded', () => {
    const { server } = setup()
    const d = keepingDevice(server, 300)
    for (const v of ['1 Lê Lợi', '2 Lê Lợi', '3 Lê Lợi']) d.setField('address', v)
    const update = diff(d, server)
    // The two overwritten writes arrive as one item of two values; the visible one stands alone.
    expect(Y.decodeUpdate(update).structs.map((st) => st.length)).toEqual([2, 1])
    const r = deliver(server, update)
    expect(r.conflicts).toEqual([])
    expect(r.writes.filter((w) => w.path === 'address').map((w) => w.value)).toEqual([
      '1 Lê Lợi',
      '2 Lê Lợi',
      '3 Lê Lợi',
    ])
    expect(server.read().household.address).toBe('3 Lê Lợi')
  })

  it('G2 a bad value inside such a run is still refused, and a concurrent write elsewhere is one conflict', () => {
    const { server, b } = setup()
    const bad = keepingDevice(server, 301)
    bad.ydoc.getMap('fields').set('address', 42)
    bad.setField('address', 'x')
    bad.setField('address', 'y')
    expect(inspectUpdate(server.ydoc, diff(bad, server))).toMatchObject({ ok: false, code: 'sync/layout-violation' })

    const d = keepingDevice(server, 302)
    b.setField('address', 'from b')
    deliver(server, diff(b, server))
    d.setField('address', 'first')
    d.setField('address', 'second')
    d.setField('address', 'third')
    const r = deliver(server, diff(d, server))
    expect(r.conflicts).toHaveLength(1)
    expect(r.conflicts[0]).toMatchObject({
      path: 'address',
      incoming: { value: 'third' },
      current: { value: 'from b' },
    })
  })
})
