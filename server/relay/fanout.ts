// Fan-out between relays: what one relay committed (or a device's presence) reaches the devices and consoles of the
// others. The database stays the truth: a message only says "look, seq N exists"; a missed one is read from the database.
import type { RecordedConflict } from '../store/projections.ts'
import type { DeviceReport } from '../store/console-store.ts'

/** A durable commit on one relay: the update that was new at `serverSeq` and the conflicts it recorded. */
export interface CommitMessage {
  kind: 'commit'
  relay: string
  householdId: string
  serverSeq: number
  update: Uint8Array
}

/** Conflict notices (new, grown, settled) for the writers and reviewers holding the household. */
export interface ConflictMessage {
  kind: 'conflict'
  relay: string
  conflict: RecordedConflict
}

/** y-websocket awareness bytes of a /yjs connection (presence), for the household's /yjs connections elsewhere. */
export interface AwarenessMessage {
  kind: 'awareness'
  relay: string
  householdId: string
  payload: Uint8Array
}

/** A device's sync report (the console's device list). */
export interface DeviceMessage {
  kind: 'device'
  relay: string
  report: DeviceReport
}

/** Something another relay changed that caches here may hold: scope (assignments), periods, B1 tables, users. */
export interface InvalidateMessage {
  kind: 'invalidate'
  relay: string
  what: 'scope' | 'period'
}

export type FanoutMessage =
  CommitMessage | ConflictMessage | AwarenessMessage | DeviceMessage | InvalidateMessage | ResyncMessage

/** Every relay: messages may have been lost while the sender's broker connection was down; catch up from the database. */
export interface ResyncMessage {
  kind: 'resync'
  relay: string
}

type WithoutRelay<M> = M extends FanoutMessage ? Omit<M, 'relay'> : never
/** What a fan-out message carries when published (the relay id is added by the fan-out). */
export type Outgoing = WithoutRelay<FanoutMessage>

export interface FanoutListener {
  /** A message published by ANOTHER relay (never this relay's own). */
  message(m: FanoutMessage): void
  /**
   * Messages may have been lost (the connection to the broker came back, or this relay just started): catch up from
   * the database — resident documents and local holders compare their heads with the committed ones.
   */
  resync(): void
}

export interface Fanout {
  readonly relayId: string
  /** Whether other relays may write the same database (a doc held in memory can fall behind the committed head). */
  readonly shared: boolean
  publish(m: Outgoing): void
  listen(l: FanoutListener): () => void
  /** For GET /api/ready: subscribed to the broker now, and caught up from the database since the last (re)subscription
   * (absent: counted as a single relay). */
  readiness?(): { subscribed: boolean; caughtUp: boolean }
  close(): Promise<void>
}

/** One relay, in-process fan-out only: the hub delivers locally, nothing leaves the process (default without REDIS_URL). */
export function createLocalFanout(relayId: string): Fanout {
  return {
    relayId,
    shared: false,
    publish() {},
    listen: () => () => {},
    readiness: () => ({ subscribed: true, caughtUp: true }),
    close: async () => {},
  }
}
