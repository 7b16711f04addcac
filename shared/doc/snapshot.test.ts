// The snapshot kept per resident household is read again in place, root by root (refreshSnapshot): after any sequence
// of edits it equals a fresh readSnapshot of the document, and objects whose shape did not change are kept.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as Y from 'yjs'
import { makeHousehold } from '../test-support/household-fixtures.ts'
import { DEVICES, WASTE_HANDLING, type Income } from '../household/types.ts'
import { HouseholdDoc } from './household-doc.ts'
import type { RootName } from './keys.ts'
import {
  ATTRIBUTE_DEFAULTS,
  DWELLING_DEFAULTS,
  readSnapshot,
  refreshSnapshot,
  type HouseholdSnapshot,
} from './snapshot.ts'

/** The roots each transaction on `doc` wrote (what the server's inspection reports for an update). */
function rootsWritten(doc: Y.Doc): { take(): Set<RootName> } {
  let roots = new Set<RootName>()
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    for (const changed of tr.changed.keys()) {
      let t = changed
      while (t._item !== null) t = t._item.parent as typeof changed
      for (const [name, root] of doc.share) if (root === t) roots.add(name as RootName)
    }
  })
  return {
    take() {
      const out = roots
      roots = new Set()
      return out
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
  }
}

describe('refreshSnapshot', () => {
  it('after any sequence of edits, the snapshot kept and read again root by root equals a fresh read', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 25 }), (ops) => {
        const h = HouseholdDoc.create(makeHousehold())
        const written = rootsWritten(h.ydoc)
        let kept: HouseholdSnapshot = readSnapshot(h.ydoc)
        for (const op of ops) {
          edit(h, op)
          kept = refreshSnapshot(h.ydoc, kept, written.take())
          expect(kept).toEqual(readSnapshot(h.ydoc))
        }
      }),
      { numRuns: 200 },
    )
  })

  it('keeps the snapshot, its dwelling, attributes, income and lists when only their values change', () => {
    const h = HouseholdDoc.create(makeHousehold({ dwelling: { floorAreaM2: 30 } }))
    h.setIncome({ perCapitaMonthly: 1_000_000 })
    const written = rootsWritten(h.ydoc)
    const kept = readSnapshot(h.ydoc)
    const { dwelling, attributes, income, causes } = kept.household
    h.setDwelling({ floorAreaM2: 45, roofDurable: !dwelling.roofDurable })
    h.setAttributes({ ethnicMinority: !attributes.ethnicMinority })
    h.setIncome({ perCapitaMonthly: 1_500_000 })
    h.setCauses([...causes])
    const next = refreshSnapshot(h.ydoc, kept, written.take())
    expect(next).toBe(kept)
    expect(next.household.dwelling).toBe(dwelling)
    expect(next.household.attributes).toBe(attributes)
    expect(next.household.income).toBe(income)
    expect(next.household.causes).toBe(causes)
    expect(next).toEqual(readSnapshot(h.ydoc))
    expect(dwelling.floorAreaM2).toBe(45)
    expect(income.perCapitaMonthly).toBe(1_500_000)
  })

  it('reads a new object when a figure or the waste answer comes or goes, and the whole snapshot for fields', () => {
    const h = HouseholdDoc.create(makeHousehold())
    h.setIncome({ perCapitaMonthly: 1_000_000 })
    h.setDwelling({ waste: null })
    const written = rootsWritten(h.ydoc)
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
      const written = rootsWritten(h.ydoc)
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
