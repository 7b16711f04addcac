// The snapshot kept per resident household is read again in place, by the keys or the roots written (refreshSnapshot):
// after any sequence of edits it equals a fresh readSnapshot of the document, and objects whose shape did not change
// are kept.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as Y from 'yjs'
import { makeHousehold } from '../test-support/household-fixtures.ts'
import { DEVICES, WASTE_HANDLING, type Income } from '../household/types.ts'
import { HouseholdDoc } from './household-doc.ts'
import { MEMBER_KEYS, Root, type RootName } from './keys.ts'
import { pathOf } from './paths.ts'
import {
  ATTRIBUTE_DEFAULTS,
  DWELLING_DEFAULTS,
  readSnapshot,
  refreshSnapshot,
  type HouseholdSnapshot,
  type WrittenKeys,
} from './snapshot.ts'

/**
 * What each transaction on `doc` wrote, as the server's inspection reports it for an update: `take()` the roots and
 * keys (`<member id>.<key>` under members), `take('roots')` only the roots, each to be read again whole.
 */
function keysWritten(doc: Y.Doc): { take(whole?: 'roots'): WrittenKeys } {
  let written = new Map<RootName, Set<string> | null>()
  const add = (root: RootName, key: string | null): void => {
    const had = written.get(root)
    if (key === null) written.set(root, null)
    else if (had === undefined) written.set(root, new Set([key]))
    else had?.add(key)
  }
  const rootName = (t: object): RootName => {
    for (const [name, root] of doc.share) if (root === t) return name as RootName
    throw new Error('not a root')
  }
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    for (const [changed, keys] of tr.changed) {
      const item = changed._item
      if (item === null) {
        for (const k of keys) add(rootName(changed), k)
        continue
      }
      // An entity map (a member, a photo) under a root map: its keys are `<entity>.<key>`.
      const root = rootName(item.parent as typeof changed)
      for (const k of keys) add(root, k === null ? null : `${item.parentSub}.${k}`)
    }
  })
  return {
    take(whole) {
      const out = written
      written = new Map()
      return whole === 'roots' ? new Map([...out.keys()].map((r) => [r, null])) : out
    },
  }
}

type Op =
  | { kind: 'dwelling'; roof: boolean; m2: number; waste: number | null }
  | { kind: 'devices'; pick: number }
  | { kind: 'income'; pc: number | null; b1: number | null }
  | { kind: 'attributes'; on: boolean }
  | { kind: 'causes'; pick: number }
  | { kind: 'member'; n: number }
  | { kind: 'memberAnswer'; n: number; on: boolean }
  | { kind: 'memberMove'; n: number; to: number }
  | { kind: 'memberRemove'; n: number }
  | { kind: 'farming'; on: boolean }
  | { kind: 'location'; lat: number }
  | { kind: 'address'; n: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('dwelling' as const),
    roof: fc.boolean(),
    m2: fc.integer({ min: 5, max: 120 }),
    waste: fc.option(fc.nat(WASTE_HANDLING.length - 1)),
  }),
  fc.record({ kind: fc.constant('devices' as const), pick: fc.nat(63) }),
  fc.record({
    kind: fc.constant('income' as const),
    pc: fc.option(fc.integer({ min: 0, max: 4_000_000 })),
    b1: fc.option(fc.integer({ min: 0, max: 300 })),
  }),
  fc.record({ kind: fc.constant('attributes' as const), on: fc.boolean() }),
  fc.record({ kind: fc.constant('causes' as const), pick: fc.nat(7) }),
  fc.record({ kind: fc.constant('member' as const), n: fc.nat(9) }),
  fc.record({ kind: fc.constant('memberAnswer' as const), n: fc.nat(9), on: fc.boolean() }),
  fc.record({ kind: fc.constant('memberMove' as const), n: fc.nat(9), to: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant('memberRemove' as const), n: fc.nat(9) }),
  fc.record({ kind: fc.constant('farming' as const), on: fc.boolean() }),
  fc.record({ kind: fc.constant('location' as const), lat: fc.integer({ min: 1600, max: 1700 }) }),
  fc.record({ kind: fc.constant('address' as const), n: fc.nat(9) }),
)

const pickOf = <T>(all: readonly T[], bits: number): T[] => all.filter((_, i) => (bits >> i) & 1)

function edit(h: HouseholdDoc, op: Op): void {
  switch (op.kind) {
    case 'dwelling':
      return void h.setDwelling({
        roofDurable: op.roof,
        floorAreaM2: op.m2,
        waste: op.waste === null ? null : WASTE_HANDLING[op.waste],
      })
    case 'devices':
      return void h.setDevices(pickOf(DEVICES, op.pick))
    case 'income': {
      const income: Income = {}
      if (op.pc !== null) income.perCapitaMonthly = op.pc
      if (op.b1 !== null) income.b1Score = op.b1
      return void h.setIncome(income)
    }
    case 'attributes':
      return void h.setAttributes({ ethnicMinority: op.on, noWorkingCapacity: !op.on })
    case 'causes':
      return void h.setCauses(pickOf(['lack_capital', 'lack_land', 'illness'], op.pick))
    case 'member':
      return void h.addMember({ fullName: `Thành viên ${op.n}`, relation: 'child', birthDate: `20${10 + op.n}-03-01` })
    case 'location':
      return void h.setLocation({ lat: op.lat / 100, lng: 107.6, accuracyM: 5, capturedAt: '2025-10-01T08:00:00Z' })
    case 'address':
      return void h.setAddress(`${op.n} Lê Lợi`)
    case 'farming':
      return void h.setField('farming', op.on)
  }
  const members = h.read().household.members
  const m = members[op.n % members.length]
  if (m === undefined) return
  switch (op.kind) {
    case 'memberAnswer':
      return void h.updateMember(m.id, {
        healthInsurance: op.on,
        employment: op.on ? 'self_employed' : 'unemployed_seeking',
        fullName: `${m.fullName.split(' #')[0]} #${op.n}`,
      })
    case 'memberMove': // a reorder, as an import writes it: the list is read again whole
      return void h.resolveField(pathOf(Root.MEMBERS, 'position' satisfies keyof typeof MEMBER_KEYS, m.id), op.to)
    case 'memberRemove':
      if (m.relation !== 'head') h.removeMember(m.id)
  }
}

