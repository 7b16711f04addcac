// Parsing and checking what the enumerator types, before it reaches an intent method: numbers as people write
// them on a Vietnamese phone ("1.500.000", "25,5"), and dates. Errors are dictionary keys shown beside the field.
import type { Income } from '../../shared/household/types.ts'
import { compareDates, parseDate } from '../../shared/rules/age.ts'

export type Parsed = { ok: true; value: number | null } | { ok: false; error: string }

/** Whole VND amounts: spaces, dots and commas are thousands separators. Empty → null (no answer). */
export function parseAmount(text: string, errorKey = 'survey.error.income'): Parsed {
  const s = text.trim().replace(/[\s.,₫]|đồng|vnd/gi, '')
  if (s === '') return { ok: true, value: null }
  if (s.startsWith('-')) return { ok: false, error: errorKey }
  if (!/^\d{1,13}$/.test(s)) return { ok: false, error: 'survey.error.number' }
  return { ok: true, value: Number(s) }
}

/** Decimal numbers; a comma is the decimal mark (vi) as well as the dot. Empty → null. */
export function parseDecimal(text: string): Parsed {
  const s = text.trim().replace(/\s/g, '').replace(',', '.')
  if (s === '') return { ok: true, value: null }
  if (!/^-?\d+(\.\d+)?$/.test(s) && !/^-?\.\d+$/.test(s)) return { ok: false, error: 'survey.error.number' }
  return { ok: true, value: Number(s) }
}

export function parseFloorArea(text: string): Parsed {
  const p = parseDecimal(text)
  if (p.ok && p.value !== null && p.value < 0) return { ok: false, error: 'survey.error.floorArea' }
  return p
}

export function parseB1Score(text: string): Parsed {
  const p = parseDecimal(text)
  if (p.ok && p.value !== null && p.value < 0) return { ok: false, error: 'survey.error.b1Score' }
  return p
}

/** The income evidence with one figure set (or cleared, null) and the other one kept as it is. */
export function incomeWith(income: Income, figure: keyof Income, value: number | null): Income {
  const next: Income = { ...income }
  if (value === null) delete next[figure]
  else next[figure] = value
  return next
}

/** Dictionary key of what is wrong with a birth date, or null. `today` is the device's date (YYYY-MM-DD). */
export function birthDateError(birthDate: string, today: string): string | null {
  const birth = parseDate(birthDate)
  if (!birth) return 'survey.error.birthInvalid'
  const now = parseDate(today)
  if (now && compareDates(birth, now) > 0) return 'survey.error.birthFuture'
  if (birth.year < 1890) return 'survey.error.birthInvalid'
  return null
}

/** Today's date on the device as YYYY-MM-DD (local calendar, the one the enumerator sees). */
export function localToday(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`
}
