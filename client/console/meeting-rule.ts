// The village meeting's outcome as the console shows it before the supervisor confirms: the shared rule
// (shared/doc/workflow.ts, ≥ 50 % of attendees agreeing) plus the checks of the form and the percentage shown.

import { meetingOutcome as rule } from '../../shared/doc/workflow.ts'

export type MeetingOutcome = { ok: true; agreed: boolean; percent: number } | { ok: false }

export function meetingOutcome(attendees: number, agreeing: number): MeetingOutcome {
  if (
    !Number.isInteger(attendees) ||
    !Number.isInteger(agreeing) ||
    attendees < 1 ||
    agreeing < 0 ||
    agreeing > attendees
  )
    return { ok: false }
  return {
    ok: true,
    agreed: rule(attendees, agreeing) === 'agreed_at_meeting',
    percent: Math.floor((agreeing * 1000) / attendees) / 10,
  }
}
