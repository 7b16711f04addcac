// The form's steps in order; a household that ended at Phiếu A ("not poor") skips Phiếu B.
export type StepId = 'quick' | 'members' | 'dwelling' | 'income' | 'other' | 'gps' | 'photos' | 'result'
export const ALL_STEPS: readonly StepId[] = [
  'quick',
  'members',
  'dwelling',
  'income',
  'other',
  'gps',
  'photos',
  'result',
]
export const QUICK_END_STEPS: readonly StepId[] = ['quick', 'gps', 'photos', 'result']
