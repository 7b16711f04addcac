// Who holds which household right now: the fan-out map of the relay. With a shared fan-out (REDIS_URL) what this relay
// commits also goes to the other relays, and theirs reach the holders here; a gap in server_seq is read from the database.
import type { User } from '../auth/access.ts'
import type { RecordedConflict } from '../store/projections.ts'
import { createLocalFanout, type Fanout, type FanoutMessage } from './fanout.ts'

export interface Subscriber {
  readonly user: User
  /** A committed update of `householdId` (not sent back to the connection it came from). */
  committed(householdId: string, update: Uint8Array, serverSeq: number): void
  conflict(c: RecordedConflict): void
  /** Raw y-websocket awareness bytes from another /yjs connection of the same household. */
  awareness?(householdId: string, payload: Uint8Array): void
}

export interface Hub {
  /** `head`: the committed seq `s` holds or is being sent (default: the committed head now). */
  subscribe(householdId: string, s: Subscriber, head?: number): void
  unsubscribe(householdId: string, s: Subscriber): void
  holders(householdId: string): ReadonlySet<Subscriber>
  publish(householdId: string, update: Uint8Array, serverSeq: number, from: Subscriber | null): void
  publishConflict(c: RecordedConflict): void
  publishAwareness(householdId: string, payload: Uint8Array, from: Subscriber): void
  households(): number
  /** Brings every household held here up to its committed head (after missed fan-out messages); returns rows sent. */
  catchUp(): number
  /** Stops listening to the other relays. */
  close(): void
}

/** Committed rows as the database holds them (doc_log and its archive). */
export interface CommittedRows {
  head(householdId: string): number | null
  heads(householdIds: readonly string[]): Map<string, number>
  rowsAfter(householdId: string, seq: number): { seq: number; update: Uint8Array }[]
}

export interface HubOptions {
  fanout?: Fanout
  /** Required with a shared fan-out: where missed commits are read from. */
  rows?: CommittedRows
  /** A message from another relay, after the hub delivered it to its holders (live console, caches). */
  onRemote?: (m: FanoutMessage) => void
  /** Messages from other relays may have been lost (the fan-out reconnected); called as the hub catches up. */
  onResync?: () => void
}

const NONE: ReadonlySet<Subscriber> = new Set()

export function createHub(opts: HubOptions = {}): Hub {
  const fanout = opts.fanout ?? createLocalFanout('local')
  const rows = fanout.shared ? opts.rows : undefined
  // Most households are held by one connection: store it bare and allocate a Set only for the second holder
  // (a Set per household costs ~200 bytes; 1,000 phones × 300 households would be 60 MB of Sets).
  const byHousehold = new Map<string, Subscriber | Set<Subscriber>>()
  /** With a shared fan-out: the highest server_seq handed to this relay's holders of each held household. */
  const delivered = new Map<string, number>()
  const holders = (householdId: string): ReadonlySet<Subscriber> | readonly Subscriber[] => {
    const h = byHousehold.get(householdId)
    return h === undefined ? NONE : h instanceof Set ? h : [h]
  }
  const deliver = (householdId: string, update: Uint8Array, serverSeq: number, from: Subscriber | null): void => {
    for (const s of [...holders(householdId)]) if (s !== from) s.committed(householdId, update, serverSeq)
  }
  /** Delivers committed rows after the last one delivered up to `upTo` (all when null); returns how many. */
  function fillGap(householdId: string, upTo: number | null): number {
    const last = delivered.get(householdId)
    if (rows === undefined || last === undefined) return 0
    let n = 0
    for (const r of rows.rowsAfter(householdId, last)) {
      if (upTo !== null && r.seq > upTo) break
      deliver(householdId, r.update, r.seq, null)
      delivered.set(householdId, r.seq)
      n++
    }
    return n
  }
  function committed(householdId: string, update: Uint8Array, serverSeq: number, from: Subscriber | null): void {
    const last = delivered.get(householdId)
    if (last !== undefined) {
      if (serverSeq <= last) return // already delivered (read from the database after a gap)
      if (serverSeq > last + 1) fillGap(householdId, serverSeq - 1)
      delivered.set(householdId, serverSeq)
    }
    deliver(householdId, update, serverSeq, from)
  }
  function deliverConflict(c: RecordedConflict): void {
    // Writers' connections and supervisors/admins holding the household (protocol P12).
    const involved = new Set(c.candidates.map((x) => x.userId))
    for (const s of [...holders(c.householdId)]) {
      if (involved.has(s.user.id) || s.user.role === 'supervisor' || s.user.role === 'admin') s.conflict(c)
    }
  }
  function catchUp(): number {
    if (rows === undefined) return 0
    let n = 0
    const heads = rows.heads([...delivered.keys()])
    for (const [householdId, last] of delivered) {
      const head = heads.get(householdId)
      if (head !== undefined && head > last) n += fillGap(householdId, null)
    }
    return n
  }
  const stop = fanout.listen({
    message(m) {
      if (m.kind === 'commit') committed(m.householdId, m.update, m.serverSeq, null)
      else if (m.kind === 'conflict') deliverConflict(m.conflict)
      else if (m.kind === 'awareness')
        for (const s of [...holders(m.householdId)]) s.awareness?.(m.householdId, m.payload)
      opts.onRemote?.(m)
    },
    resync() {
      opts.onResync?.()
      void catchUp()
    },
  })
  return {
    subscribe(householdId, s, head) {
      const h = byHousehold.get(householdId)
      if (h === undefined) byHousehold.set(householdId, s)
      else if (h instanceof Set) h.add(s)
      else if (h !== s) byHousehold.set(householdId, new Set([h, s]))
      if (rows === undefined) return
      // Later commits are what the subscriber lacks; holders of one household share the lowest seq (a repeat is harmless).
      const from = head ?? rows.head(householdId)
      const last = delivered.get(householdId)
      if (from !== null && (last === undefined || from < last)) delivered.set(householdId, from)
    },
    unsubscribe(householdId, s) {
      const h = byHousehold.get(householdId)
      if (h === s) {
        byHousehold.delete(householdId)
        delivered.delete(householdId)
      } else if (h instanceof Set) {
        h.delete(s)
        if (h.size === 1) byHousehold.set(householdId, h.values().next().value as Subscriber)
      }
    },
    holders: (householdId) => new Set(holders(householdId)),
    publish(householdId, update, serverSeq, from) {
      committed(householdId, update, serverSeq, from)
      fanout.publish({ kind: 'commit', householdId, serverSeq, update })
    },
    publishConflict(c) {
      deliverConflict(c)
      fanout.publish({ kind: 'conflict', conflict: c })
    },
    publishAwareness(householdId, payload, from) {
      for (const s of [...holders(householdId)]) if (s !== from) s.awareness?.(householdId, payload)
      fanout.publish({ kind: 'awareness', householdId, payload })
    },
    households: () => byHousehold.size,
    catchUp,
    close: stop,
  }
}
