// Tests of calendar arithmetic: real dates only, ages rise on the birthday itself.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ageAt, daysInMonth, parseDate } from './age.ts'

const d = (s: string) => {
  const x = parseDate(s)
  if (!x) throw new Error(`bad date ${s}`)
  return x
}

describe('parseDate', () => {
  it.each(['2025-02-30', '2025-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '25-01-01', '2025-1-1', ''])(
    '%s is not a date',
    (s) => {
      expect(parseDate(s)).toBeUndefined()
    },
  )
  it.each(['2024-02-29', '2000-02-29', '2025-12-31', '1900-02-28'])('%s is a date', (s) => {
    expect(parseDate(s)).toBeDefined()
  })
  it('1900 is not a leap year', () => expect(parseDate('1900-02-29')).toBeUndefined())

  it.each(['2025-01-01\n', ' 2025-01-01', '2025-01-0١', '+025-01-01', '2025-01-1 ', '2025/01/01', '2025-01-01T00'])(
    '%j is not a date either',
    (s) => {
      expect(parseDate(s)).toBeUndefined()
    },
  )

  it('reads exactly what /^(\\d{4})-(\\d{2})-(\\d{2})$/ matches, as a real calendar date', () => {
    const reference = (s: string): { year: number; month: number; day: number } | undefined => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
      if (!m) return undefined
      const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
      if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
      return { year, month, day }
    }
    const digit = fc.constantFrom(...'0123456789١x -'.split(''))
    const dateLike = fc
      .tuple(fc.array(digit, { minLength: 3, maxLength: 5 }), fc.array(digit, { minLength: 1, maxLength: 3 }))
      .map(([a, b]) => `${a.join('')}-0${b.join('')}-${b.reverse().join('')}`)
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 12 }),
          dateLike,
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
        ),
        (s) => {
          expect(parseDate(s)).toEqual(reference(s))
        },
      ),
      { numRuns: 2_000 },
    )
  })
})

describe('ageAt', () => {
  it.each([
    ['2010-09-01', '2025-09-01', 15],
    ['2010-09-02', '2025-09-01', 14],
    ['2010-08-31', '2025-09-01', 15],
    ['2010-12-31', '2025-01-01', 14],
    ['2008-02-29', '2025-02-28', 16],
    ['2008-02-29', '2025-03-01', 17],
    ['2008-02-29', '2024-02-29', 16],
    ['2025-09-02', '2025-09-01', -1],
  ])('born %s, at %s → %i', (birth, at, age) => {
    expect(ageAt(d(birth), d(at))).toBe(age)
  })
})
