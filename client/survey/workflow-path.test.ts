// Re-opening a record on the first edit follows the DOMAIN.md §1 state machine, never skipping a transition.
import { describe, expect, it } from 'vitest'
import { canTransition } from '../../shared/doc/workflow.ts'
import { STATUSES } from '../../shared/household/types.ts'
import { pathToInProgress } from './workflow-path.ts'

describe('pathToInProgress', () => {
  it('walks listed → assigned → in_progress, returned → in_progress, re_review → in_progress', () => {
    expect(pathToInProgress('listed')).toEqual(['assigned', 'in_progress'])
    expect(pathToInProgress('assigned')).toEqual(['in_progress'])
    expect(pathToInProgress('returned')).toEqual(['in_progress'])
    expect(pathToInProgress('re_review')).toEqual(['in_progress'])
    expect(pathToInProgress('in_progress')).toEqual([])
  })
  it('never re-opens a submitted or later record, and every step is an allowed transition', () => {
    for (const s of ['submitted', 'verified', 'posted', 'certified'] as const) expect(pathToInProgress(s)).toEqual([])
    for (const from of STATUSES) {
      let at = from
      for (const to of pathToInProgress(from)) {
        expect(canTransition(at, to), `${at} → ${to}`).toBe(true)
        at = to
      }
    }
  })
})
