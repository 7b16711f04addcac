// Number formatting for explanations, deterministic across devices (no locale data): vi uses "." for thousands
// and "," for decimals, en the reverse. classify() formats figures on every run (the relay classifies on every edit
// that can change the category): grouping is done by hand, not with a regular expression per call.
import type { Text } from './standard-types.ts'

/** What an explanation reads when the caller asked for none (classify's `explain: false`). */
export const NO_TEXT: Readonly<Text> = { vi: '', en: '' }

/** `make()` when explanations are asked for, else NO_TEXT: the sentence is never built. */
export function say(explain: boolean, make: () => Text): Readonly<Text> {
  return explain ? make() : NO_TEXT
}

export function formatNumber(value: number, decimals: number, lang: 'vi' | 'en' = 'en'): string {
  const fixed = value.toFixed(decimals)
  const dot = fixed.indexOf('.')
  const int = dot < 0 ? fixed : fixed.slice(0, dot)
  const grouped = group(int, lang === 'vi' ? '.' : ',')
  if (dot < 0 || allZeros(fixed, dot + 1)) return grouped
  return `${grouped}${lang === 'vi' ? ',' : '.'}${fixed.slice(dot + 1)}`
}

export function formatVnd(value: number, lang: 'vi' | 'en'): string {
  return lang === 'vi' ? `${formatNumber(value, 0, 'vi')} đồng` : `${formatNumber(value, 0, 'en')} VND`
}

/** `int` (digits after an optional "-") with `sep` between groups of three; anything else (1e+21, NaN) as it is. */
function group(int: string, sep: string): string {
  const start = int.charCodeAt(0) === 45 /* - */ ? 1 : 0
  const digits = int.length - start
  if (digits <= 3) return int
  for (let i = start; i < int.length; i++) {
    const c = int.charCodeAt(i)
    if (c < 48 || c > 57) return int
  }
  const first = start + (digits % 3 || 3) // the sign and the leading group of one to three digits
  let out = int.slice(0, first)
  for (let i = first; i < int.length; i += 3) out += sep + int.slice(i, i + 3)
  return out
}

function allZeros(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) if (s.charCodeAt(i) !== 48) return false
  return true
}
