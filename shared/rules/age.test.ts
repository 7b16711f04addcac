// Tests of calendar arithmetic: real dates only, ages rise on the birthday itself.
import { describe, expect, it } from 'vitest'
import { ageAt, parseDate } from './age.ts'

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
