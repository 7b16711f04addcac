// HouseholdDoc intents, read(), state machine and migration; rule ids D1… refer to docs/household-document.md.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { makeHousehold, makeMember } from '../test-support/household-fixtures.ts'
import { DEVICES, type Household } from '../household/types.ts'
import { validateHousehold } from '../household/validate.ts'
import { classify } from '../rules/classify.ts'
import {
  canTransition,
  HouseholdDoc,
  migrate,
  parsePath,
  pathOf,
  Root,
  schemaVersionOf,
  SERVER_CLIENT_ID,
  type EditOrigin,
} from './index.ts'

/** read() returns sets in canonical order (DEVICES order, sorted codes) and photos by capture time. */
export function canonical(h: Household): Household {
  return {
    ...h,
    status: h.status ?? 'listed',
    causes: [...h.causes].sort(),
    supportNeeds: [...h.supportNeeds].sort(),
    dwelling: { ...h.dwelling, devices: DEVICES.filter((d) => h.dwelling.devices.includes(d)) },
    photos: [...h.photos].sort((a, b) =>
      a.capturedAt < b.capturedAt ? -1 : a.capturedAt > b.capturedAt ? 1 : a.sha256 < b.sha256 ? -1 : 1,
    ),
  }
}

function origins(doc: HouseholdDoc): EditOrigin[] {
  const seen: EditOrigin[] = []
  doc.onChange((o) => seen.push(o))
  return seen
}

const SHA = 'a'.repeat(64)

