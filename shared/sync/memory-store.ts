// A SessionStore held in memory: each household's stored state (every received update is applied into a Y.Doc and
// the result kept, as a phone does), live Y.Docs of households being edited, an outbox of local updates until their
// ACK, serverSeqs, refusals and the epoch. Used by the server's tests and the
// benchmark's simulated phones; the phone's own store is IndexedDB (client/storage/device-sync-store.ts).

import * as Y from 'yjs'
import { keepTransactionsYoung } from '../doc/young-transactions.ts'
import type { ConflictMessage } from './messages.ts'
import type { OutgoingUpdate, Refusal, RemoteUpdate, SessionStore } from './session-store.ts'

export interface MemoryStoreHooks {
  /** Transaction origin of remote updates applied to live documents (default MEMORY_REMOTE_ORIGIN). */
  remoteOrigin?: unknown
  /** The owner's own live Y.Doc of a household (the benchmark's edited docs). */
  docOf?(householdId: string): Y.Doc | undefined
  /** State vector of a household held without a Y.Doc (a benchmark phone that already holds the corpus). */
  knownStateVector?(householdId: string): Uint8Array | undefined
  /** A remote update was applied (V1). */
  onRemote?(householdId: string, update: Uint8Array): void
  /** Outbox entries `seqs` were acknowledged. */
  onAcked?(householdId: string, seqs: number[], serverSeq: number): void
}

/** Origin of updates the store applies itself: never a local edit. */
export const MEMORY_REMOTE_ORIGIN = Object.freeze({ kind: 'remote' })

const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc())
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc())

export class MemorySessionStore implements SessionStore {
  /** Stored state of households without a live document (V1 update bytes). */
  readonly states = new Map<string, Uint8Array>()
  /** Live documents (opened with doc()): they hold the household's state instead of `states`. */
  readonly docs = new Map<string, Y.Doc>()
  readonly seqs = new Map<string, number>()
  readonly outbox = new Map<string, { seq: number; update: Uint8Array }[]>()
  readonly refusals = new Map<string, Refusal>()
  readonly conflicts: ConflictMessage[] = []
  /** Households the server said left the user's scope while they still had unsynced edits. */
  readonly removed = new Set<string>()
  storedEpoch: string | null = null
  #nextSeq = 1

  constructor(private readonly hooks: MemoryStoreHooks = {}) {}

