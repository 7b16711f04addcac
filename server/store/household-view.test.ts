import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { indicatorBit } from './household-view.ts'

describe('indicatorBit', () => {
  it('maps I01…I14 to bits 0…13 and anything else to -1', () => {
    expect(indicatorBit('I01')).toBe(0)
    expect(indicatorBit('I14')).toBe(13)
    for (const id of ['I1', 'I001', 'i01', 'X01', 'I0a', ' I01', '']) expect(indicatorBit(id)).toBe(-1)
  })

  it('agrees with the id pattern I + two digits for any string', () => {
    const byPattern = (id: string): number => {
      const m = /^I(\d{2})$/.exec(id)
      return m ? Number(m[1]) - 1 : -1
    }
    const ids = fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.tuple(fc.constantFrom('I', 'i', 'J'), fc.string({ minLength: 0, maxLength: 3 })).map(([a, b]) => a + b),
      fc.integer({ min: 0, max: 99 }).map((n) => `I${String(n).padStart(2, '0')}`),
    )
    fc.assert(
      fc.property(ids, (id) => {
        expect(indicatorBit(id)).toBe(byPattern(id))
      }),
      { numRuns: 2000 },
    )
  })
})