describe('HouseholdDoc', () => {
  it('D1 create → read() gives back the household, valid for the schema and classify()', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const h = makeHousehold({}, seed)
      const r = HouseholdDoc.create(h).read()
      expect(r.household).toEqual(canonical(h))
      expect(validateHousehold(r.household).ok).toBe(true)
      expect(classify(r.household)).toEqual(classify(canonical(h)))
      expect(r.schemaVersion).toBe(1)
    }
  })

  it('D1 a minimal household reads as a complete, valid rasoat.household/1 object', () => {
    const d = HouseholdDoc.create({
      id: '7d1c2f3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
      period: '2025',
      unit: '19753',
      village: 'Thôn 1',
      address: '1 Lê Lợi',
    })
    d.addMember({ fullName: 'Trần Văn C', relation: 'head' })
    const { household } = d.read()
    expect(household.income).toEqual({})
    expect(household.status).toBe('listed')
    expect(validateHousehold(household).ok).toBe(true)
    expect(classify(household).category).toBeTypeOf('string')
  })

  it('D2 every intent is one transaction with a typed local origin', () => {
    const d = HouseholdDoc.create(makeHousehold({ members: [] }))
    const seen = origins(d)
    expect(d.setField('address', '5 Lê Lợi')).toEqual({ ok: true })
    expect(d.setIncome({ b1Score: 120 })).toEqual({ ok: true })
    const added = d.addMember({ fullName: 'Nguyễn Văn A', sex: 'male', birthDate: '1980-01-02' })
    if (!added.ok) throw new Error(added.reason)
    expect(d.updateMember(added.id, { healthInsurance: true, employment: 'self_employed' })).toEqual({ ok: true })
    expect(d.setDwelling({ roofDurable: false, floorAreaM2: 12.5, devices: ['tv', 'radio'] })).toEqual({ ok: true })
    expect(d.setCauses(['illness', 'no_land'])).toEqual({ ok: true })
    expect(d.setSupportNeeds(['credit'])).toEqual({ ok: true })
    expect(d.setAttributes({ ethnicMinority: true })).toEqual({ ok: true })
    expect(d.setLocation({ lat: 16.46, lng: 107.59, accuracyM: 8, capturedAt: '2025-10-01T08:00:00Z' })).toEqual({
      ok: true,
    })
    expect(d.attachPhoto({ sha256: SHA, kind: 'house', capturedAt: '2025-10-01T08:01:00Z' })).toEqual({ ok: true })
    expect(d.setQuickScreen('continue', null)).toEqual({ ok: true })
    expect(seen.map((o) => (o.kind === 'local' ? o.intent : o.kind))).toEqual([
      'setField',
      'setIncome',
      'addMember',
      'updateMember',
      'setDwelling',
      'setCauses',
      'setSupportNeeds',
      'setAttributes',
      'setLocation',
      'attachPhoto',
      'setQuickScreen',
    ])
    const r = d.read()
    expect(r.household.address).toBe('5 Lê Lợi')
    expect(r.household.income).toEqual({ b1Score: 120 })
    expect(r.household.members.map((m) => m.fullName)).toEqual(['Nguyễn Văn A'])
    expect(r.household.members[0]?.healthInsurance).toBe(true)
    expect(r.household.dwelling.devices).toEqual(['tv', 'radio'])
    expect(r.household.causes).toEqual(['illness', 'no_land'])
    expect(r.household.location?.accuracyM).toBe(8)
    expect(r.household.photos).toEqual([{ sha256: SHA, kind: 'house', capturedAt: '2025-10-01T08:01:00Z' }])
    expect(r.screen).toEqual({ result: 'continue', reason: null })
    expect(validateHousehold(r.household).ok).toBe(true)
  })

  it('D2 onChange reports remote and unknown origins as remote, and unsubscribes', () => {
    const a = HouseholdDoc.create(makeHousehold({}, 5))
    const b = new HouseholdDoc(new Y.Doc())
    const seen = origins(b)
    Y.applyUpdate(b.ydoc, Y.encodeStateAsUpdate(a.ydoc), { some: 'provider object' })
    Y.applyUpdate(b.ydoc, Y.encodeStateAsUpdate(a.ydoc)) // nothing new: no event
    const off = b.onChange(() => seen.push({ kind: 'import' }))
    b.setField('village', 'Thôn 9')
    off()
    b.setField('village', 'Thôn 10')
    expect(seen).toEqual([
      { kind: 'remote' },
      { kind: 'local', intent: 'setField' },
      { kind: 'import' },
      { kind: 'local', intent: 'setField' },
    ])
  })

  it('D3 an unchanged value writes nothing; an invalid value writes nothing and names the path', () => {
    const h = makeHousehold({}, 4)
    const d = HouseholdDoc.create(h)
    const seen = origins(d)
    expect(d.setField('address', h.address)).toEqual({ ok: true })
    expect(d.setDwelling({ ...h.dwelling })).toEqual({ ok: true })
    expect(seen).toEqual([])
    // @ts-expect-error wrong type on purpose
    expect(d.setField('farming', 'yes')).toMatchObject({ ok: false, code: 'household/invalid-value', path: 'farming' })
    expect(d.setDwelling({ floorAreaM2: -3, roofDurable: !h.dwelling.roofDurable })).toMatchObject({
      ok: false,
      path: 'dwelling.floorAreaM2',
    })
    expect(d.setDevices(['tv', 'fax' as 'tv'])).toMatchObject({ ok: false })
    expect(d.updateMember('nope', { fullName: 'x' })).toMatchObject({ ok: false, code: 'household/member-not-found' })
    expect(seen).toEqual([])
  })

  it('D4 removeMember sets removed: true and keeps the member map (never Y.Map.delete)', () => {
    const h = makeHousehold({
      members: [makeMember({ id: 'm1', fullName: 'A' }), makeMember({ id: 'm2', fullName: 'B', relation: 'spouse' })],
    })
    const d = HouseholdDoc.create(h)
    expect(d.removeMember('m1')).toEqual({ ok: true })
    expect(d.read().household.members.map((m) => m.id)).toEqual(['m2'])
    const raw = d.ydoc.getMap(Root.MEMBERS).get('m1') as Y.Map<unknown>
    expect(raw.get('removed')).toBe(true)
    expect(d.updateMember('m1', { fullName: 'C' })).toMatchObject({ ok: false, code: 'household/member-not-found' })
    expect(d.detachPhoto('b'.repeat(64))).toMatchObject({ ok: false, code: 'household/photo-not-found' })
  })

  it('D5 changeStatus follows the DOMAIN.md §1 state machine and records who, when, comment', () => {
    const d = HouseholdDoc.create(makeHousehold({ status: 'listed' }))
    const path = [
      'assigned',
      'in_progress',
      'submitted',
      'returned',
      'in_progress',
      'submitted',
      'verified',
      'agreed_at_meeting',
      'posted',
      'under_recheck',
      'posted',
      'approved',
      'certified',
    ] as const
    for (const to of path) expect(d.changeStatus(to, { by: 'u1', at: '2025-10-01T00:00:00Z' })).toEqual({ ok: true })
    const r = d.read()
    expect(r.workflow.status).toBe('certified')
    expect(r.household.status).toBe('certified')
    expect(r.workflow.history).toHaveLength(path.length)
    expect(r.workflow.history[0]).toEqual({
      from: 'listed',
      to: 'assigned',
      by: 'u1',
      at: '2025-10-01T00:00:00Z',
      comment: null,
    })
    expect(d.changeStatus('in_progress', { by: 'u1' })).toMatchObject({
      ok: false,
      code: 'household/invalid-transition',
    })
    expect(canTransition('submitted', 'verified')).toBe(true)
    expect(canTransition('listed', 'certified')).toBe(false)
    expect(canTransition('verified', 're_review')).toBe(true)
  })

  it('D6 concurrent toggles of different devices and causes both survive', () => {
    const a = HouseholdDoc.create(makeHousehold({ dwelling: { devices: [] }, causes: [] }))
    const b = new HouseholdDoc(new Y.Doc())
    Y.applyUpdate(b.ydoc, Y.encodeStateAsUpdate(a.ydoc))
    a.setDevices(['tv'])
    b.setDevices(['radio'])
    a.setCauses(['illness'])
    b.setCauses(['no_land'])
    Y.applyUpdate(a.ydoc, Y.encodeStateAsUpdate(b.ydoc))
    Y.applyUpdate(b.ydoc, Y.encodeStateAsUpdate(a.ydoc))
    expect(a.read()).toEqual(b.read())
    expect(a.read().household.dwelling.devices).toEqual(['tv', 'radio'])
    expect(a.read().household.causes).toEqual(['illness', 'no_land'])
  })

  it('D7 resolveField writes on top of the current value with a server-resolution origin', () => {
    const d = HouseholdDoc.create(makeHousehold({ members: [makeMember({ id: 'm1' })] }))
    const seen = origins(d)
    expect(d.resolveField('dwelling.roofDurable', false, 'c1')).toEqual({ ok: true })
    expect(d.resolveField('members.m1.healthInsurance', false)).toEqual({ ok: true })
    expect(d.resolveField('members.m1.nope', false)).toMatchObject({ ok: false, code: 'household/unknown-path' })
    expect(d.resolveField('dwelling.water', 'lake')).toMatchObject({ ok: false, code: 'household/invalid-value' })
    expect(seen).toEqual([{ kind: 'server-resolution', conflictId: 'c1' }, { kind: 'server-resolution' }])
    expect(d.read().household.members[0]?.healthInsurance).toBe(false)
  })

  it('D7 load() keeps the server client id even when the state holds server-written structs', () => {
    const created = HouseholdDoc.create(makeHousehold({}, 3), { clientId: SERVER_CLIENT_ID })
    const loaded = HouseholdDoc.load(Y.encodeStateAsUpdate(created.ydoc), { clientId: SERVER_CLIENT_ID })
    expect(loaded.ydoc.clientID).toBe(SERVER_CLIENT_ID)
    expect(loaded.resolveField('address', 'sửa bởi quản trị')).toEqual({ ok: true })
    expect(loaded.ydoc.clientID).toBe(SERVER_CLIENT_ID)
    expect(loaded.read().household.address).toBe('sửa bởi quản trị')
  })

  it('D8 paths: pathOf and parsePath are inverse', () => {
    expect(pathOf(Root.FIELDS, 'address')).toBe('address')
    expect(pathOf(Root.MEMBERS, 'healthInsurance', 'm1')).toBe('members.m1.healthInsurance')
    for (const p of [
      'address',
      'dwelling.roofDurable',
      'income.perCapitaMonthly',
      'members.m-1.healthInsurance',
      'devices.tv',
      'causes.illness',
      `photos.${SHA}.kind`,
      'workflow.status',
      'location.lat',
    ]) {
      const loc = parsePath(p)
      expect(loc).not.toBeNull()
      if (loc) expect(pathOf(loc.root, loc.key, loc.entity)).toBe(p)
    }
    for (const p of ['nope', 'dwelling.nope', 'members.m1', 'devices.fax', 'photos.abc.kind', 'fields.address'])
      expect(parsePath(p)).toBeNull()
  })
})

