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
  // Most households are held by one connection: store it bare and allocate a Set only for the second holder
  // (a Set per household costs ~200 bytes; 1,000 phones × 300 households would be 60 MB of Sets).
  const byHousehold = new Map<string, Subscriber | Set<Subscriber>>()
  const holders = (householdId: string): ReadonlySet<Subscriber> | readonly Subscriber[] => {
    const h = byHousehold.get(householdId)
    return h === undefined ? NONE : h instanceof Set ? h : [h]
  }
  return {
    subscribe(householdId, s) {
      const h = byHousehold.get(householdId)
      if (h === undefined) byHousehold.set(householdId, s)
      else if (h instanceof Set) h.add(s)
      else if (h !== s) byHousehold.set(householdId, new Set([h, s]))
    },
    unsubscribe(householdId, s) {
      const h = byHousehold.get(householdId)
      if (h === s) byHousehold.delete(householdId)
      else if (h instanceof Set) {
        h.delete(s)
        if (h.size === 1) byHousehold.set(householdId, h.values().next().value as Subscriber)
      }
    },
    holders: (householdId) => new Set(holders(householdId)),
    publish(householdId, update, serverSeq, from) {
      for (const s of [...holders(householdId)]) if (s !== from) s.committed(householdId, update, serverSeq)
    },
    publishConflict(c) {
      // Writers' connections and supervisors/admins holding the household (protocol P12).
      const involved = new Set(c.candidates.map((x) => x.userId))
      for (const s of [...holders(c.householdId)]) {
        if (involved.has(s.user.id) || s.user.role === 'supervisor' || s.user.role === 'admin') s.conflict(c)
      }
    },
    publishAwareness(householdId, payload, from) {
      for (const s of [...holders(householdId)]) if (s !== from) s.awareness?.(householdId, payload)
    },
    households: () => byHousehold.size,
  }
}
