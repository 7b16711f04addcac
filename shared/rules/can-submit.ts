// Whether a classification lets the record be submitted (DOMAIN.md §3): never without income evidence (CL5), and never
// while a missing answer could change the category (MS1). Pure, so the phone and the server's status guard agree.
// A record that Phiếu A ended as "not poor" is decided by the quick screen, not by this check (see recordCategory).
import type { Classification, DecisiveMissing } from './classify.ts'

export type SubmitCheck =
  | { ok: true }
  | { ok: false; code: 'rules/no-income-evidence' }
  | { ok: false; code: 'rules/decisive-missing'; missing: DecisiveMissing[] }

export function canSubmit(result: Pick<Classification, 'category' | 'decisiveMissing'>): SubmitCheck {
  if (result.category === 'incomplete') return { ok: false, code: 'rules/no-income-evidence' }
  if (result.decisiveMissing.length > 0)
    return { ok: false, code: 'rules/decisive-missing', missing: result.decisiveMissing }
  return { ok: true }
}
