// The record state machine of DOMAIN.md §1 (one record per household × review period).
// changeStatus() refuses any transition not listed here; the server's layout check does not (it cannot know intent).

import type { Status } from '../household/types.ts'

export const INITIAL_STATUS: Status = 'listed'

/** listed → assigned → in_progress → submitted → verified | returned(→ in_progress) → agreed_at_meeting |
 *  re_review(→ in_progress) → posted → (under_recheck → posted) → approved → certified */
export const TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  listed: ['assigned'],
  assigned: ['in_progress'],
  in_progress: ['submitted'],
  submitted: ['verified', 'returned'],
  returned: ['in_progress'],
  verified: ['agreed_at_meeting', 're_review'],
  re_review: ['in_progress'],
  agreed_at_meeting: ['posted'],
  posted: ['under_recheck', 'approved'],
  under_recheck: ['posted'],
  approved: ['certified'],
  certified: [],
}

export function canTransition(from: Status, to: Status): boolean {
  return TRANSITIONS[from].includes(to)
}

export interface HistoryEntry {
  from: Status | null
  to: Status
  by: string
  at: string // ISO date-time
  comment: string | null
}
