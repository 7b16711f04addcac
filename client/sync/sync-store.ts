// What the sync client needs from the device's storage (implemented over IndexedDB by client/storage/).
// An interface so the protocol logic is a plain class testable in Node with fake-indexeddb and a real server.

import type { ConflictMessage, SyncErrorCode } from '../../shared/sync/protocol.ts'

export interface OutgoingUpdate {
  /** Outbox entry keys covered by `update` (empty for a step2 answer to a server step1). */
  seqs: number[]
  update: Uint8Array
}

export interface RemoteUpdate {
  householdId: string
  update: Uint8Array
}

export interface SyncStore {
  /** Every household on the device with its last acknowledged / told serverSeq. */
  manifest(): Promise<[string, number][]>
  /** Households whose outbox is not empty, in no particular order. */
  pendingHouseholds(): Promise<string[]>
  /** The device's state vector of one household (empty for a household it has never seen). */
  stateVector(householdId: string): Promise<Uint8Array>
  /** What the device holds that a peer with `stateVector` lacks (answer to a server step1). */
  diff(householdId: string, stateVector: Uint8Array): Promise<Uint8Array>
  /** Make remote updates durable on the device; resolves after the commit (P10). */
  persistRemote(updates: RemoteUpdate[]): Promise<void>
  /** HEAD: the device now holds the server's state up to serverSeq. Called after persistRemote of what preceded. */
  setHeads(heads: [string, number][]): Promise<void>
  /** Households new to the device (MANIFEST_REPLY added); creates their rows. */
  addHouseholds(ids: string[]): Promise<void>
  /** Households that left the user's scope; dropped unless they hold unsynced edits. */
  removeHouseholds(ids: string[]): Promise<void>
  /** The next outbox entries of a household merged into one update of at most maxBytes (at least one entry). */
  nextOutgoing(householdId: string, maxBytes: number): Promise<OutgoingUpdate | null>
  /** ACK: the entries are committed on the server as serverSeq. */
  acked(householdId: string, seqs: number[], serverSeq: number): Promise<void>
  /** A household-scoped ERROR answered one of our DOCs; the entries stay in the outbox. */
  rejected(householdId: string, error: { code: SyncErrorCode; message: string; retryable: boolean }): Promise<void>
  conflict(message: ConflictMessage): Promise<void>
}
