// Exact calendar arithmetic on YYYY-MM-DD strings: ages at the period's reference date and date validity.
// No Date objects or time zones: a birthday is a birthday wherever the phone is.

export interface CalendarDate {
  year: number
  month: number
  day: number
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

/** Parse a real calendar date; "2025-02-30" and "2025-13-01" → undefined. */
export function parseDate(s: string): CalendarDate | undefined {
  const m = ISO_DATE.exec(s)
  if (!m) return undefined
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  return { year, month, day }
}

/**
 * Completed years at `at`: the age rises on the birthday itself. Someone born on 29 February turns a year older
 * on 1 March in common years (the birthday has not yet come on 28 February). Born after `at` → negative.
 */
export function ageAt(birth: CalendarDate, at: CalendarDate): number {
  let age = at.year - birth.year
  if (at.month < birth.month || (at.month === birth.month && at.day < birth.day)) age -= 1
  return age
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day
}

export function formatDate(d: CalendarDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`
}
