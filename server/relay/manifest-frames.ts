// The MANIFEST of a /sync connection (docs/sync-protocol.md §exchange): the reply, the unchanged households joining
// fan-out, the CONFLICT notices a writer's phone may have missed offline (P12), then new households' state (P14).
import { CloseCode, MAX_CONFLICT_CANDIDATES, type SyncMessage } from '../../shared/sync/protocol.ts'
import type { RecordedConflict } from '../store/projections.ts'
import type { DeviceConnection } from './device-connection.ts'
import { FRAME_COST } from './doc-frames.ts'

/** Handles connection `c`'s MANIFEST; returns its cost for the turn's budget. */
export function onManifest(c: DeviceConnection, m: Extract<SyncMessage, { type: 'manifest' }>): number {
  const { deps, user } = c
  // Each MANIFEST may ask for the user's whole area: a phone sends one per connection; beyond a few the socket goes.
  if (!c.take('manifest') || deps.userRate?.(user.id).take('manifestPerUser') === false)
    return (c.fail(CloseCode.OVERLOADED, 'sync/overloaded', 'too many MANIFESTs; reconnect with backoff'), 0)
  const { reply: answer, inScope } = deps.manifest(user, m.entries, c.deviceId)
  // Unchanged households are in sync now; changed ones join fan-out once their step1 is answered (P10).
  for (const [id, seq] of m.entries) if (inScope.get(id) === seq) c.hold(id, seq)
  c.phase = 'ready'
  c.send(answer)
  const known = m.entries.map(([id]) => id).filter((id) => inScope.has(id))
  if (known.length > 0) for (const x of deps.conflictNotices?.(user, known) ?? []) c.send(conflictNotice(x))
  if (answer.added.length > 0) c.sendHouseholds(answer.added.map(([id]) => id))
  return FRAME_COST + 16 * (inScope.size + m.entries.length)
}

/**
 * The CONFLICT notice a phone receives. An open conflict gathers candidates while it waits for an admin; the notice
 * carries the newest MAX_CONFLICT_CANDIDATES of them (the protocol's bound — a phone refuses a longer list as malformed),
 * the admin's list (GET /api/conflicts) has them all.
 */
export function conflictNotice(c: RecordedConflict): Extract<SyncMessage, { type: 'conflict' }> {
  return {
    type: 'conflict',
    householdId: c.householdId,
    conflictId: String(c.id),
    path: c.path,
    candidates: c.candidates
      .slice(-MAX_CONFLICT_CANDIDATES)
      .map((x) => ({ value: x.value, clientId: x.clientId, userId: x.userId })),
    kept: c.kept,
    ...(c.settled ? { settled: c.settled } : {}),
  }
}
