// The password policy for every account (`cli user add`, POST /api/users, resets, seeded users): long enough, not a
// common or guessable password, not the username. Returns a reason instead of throwing so callers map it to their errors.

import { COMMON_PASSWORDS } from './common-passwords.ts'

export const PASSWORD_MIN_LENGTH = 10
export const PASSWORD_MAX_LENGTH = 200

/** Lowercase, without diacritics (đ → d), letters and digits only: "Mật-khẩu 123" → "matkhau123". */
export function foldPassword(password: string): string {
  return password
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '')
}

/** Every step +1 or every step −1 ("abcdefghij", "9876543210"), or one character repeated. */
function isRun(chars: string[]): boolean {
  const codes = chars.map((ch) => ch.codePointAt(0) ?? 0)
  const steps = new Set(codes.slice(1).map((c, i) => c - (codes[i] ?? 0)))
  return steps.size === 1 && [0, 1, -1].includes([...steps][0] ?? 2)
}

/** Why the password may not be used, or null when it may. */
export function passwordProblem(password: string, username?: string): string | null {
  const length = [...password.normalize('NFC')].length
  if (length < PASSWORD_MIN_LENGTH) return `at least ${PASSWORD_MIN_LENGTH} characters`
  if (length > PASSWORD_MAX_LENGTH) return `at most ${PASSWORD_MAX_LENGTH} characters`
  return guessable(password, username)
}

/** The checks beyond length: common, predictable, or little more than the username. */
export function guessable(password: string, username?: string): string | null {
  const folded = foldPassword(password)
  const chars = [...folded]
  if (chars.length < 4 || isRun(chars) || new Set(chars).size < 3) return 'too easy to guess'
  // "matkhau2025!", "password-123": a common word with digits added is as weak as the word.
  const base = folded.replace(/\d+$/, '').replace(/^\d+/, '')
  if (COMMON_PASSWORDS.has(folded) || (base.length >= 4 && COMMON_PASSWORDS.has(base))) return 'too common'
  // "enum1-2025": what is left without the username is what an attacker has to guess.
  const name = username ? foldPassword(username) : ''
  if (name.length >= 3 && folded.split(name).join('').length < 6) return 'too close to the username'
  return null
}
