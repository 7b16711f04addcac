// The enumerator's first edit re-opens a record: the workflow steps from its status to in_progress. Only the
// enumerator's own moves are listed (verify/return/re-review belong to the supervisor); the test checks each step
// against the state machine in shared/doc/workflow.ts.
import type { Status } from '../../shared/household/types.ts'

const REOPEN: Partial<Record<Status, readonly Status[]>> = {
  // A listed household in the enumerator's assigned village is taken on by starting the survey.
  listed: ['assigned', 'in_progress'],
  assigned: ['in_progress'],
  returned: ['in_progress'],
  re_review: ['in_progress'],
}

export function pathToInProgress(from: Status): Status[] {
  return [...(REOPEN[from] ?? [])]
}
