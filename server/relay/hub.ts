// Who holds which household right now: the fan-out map of the relay (one process; a Redis adapter would replace it).
// Subscribers are /sync device connections and /yjs single-household connections alike.
import type { User } from '../auth/access.ts'
import type { RecordedConflict } from '../store/projections.ts'

export interface Subscriber {
  readonly user: User
  /** A committed update of `householdId` (not sent back to the connection it came from). */
  committed(householdId: string, update: Uint8Array, serverSeq: number): void
  conflict(c: RecordedConflict): void
  /** Raw y-websocket awareness bytes from another /yjs connection of the same household. */
  awareness?(householdId: string, payload: Uint8Array): void
}

export interface Hub {
  subscribe(householdId: string, s: Subscriber): void
  unsubscribe(householdId: string, s: Subscriber): void
  holders(householdId: string): ReadonlySet<Subscriber>
  publish(householdId: string, update: Uint8Array, serverSeq: number, from: Subscriber | null): void
  publishConflict(c: RecordedConflict): void
  publishAwareness(householdId: string, payload: Uint8Array, from: Subscriber): void
  households(): number
}

const NONE: ReadonlySet<Subscriber> = new Set()

export function createHub(): Hub {
  const byHousehold = new Map<string, Set<Subscriber>>()
  return {
    subscribe(householdId, s) {
      let set = byHousehold.get(householdId)
      if (!set) byHousehold.set(householdId, (set = new Set()))
      set.add(s)
    },
    unsubscribe(householdId, s) {
      const set = byHousehold.get(householdId)
      if (!set) return
      set.delete(s)
      if (set.size === 0) byHousehold.delete(householdId)
    },
    holders: (householdId) => byHousehold.get(householdId) ?? NONE,
    publish(householdId, update, serverSeq, from) {
      for (const s of byHousehold.get(householdId) ?? NONE) if (s !== from) s.committed(householdId, update, serverSeq)
    },
    publishConflict(c) {
      // Writers' connections and supervisors/admins holding the household (protocol P12).
      const involved = new Set(c.candidates.map((x) => x.userId))
      for (const s of byHousehold.get(c.householdId) ?? NONE) {
        if (involved.has(s.user.id) || s.user.role === 'supervisor' || s.user.role === 'admin') s.conflict(c)
      }
    },
    publishAwareness(householdId, payload, from) {
      for (const s of byHousehold.get(householdId) ?? NONE) if (s !== from) s.awareness?.(householdId, payload)
    },
    households: () => byHousehold.size,
  }
}
