// The meeting rule at its edge: 49 % goes back to re-review, 50 % is agreed; impossible counts are refused.
import { describe, expect, it } from 'vitest'
import { meetingOutcome } from './meeting-rule.ts'

describe('meetingOutcome', () => {
  it('49 of 100 is re-review, 50 of 100 and 1 of 2 are agreed', () => {
    expect(meetingOutcome(100, 49)).toEqual({ ok: true, agreed: false, percent: 49 })
    expect(meetingOutcome(100, 50)).toEqual({ ok: true, agreed: true, percent: 50 })
    expect(meetingOutcome(2, 1)).toMatchObject({ agreed: true })
    expect(meetingOutcome(3, 1)).toMatchObject({ agreed: false, percent: 33.3 })
  })
  it('refuses no attendees, negative or more agreeing than attendees, fractions', () => {
    for (const [a, g] of [
      [0, 0],
      [10, -1],
      [10, 11],
      [10.5, 5],
    ] as const)
      expect(meetingOutcome(a, g)).toEqual({ ok: false })
  })
})
