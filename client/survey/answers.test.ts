// Parsing what enumerators type: VND amounts with separators, decimal commas, floor area ≥ 0, birth dates not in the future.
import { describe, expect, it } from 'vitest'
import {
  birthDateError,
  incomeWith,
  localToday,
  parseAmount,
  parseB1Score,
  parseDecimal,
  parseFloorArea,
} from './answers.ts'

describe('answers', () => {
  it('parses VND amounts written with dots, commas or spaces', () => {
    expect(parseAmount('1.500.000')).toEqual({ ok: true, value: 1_500_000 })
    expect(parseAmount('1,400,000 đ'.replace(' đ', ''))).toEqual({ ok: true, value: 1_400_000 })
    expect(parseAmount(' 900 000 ')).toEqual({ ok: true, value: 900_000 })
    expect(parseAmount('')).toEqual({ ok: true, value: null })
    expect(parseAmount('-5')).toEqual({ ok: false, error: 'survey.error.income' })
    expect(parseAmount('abc')).toEqual({ ok: false, error: 'survey.error.number' })
  })

  it('parses decimals with a comma or a dot', () => {
    expect(parseDecimal('25,5')).toEqual({ ok: true, value: 25.5 })
    expect(parseDecimal('25.5')).toEqual({ ok: true, value: 25.5 })
    expect(parseDecimal('x')).toEqual({ ok: false, error: 'survey.error.number' })
  })

  it('I08 input: floor area must be 0 or more; B1 score too', () => {
    expect(parseFloorArea('-1')).toEqual({ ok: false, error: 'survey.error.floorArea' })
    expect(parseFloorArea('0')).toEqual({ ok: true, value: 0 })
    expect(parseFloorArea('48')).toEqual({ ok: true, value: 48 })
    expect(parseB1Score('-3')).toEqual({ ok: false, error: 'survey.error.b1Score' })
  })

  it('rejects birth dates that are not real or lie in the future', () => {
    expect(birthDateError('1980-05-10', '2025-11-29')).toBeNull()
    expect(birthDateError('2025-11-29', '2025-11-29')).toBeNull()
    expect(birthDateError('2025-11-30', '2025-11-29')).toBe('survey.error.birthFuture')
    expect(birthDateError('2025-02-29', '2025-11-29')).toBe('survey.error.birthInvalid')
    expect(birthDateError('', '2025-11-29')).toBe('survey.error.birthInvalid')
  })

  it('formats the local date', () => {
    expect(localToday(new Date(2025, 0, 5, 12))).toBe('2025-01-05')
  })

  it('IN3 setting one income figure keeps the other; clearing one leaves the other as it was', () => {
    expect(incomeWith({ perCapitaMonthly: 1_200_000 }, 'b1Score', 150)).toEqual({
      perCapitaMonthly: 1_200_000,
      b1Score: 150,
    })
    expect(incomeWith({ perCapitaMonthly: 1_200_000, b1Score: 150 }, 'b1Score', null)).toEqual({
      perCapitaMonthly: 1_200_000,
    })
    expect(incomeWith({ b1Score: 150 }, 'perCapitaMonthly', 900_000)).toEqual({
      perCapitaMonthly: 900_000,
      b1Score: 150,
    })
    expect(incomeWith({}, 'perCapitaMonthly', null)).toEqual({})
  })
})
