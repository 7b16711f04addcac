// Number formatting in explanations is the same on every device (no locale data).
import { describe, expect, it } from 'vitest'
import { formatNumber, formatVnd } from './format.ts'

describe('formatNumber / formatVnd', () => {
  it.each([
    [1_500_000, 0, 'vi', '1.500.000'],
    [1_500_000, 0, 'en', '1,500,000'],
    [5.4, 1, 'vi', '5,4'],
    [5.4, 1, 'en', '5.4'],
    [8, 1, 'en', '8'],
    [999, 0, 'vi', '999'],
  ] as const)('%f (%i decimals, %s) → %s', (value, decimals, lang, text) => {
    expect(formatNumber(value, decimals, lang)).toBe(text)
  })
  it('money', () => {
    expect(formatVnd(2_000_000, 'vi')).toBe('2.000.000 đồng')
    expect(formatVnd(2_000_000, 'en')).toBe('2,000,000 VND')
  })
})
