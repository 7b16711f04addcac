// The record state machine of DOMAIN.md §1 (one record per household × review period), who may make which move,
// and the review data a history entry carries. changeStatus() refuses any transition not listed here; the relay's
// workflow check (workflow-guard.ts) refuses device writes outside FIELD_MOVES.

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

/**
 * The moves a device (the enumerator's phone, or any /sync or /yjs writer) may make; every other move is a review
 * step written by the server through the review routes.
 */
export const FIELD_MOVES: readonly (readonly [Status, Status])[] = [
  ['listed', 'assigned'],
  ['assigned', 'in_progress'],
  ['in_progress', 'submitted'],
  ['returned', 'in_progress'],
  ['re_review', 'in_progress'],
]

export function isFieldMove(from: Status, to: Status): boolean {
  return FIELD_MOVES.some(([f, t]) => f === from && t === to)
}

/** From verification on, the answers are the reviewed record: devices may not change them (sync/record-locked). */
export const LOCKED_STATUSES: readonly Status[] = [
  'verified',
  'agreed_at_meeting',
  'posted',
  'under_recheck',
  'approved',
  'certified',
]

export function isLocked(status: Status): boolean {
  return LOCKED_STATUSES.includes(status)
}

/** A supervisor's comment at one field of a returned record (`path` as pathOf names it). */
export interface FieldComment {
  path: string
  text: string
}

/** Review data recorded with a transition (keys.ts HISTORY_REVIEW_KEYS); only the server writes it. */
export interface ReviewDetails {
  byName?: string
  fieldComments?: FieldComment[]
  meetingDate?: string
  attendees?: number
  agreeing?: number
  postedFrom?: string
  postedUntil?: string
  decisionNumber?: string
  decisionDate?: string
}

export interface HistoryEntry extends ReviewDetails {
  from: Status | null
  to: Status
  by: string
  at: string // ISO date-time
  comment: string | null
}

/** The village meeting accepts the result when at least half of the attendees agree (DOMAIN.md §1 step 3). */
export function meetingOutcome(attendees: number, agreeing: number): 'agreed_at_meeting' | 're_review' {
  return agreeing * 2 >= attendees ? 'agreed_at_meeting' : 're_review'
}

/** Working days of a public posting (DOMAIN.md §1 step 4). */
export const POSTING_WORKING_DAYS = 3

/**
 * The last day of a posting that starts on `start` (YYYY-MM-DD): the third working day (Monday–Friday) counting the
 * start day when it is one. Public holidays are not known to the system and count as working days.
 */
export function postingEnd(start: string): string {
  const d = new Date(`${start}T00:00:00Z`)
  let counted = 0
  for (;;) {
    const day = d.getUTCDay()
    if (day !== 0 && day !== 6) counted += 1
    if (counted === POSTING_WORKING_DAYS) return d.toISOString().slice(0, 10)
    d.setUTCDate(d.getUTCDate() + 1)
  }
}
