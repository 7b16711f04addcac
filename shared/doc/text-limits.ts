// The longest text each free-text answer may hold, read from the document layout (keys.ts) so the form's visible
// limits and the relay's layout checks can never disagree. Lengths are UTF-16 code units, as the checks count them.

import { FIELD_KEYS, HISTORY_ENTRY, MEMBER_KEYS, SCREEN_KEYS, type ValueSpec } from './keys.ts'

function maxLength(spec: ValueSpec): number {
  if (spec.type !== 'string') throw new TypeError('a text limit needs a string field')
  return spec.max
}

export const TEXT_LIMITS = {
  address: maxLength(FIELD_KEYS.address),
  fullName: maxLength(MEMBER_KEYS.fullName),
  ethnicity: maxLength(MEMBER_KEYS.ethnicity),
  /** The quick-screen reason: "<code>: <note>" in one string. */
  screenReason: maxLength(SCREEN_KEYS.reason),
  comment: maxLength(HISTORY_ENTRY.comment),
} as const
