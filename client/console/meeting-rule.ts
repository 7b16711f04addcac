// The village meeting's rule (DOMAIN.md §1): a record is agreed when at least half of the attendees agree, otherwise
// it goes back to re-review. The console shows the outcome before the supervisor confirms; the server decides again.

export type MeetingOutcome = { ok: true; agreed: boolean; percent: number } | { ok: false }

export function meetingOutcome(attendees: number, agreeing: number): MeetingOutcome {
  if (!Number.isInteger(attendees) || !Number.isInteger(agreeing) || attendees < 1 || agreeing < 0 || agreeing > attendees) return { ok: false }
  // Integers only: 2·agreeing ≥ attendees is "≥ 50 %" without rounding.
  return { ok: true, agreed: 2 * agreeing >= attendees, percent: Math.floor((agreeing * 1000) / attendees) / 10 }
}