describe('migration', () => {
  it('D9 migrate() upgrades a v0 flat document to layout v1, idempotently', () => {
    const doc = new Y.Doc()
    doc.transact(() => {
      const form = doc.getMap<unknown>('form')
      const v0: Record<string, unknown> = {
        id: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
        period: '2025',
        unit: '19753',
        village: 'Thôn 2',
        address: '9 Hùng Vương',
        farming: true,
        status: 'in_progress',
        perCapitaMonthly: 1_200_000,
        hasDwelling: true,
        wallDurable: true,
        columnDurable: false,
        roofDurable: true,
        floorAreaM2: 30,
        water: 'piped',
        toilet: 'septic',
        internet: false,
        devices: 'tv,smartphone,fax',
        lat: 16.4,
        lng: 107.6,
        accuracyM: 12,
        capturedAt: '2025-10-02T07:00:00Z',
        ethnicMinority: true,
        members: [
          {
            id: 'p1',
            fullName: 'Lê Thị B',
            sex: 'female',
            birthDate: '1975-03-04',
            relation: 'head',
            healthInsurance: true,
          },
        ],
      }
      for (const [k, v] of Object.entries(v0)) form.set(k, v)
    })
    expect(schemaVersionOf(doc)).toBe(0)
    expect(migrate(doc)).toEqual({ ok: true, from: 0, to: 1 })
    expect(schemaVersionOf(doc)).toBe(1)
    const { household } = new HouseholdDoc(doc).read()
    expect(household).toMatchObject({
      id: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
      farming: true,
      status: 'in_progress',
      income: { perCapitaMonthly: 1_200_000 },
      location: { lat: 16.4, lng: 107.6, accuracyM: 12, capturedAt: '2025-10-02T07:00:00Z' },
      dwelling: { roofDurable: true, columnDurable: false, water: 'piped', devices: ['tv', 'smartphone'] },
      attributes: { ethnicMinority: true, meritoriousFamily: false },
    })
    expect(household.members).toEqual([
      expect.objectContaining({ id: 'p1', fullName: 'Lê Thị B', healthInsurance: true, relation: 'head' }),
    ])
    expect(validateHousehold(household).ok).toBe(true)
    const before = Y.encodeStateVector(doc)
    expect(migrate(doc)).toEqual({ ok: true, from: 1, to: 1 })
    expect(Y.encodeStateVector(doc)).toEqual(before)
    // Two replicas migrating the same v0 state write equal values: they converge to the same household.
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(new Y.Doc())))
    expect(new HouseholdDoc(other).read()).toEqual(new HouseholdDoc(doc).read())
  })

  it('D9 an empty document needs no migration', () => {
    expect(migrate(new Y.Doc())).toEqual({ ok: true, from: 1, to: 1 })
  })
})