  #live(householdId: string): Y.Doc | undefined {
    return this.hooks.docOf?.(householdId) ?? this.docs.get(householdId)
  }

  /** The household's live document, opened from its stored state on first use. */
  doc(householdId: string): Y.Doc {
    const live = this.#live(householdId)
    if (live) return live
    const doc = keepTransactionsYoung(new Y.Doc({ guid: householdId })) // live until the store is dropped
    const stored = this.states.get(householdId)
    if (stored) Y.applyUpdate(doc, stored, this.hooks.remoteOrigin ?? MEMORY_REMOTE_ORIGIN)
    this.states.delete(householdId)
    this.docs.set(householdId, doc)
    return doc
  }

  /** A local edit: queued in the outbox (the caller then tells the session with notifyOutbox). */
  addLocal(householdId: string, update: Uint8Array): number {
    const seq = this.#nextSeq++
    let q = this.outbox.get(householdId)
    if (!q) this.outbox.set(householdId, (q = []))
    q.push({ seq, update })
    return seq
  }

  /** A local edit made with Yjs on the household's document: applied there and queued in the outbox. */
  edit(householdId: string, change: (doc: Y.Doc) => void): Uint8Array | null {
    const doc = this.doc(householdId)
    let captured: Uint8Array | null = null
    const origin = { kind: 'local' }
    const capture = (u: Uint8Array, o: unknown): void => {
      if (o === origin) captured = u
    }
    doc.on('update', capture)
    try {
      doc.transact(() => change(doc), origin)
    } finally {
      doc.off('update', capture)
    }
    if (captured) this.addLocal(householdId, captured)
    return captured
  }

  unsynced(): number {
    let n = 0
    for (const q of this.outbox.values()) n += q.length
    return n
  }

  async manifest(): Promise<[string, number][]> {
    const ids = new Set([...this.seqs.keys(), ...this.states.keys(), ...this.docs.keys()])
    return [...ids].map((id) => [id, this.seqs.get(id) ?? 0])
  }

  async pendingHouseholds(): Promise<string[]> {
    return [...this.outbox].filter(([, q]) => q.length > 0).map(([id]) => id)
  }

  async stateVector(householdId: string): Promise<Uint8Array> {
    return this.currentStateVector(householdId)
  }

  /** The household's state vector, read synchronously. */
  currentStateVector(householdId: string): Uint8Array {
    const live = this.#live(householdId)
    if (live) return Y.encodeStateVector(live)
    const stored = this.states.get(householdId)
    if (stored) return Y.encodeStateVectorFromUpdate(stored)
    return this.hooks.knownStateVector?.(householdId) ?? EMPTY_STATE_VECTOR
  }

  async diff(householdId: string, stateVector: Uint8Array): Promise<Uint8Array> {
    const live = this.#live(householdId)
    if (live) return Y.encodeStateAsUpdate(live, stateVector)
    // Without a live document, local edits are only in the outbox.
    const parts = (this.outbox.get(householdId) ?? []).map((e) => e.update)
    const stored = this.states.get(householdId)
    if (stored) parts.unshift(Y.diffUpdate(stored, stateVector))
    if (parts.length === 0) return EMPTY_UPDATE
    return parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts)
  }

  async persistRemote(remote: RemoteUpdate[]): Promise<void> {
    const origin = this.hooks.remoteOrigin ?? MEMORY_REMOTE_ORIGIN
    // V2 bytes (a bootstrap STATE) are converted first: bytes that do not read throw before anything is stored.
    const updates = remote.map((u) =>
      u.v2 ? { householdId: u.householdId, update: Y.convertUpdateFormatV2ToV1(u.update) } : u,
    )
    for (const u of updates) {
      const live = this.#live(u.householdId)
      if (live) Y.applyUpdate(live, u.update, origin)
      else {
        // As a phone does with a household it does not show: apply into a Y.Doc (it derives the list row there) and
        // store the resulting state. The household's id as guid: a random one costs ~30 getRandomValues calls.
        const doc = new Y.Doc({ guid: u.householdId })
        const stored = this.states.get(u.householdId)
        if (stored) Y.applyUpdate(doc, stored, origin)
        Y.applyUpdate(doc, u.update, origin)
        this.states.set(u.householdId, Y.encodeStateAsUpdate(doc))
        doc.destroy()
      }
      this.hooks.onRemote?.(u.householdId, u.update)
    }
  }

  async setHeads(heads: [string, number][]): Promise<void> {
    for (const [id, seq] of heads) this.seqs.set(id, Math.max(seq, this.seqs.get(id) ?? 0))
  }

  async addHouseholds(ids: string[]): Promise<void> {
    for (const id of ids) {
      this.removed.delete(id)
      if (!this.seqs.has(id)) this.seqs.set(id, 0)
    }
  }

  async removeHouseholds(ids: string[]): Promise<void> {
    for (const id of ids) {
      if ((this.outbox.get(id)?.length ?? 0) > 0 || this.refusals.get(id)?.retryable === false) {
        this.removed.add(id) // never drop unsynced edits, nor a refused household (its owner decides)
        continue
      }
      this.removed.delete(id)
      this.refusals.delete(id)
      this.docs.get(id)?.destroy()
      this.docs.delete(id)
      this.states.delete(id)
      this.seqs.delete(id)
    }
  }

  async nextOutgoing(householdId: string, maxBytes: number): Promise<OutgoingUpdate | null> {
    const seqs: number[] = []
    const parts: Uint8Array[] = []
    let size = 0
    for (const e of this.outbox.get(householdId) ?? []) {
      if (parts.length > 0 && size + e.update.length > maxBytes) break
      seqs.push(e.seq)
      parts.push(e.update)
      size += e.update.length
    }
    if (parts.length === 0) return null
    return { seqs, update: parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts) }
  }

  async acked(householdId: string, seqs: number[], serverSeq: number): Promise<void> {
    const q = (this.outbox.get(householdId) ?? []).filter((e) => !seqs.includes(e.seq))
    this.outbox.set(householdId, q)
    const seq = this.seqs.get(householdId) ?? 0
    // Contiguous only: an ACK says our update is serverSeq, not that we hold every earlier one (as on the phone).
    if (serverSeq === seq + 1) this.seqs.set(householdId, serverSeq)
    if (q.length === 0) this.refusals.delete(householdId)
    this.hooks.onAcked?.(householdId, seqs, serverSeq)
  }

  async rejected(householdId: string, refusal: Refusal): Promise<void> {
    this.refusals.set(householdId, refusal)
  }

  async refusedHouseholds(): Promise<string[]> {
    return [...this.refusals].filter(([, r]) => !r.retryable).map(([id]) => id)
  }

  async conflict(message: ConflictMessage): Promise<void> {
    this.conflicts.push(message)
  }

  async epoch(): Promise<string | null> {
    return this.storedEpoch
  }

  async setEpoch(epoch: string): Promise<void> {
    this.storedEpoch = epoch
  }

  async resetServerSeqs(): Promise<void> {
    for (const id of this.seqs.keys()) this.seqs.set(id, 0)
  }

  async discardLocal(householdId: string): Promise<void> {
    this.outbox.delete(householdId)
    this.refusals.delete(householdId)
    this.docs.get(householdId)?.destroy()
    this.docs.delete(householdId)
    this.states.delete(householdId)
    this.seqs.set(householdId, 0)
  }
}