describe('refreshSnapshot', () => {
  it.each(['keys', 'roots'] as const)(
    'after any sequence of edits, the snapshot kept and read again by the %s written equals a fresh read',
    (by) => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 1, maxLength: 25 }), (ops) => {
          const h = HouseholdDoc.create(makeHousehold())
          const written = keysWritten(h.ydoc)
          let kept: HouseholdSnapshot = readSnapshot(h.ydoc)
          for (const op of ops) {
            edit(h, op)
            kept = refreshSnapshot(h.ydoc, kept, by === 'keys' ? written.take() : written.take('roots'))
            expect(kept).toEqual(readSnapshot(h.ydoc))
          }
        }),
        { numRuns: 200 },
      )
    },
  )

  it('keeps the snapshot, its dwelling, attributes, income, members and lists when only their values change', () => {
    const h = HouseholdDoc.create(makeHousehold({ dwelling: { floorAreaM2: 30 } }))
    h.setIncome({ perCapitaMonthly: 1_000_000 })
    const written = keysWritten(h.ydoc)
    const kept = readSnapshot(h.ydoc)
    const { dwelling, attributes, income, causes, members } = kept.household
    const [head] = members
    h.setDwelling({ floorAreaM2: 45, roofDurable: !dwelling.roofDurable })
    h.setAttributes({ ethnicMinority: !attributes.ethnicMinority })
    h.setIncome({ perCapitaMonthly: 1_500_000 })
    h.setCauses([...causes])
    h.updateMember(head!.id, { healthInsurance: !head!.healthInsurance })
    const next = refreshSnapshot(h.ydoc, kept, written.take())
    expect(next).toBe(kept)
    expect(next.household.dwelling).toBe(dwelling)
    expect(next.household.attributes).toBe(attributes)
    expect(next.household.income).toBe(income)
    expect(next.household.causes).toBe(causes)
    expect(next.household.members).toBe(members)
    expect(next.household.members[0]).toBe(head)
    expect(next).toEqual(readSnapshot(h.ydoc))
    expect(dwelling.floorAreaM2).toBe(45)
    expect(income.perCapitaMonthly).toBe(1_500_000)
  })

  it('reads a new object when a figure or the waste answer comes or goes, and the whole snapshot for fields', () => {
    const h = HouseholdDoc.create(makeHousehold())
    h.setIncome({ perCapitaMonthly: 1_000_000 })
    h.setDwelling({ waste: null })
    const written = keysWritten(h.ydoc)
    const kept = readSnapshot(h.ydoc)
    const { dwelling, income } = kept.household
    h.setIncome({ b1Score: 120 })
    h.setDwelling({ waste: WASTE_HANDLING[0] })
    const next = refreshSnapshot(h.ydoc, kept, written.take())
    expect(next.household.income).not.toBe(income)
    expect(next.household.income).toEqual({ b1Score: 120 })
    expect(next.household.dwelling).not.toBe(dwelling)
    expect(next.household.dwelling.waste).toBe(WASTE_HANDLING[0])
    h.setAddress('9 Lê Lợi')
    const whole = refreshSnapshot(h.ydoc, next, written.take())
    expect(whole).not.toBe(next)
    expect(whole).toEqual(readSnapshot(h.ydoc))
  })

  it('reads every dwelling and attribute answer again (each one changes in some of these households)', () => {
    const changed = new Set<string>()
    for (let seed = 1; seed <= 40; seed++) {
      const h = HouseholdDoc.create(makeHousehold({}, seed))
      const written = keysWritten(h.ydoc)
      const kept = readSnapshot(h.ydoc)
      const before = { ...kept.household.dwelling, ...kept.household.attributes }
      const other = makeHousehold({}, seed + 1_000)
      h.setDwelling({ ...other.dwelling, waste: other.dwelling.waste ?? null })
      h.setAttributes(other.attributes)
      const next = refreshSnapshot(h.ydoc, kept, written.take())
      expect(next).toEqual(readSnapshot(h.ydoc))
      const after: Record<string, unknown> = { ...next.household.dwelling, ...next.household.attributes }
      for (const [k, v] of Object.entries(before)) if (JSON.stringify(after[k]) !== JSON.stringify(v)) changed.add(k)
    }
    const answers = [...Object.keys(DWELLING_DEFAULTS), 'devices', ...Object.keys(ATTRIBUTE_DEFAULTS)]
    expect(answers.filter((k) => !changed.has(k))).toEqual([])
  })
})
