// Number formatting in explanations is the same on every device (no locale data).
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { formatNumber, formatVnd } from './format.ts'

/** The first implementation (a regular expression per call), kept as the reference the faster one must equal. */
function reference(value: number, decimals: number, lang: 'vi' | 'en' = 'en'): string {
  const fixed = value.toFixed(decimals)
  const [int = '0', frac] = fixed.split('.')
  const sep = lang === 'vi' ? '.' : ','
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, sep)
  if (frac === undefined || /^0*$/.test(frac)) return grouped
  return `${grouped}${lang === 'vi' ? ',' : '.'}${frac}`
}

describe('formatNumber / formatVnd', () => {
  it.each([
    [1_500_000, 0, 'vi', '1.500.000'],
    [1_500_000, 0, 'en', '1,500,000'],
    [5.4, 1, 'vi', '5,4'],
    [5.4, 1, 'en', '5.4'],
    [8, 1, 'en', '8'],
    [999, 0, 'vi', '999'],
    [-1234.5, 1, 'en', '-1,234.5'],
    [-123, 0, 'vi', '-123'],
    [12.05, 2, 'vi', '12,05'],
    [1e21, 0, 'en', '1e+21'],
  ] as const)('%f (%i decimals, %s) → %s', (value, decimals, lang, text) => {
    expect(formatNumber(value, decimals, lang)).toBe(text)
  })

  it('equals the reference for any number, decimals and language', () => {
    const value = fc.oneof(
      fc.double({ noNaN: false }),
      fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }),
      fc.double({ min: -1e7, max: 1e7, noNaN: true }),
    )
    fc.assert(
      fc.property(
        value,
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom('vi' as const, 'en' as const),
        (v, d, lang) => {
          expect(formatNumber(v, d, lang)).toBe(reference(v, d, lang))
        },
      ),
      { numRuns: 5_000 },
    )
  })

  it('money', () => {
    expect(formatVnd(2_000_000, 'vi')).toBe('2.000.000 đồng')
    expect(formatVnd(2_000_000, 'en')).toBe('2,000,000 VND')
  })
})
