// What the /sync session core needs from a device's storage: IndexedDB on the phone, memory in tests and the
// benchmark. Every method resolves after its write is durable, which is what ACK/HEAD ordering relies on (P8, P10).

import type { SyncErrorCode } from './errors.ts'
import type { ConflictMessage } from './messages.ts'

export interface OutgoingUpdate {
  /** Outbox entry keys covered by `update` (empty for a step2 answer to a server step1). */
  seqs: number[]
  update: Uint8Array
}

export interface RemoteUpdate {
  householdId: string
  update: Uint8Array
  /**
   * `update` is in Yjs V2 (a bootstrap STATE, P14), not V1: the store reads it as it is or converts it. Bytes that do
   * not read throw before anything of the call is stored.
   */
  v2?: true
}

/** A household-scoped ERROR that answered one of the device's updates. */
export interface Refusal {
  code: SyncErrorCode
  message: string
  /** False: the update will never be accepted as it is (a person decides: keep it or go back to the server's value). */
  retryable: boolean
}

export interface SessionStore {
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
  /** Households that left the user's scope; dropped unless they hold unsynced edits or a refusal for good. */
  removeHouseholds(ids: string[]): Promise<void>
  /** The next outbox entries of a household merged into one update of at most maxBytes (at least one entry). */
  nextOutgoing(householdId: string, maxBytes: number): Promise<OutgoingUpdate | null>
  /** ACK: the entries are committed on the server as serverSeq (clears a refusal once the outbox is empty). */
  acked(householdId: string, seqs: number[], serverSeq: number): Promise<void>
  /** A household-scoped ERROR answered one of our DOCs; the entries stay in the outbox, the refusal is stored. */
  rejected(householdId: string, refusal: Refusal): Promise<void>
  /** Households whose last update was refused for good (stored, so it survives a reload). */
  refusedHouseholds(): Promise<string[]>
  conflict(message: ConflictMessage): Promise<void>
  /** The database epoch (P15) the stored serverSeqs were acknowledged under; null before the first WELCOME. */
  epoch(): Promise<string | null>
  setEpoch(epoch: string): Promise<void>
  /**
   * A new epoch was seen (P15): every stored serverSeq was acknowledged under the old one and means nothing now;
   * each becomes 0, so that no later HEAD or ACK of the restored server is compared with an old, higher one.
   */
  resetServerSeqs(): Promise<void>
  /**
   * Go back to the server's value: drop the household's local document, inbox and outbox (its unsynced edits) and
   * its refusal; its serverSeq becomes 0 so that the next handshake fetches the server's state from empty.
   */
  discardLocal(householdId: string): Promise<void>
}
