// Exact calendar arithmetic on YYYY-MM-DD strings: ages at the period's reference date and date validity.
// No Date objects or time zones: a birthday is a birthday wherever the phone is.

export interface CalendarDate {
  year: number
  month: number
  day: number
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** The number written by the ASCII digits s[from, to), or -1 when another character is there. */
function digitsAt(s: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}

/** Parse a real calendar date; "2025-02-30" and "2025-13-01" → undefined. */
export function parseDate(s: string): CalendarDate | undefined {
  // YYYY-MM-DD read by hand: classify() parses every member's birth date on each change (a keystroke on the phone,
  // each edit on the relay), and a regular expression's match arrays were most of what it allocated.
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined
  const year = digitsAt(s, 0, 4)
  const month = digitsAt(s, 5, 7)
  const day = digitsAt(s, 8, 10)
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
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
