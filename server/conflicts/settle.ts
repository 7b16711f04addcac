// Settling one conflict the way an administrator chose — keep a candidate, keep the newest or the kept value, enter a
// value, or dismiss as equal — through the relay (which writes and tells the devices), recorded in the audit log.
import type { User } from '../auth/access.ts'
import type { Audit } from '../audit/audit-log.ts'
import type { Relay, ResolveResult } from '../relay/index.ts'
import type { Conflict } from '../store/conflict-store.ts'

export type SettleChoice = { candidate: number } | { value: unknown } | { keep: 'newest' | 'kept' } | { dismiss: true }

/** The candidate written last (by the time the relay received it); ties go to the later one in the list. */
function newest(c: Conflict): number {
  let best = 0
  c.candidates.forEach((cand, i) => {
    if (cand.at >= (c.candidates[best]?.at ?? -Infinity)) best = i
  })
  return best
}

/** `keep` choices in terms the relay knows: the kept value is a candidate's when one carries it. */
function concrete(c: Conflict, choice: SettleChoice): { candidate: number } | { value: unknown } | { dismiss: true } {
  if (!('keep' in choice)) return choice
  if (choice.keep === 'newest') return { candidate: newest(c) }
  const kept = JSON.stringify(c.kept)
  const i = c.candidates.findIndex((cand) => JSON.stringify(cand.value) === kept)
  return i >= 0 ? { candidate: i } : { value: c.kept }
}

export async function settleConflict(
  deps: { relay: Relay; audit: Audit },
  rawId: string | number,
  choice: SettleChoice,
  admin: User,
): Promise<ResolveResult> {
  const id = Number(rawId)
  const conflict = Number.isSafeInteger(id) ? deps.relay.conflicts.get(id) : null
  if (!conflict) return { ok: false, code: 'conflict/not-found', message: `no conflict ${String(rawId)}` }
  const how = concrete(conflict, choice)
  const result =
    'dismiss' in how ? deps.relay.dismissConflict(id, admin) : await deps.relay.resolveConflict(id, how, admin)
  if (result.ok) {
    const c = result.conflict
    deps.audit.record({
      action: c.status === 'dismissed' ? 'conflict-dismissed' : 'conflict-resolved',
      actor: admin,
      target: String(c.id),
      details: {
        householdId: c.householdId,
        path: c.path,
        choice: 'keep' in choice ? `keep-${choice.keep}` : Object.keys(how)[0],
        ...('candidate' in how ? { candidate: how.candidate } : {}),
        ...(c.status === 'resolved' ? { value: c.resolution } : {}),
      },
    })
  }
  return result
}
