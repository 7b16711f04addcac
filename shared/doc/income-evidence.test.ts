// The household document keeps both income figures (per-capita income and Phiếu B1 score) side by side: giving one
// never hides or erases the other, and a figure a reader selected away with `kind` is still read back (IN3).
import { describe, expect, it } from 'vitest'
import { makeHousehold } from '../test-support/household-fixtures.ts'
import { classify } from '../rules/classify.ts'
import { HouseholdDoc, Root } from './index.ts'

describe('income evidence in the document', () => {
  it('IN3 a per-capita income stays when a B1 score is added, and the per-capita figure decides', () => {
    const d = HouseholdDoc.create(makeHousehold({ income: {} }))
    expect(d.setIncome({ perCapitaMonthly: 1_200_000 })).toEqual({ ok: true })
    expect(d.setIncome({ perCapitaMonthly: 1_200_000, b1Score: 150 })).toEqual({ ok: true })
    expect(d.read().household.income).toEqual({ perCapitaMonthly: 1_200_000, b1Score: 150 })
    expect(classify(d.read().household).incomeEvidence).toBe('per_capita')
    // removing the B1 score again leaves the per-capita figure as it was
    expect(d.setIncome({ perCapitaMonthly: 1_200_000 })).toEqual({ ok: true })
    expect(d.read().household.income).toEqual({ perCapitaMonthly: 1_200_000 })
  })

  it('a figure left out of setIncome is cleared; {} clears both', () => {
    const d = HouseholdDoc.create(makeHousehold({ income: { perCapitaMonthly: 900_000, b1Score: 120 } }))
    expect(d.read().household.income).toEqual({ perCapitaMonthly: 900_000, b1Score: 120 })
    d.setIncome({ b1Score: 120 })
    expect(d.read().household.income).toEqual({ b1Score: 120 })
    d.setIncome({})
    expect(d.read().household.income).toEqual({})
  })

  it('a per-capita figure that an older form hid by switching `kind` to the B1 score is read back, never lost', () => {
    const d = HouseholdDoc.create(makeHousehold({ income: { perCapitaMonthly: 1_200_000 } }))
    const ydoc = d.ydoc // written as an older form left it
    ydoc.transact(() => {
      const income = ydoc.getMap(Root.INCOME)
      income.set('kind', 'b1Score')
      income.set('b1Score', 150)
    })
    expect(d.read().household.income).toEqual({ perCapitaMonthly: 1_200_000, b1Score: 150 })
  })

  it('setting the same figures again writes nothing (no transaction)', () => {
    const d = HouseholdDoc.create(makeHousehold({ income: { perCapitaMonthly: 1_200_000 } }))
    let updates = 0
    d.onChange(() => updates++)
    d.setIncome({ perCapitaMonthly: 1_200_000 })
    expect(updates).toBe(0)
  })
})
