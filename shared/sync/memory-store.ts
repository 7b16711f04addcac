// A SessionStore held in memory: each household's stored state (every received update is applied into a Y.Doc, as a
// phone does, and a bootstrap STATE kept as it came, as the phone's inbox keeps it), live Y.Docs of households being
// edited, an outbox of local updates until their ACK, serverSeqs, refusals and the epoch. Used by the server's tests
// and the benchmark's simulated phones; the phone's own store is IndexedDB (client/storage/device-sync-store.ts).

import * as Y from 'yjs'
import { YoungDoc } from '../doc/young-transactions.ts'
import type { ConflictMessage } from './messages.ts'
import type { OutgoingUpdate, Refusal, RemoteUpdate, SessionStore } from './session-store.ts'

export interface MemoryStoreHooks {
  /** Transaction origin of remote updates applied to live documents (default MEMORY_REMOTE_ORIGIN). */
  remoteOrigin?: unknown
  /** The owner's own live Y.Doc of a household (the benchmark's edited docs). */
  docOf?(householdId: string): Y.Doc | undefined
  /** State vector of a household held without a Y.Doc (a benchmark phone that already holds the corpus). */
  knownStateVector?(householdId: string): Uint8Array | undefined
  /** A remote update was applied; `v2`: the bytes are in Yjs format V2 (a bootstrap STATE, as it came). */
  onRemote?(householdId: string, update: Uint8Array, v2: boolean): void
  /** Outbox entries `seqs` were acknowledged. */
  onAcked?(householdId: string, seqs: number[], serverSeq: number): void
}

/** Origin of updates the store applies itself: never a local edit. */
export const MEMORY_REMOTE_ORIGIN = Object.freeze({ kind: 'remote' })

const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc())
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc())

export class MemorySessionStore implements SessionStore {
  /** Stored state of households without a live document: V1 update bytes, or V2 for the ones in `statesV2`. */
  readonly states = new Map<string, Uint8Array>()
  /** Households whose stored state is a bootstrap STATE kept as it came (Yjs format V2). */
  readonly statesV2 = new Set<string>()
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
    const doc = new YoungDoc({ guid: householdId }) // live until the store is dropped
    this.#applyStored(doc, householdId, this.hooks.remoteOrigin ?? MEMORY_REMOTE_ORIGIN)
    this.#dropStored(householdId)
    this.docs.set(householdId, doc)
    return doc
  }

  /** The stored state of a household held without a live document, as V1 update bytes. */
  stateOf(householdId: string): Uint8Array | undefined {
    const stored = this.states.get(householdId)
    return stored && this.statesV2.has(householdId) ? Y.convertUpdateFormatV2ToV1(stored) : stored
  }

  #applyStored(doc: Y.Doc, householdId: string, origin: unknown): void {
    const stored = this.states.get(householdId)
    if (!stored) return
    if (this.statesV2.has(householdId)) Y.applyUpdateV2(doc, stored, origin)
    else Y.applyUpdate(doc, stored, origin)
  }

  #dropStored(householdId: string): void {
    this.states.delete(householdId)
    this.statesV2.delete(householdId)
  }

  /** Keep `update` as the household's stored state (`v2`: in Yjs format V2). */
  protected keepState(householdId: string, update: Uint8Array, v2: boolean): void {
    this.states.set(householdId, update)
    if (v2) this.statesV2.add(householdId)
    else this.statesV2.delete(householdId)
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
    if (stored)
      return this.statesV2.has(householdId)
        ? Y.encodeStateVectorFromUpdateV2(stored)
        : Y.encodeStateVectorFromUpdate(stored)
    return this.hooks.knownStateVector?.(householdId) ?? EMPTY_STATE_VECTOR
  }

  async diff(householdId: string, stateVector: Uint8Array): Promise<Uint8Array> {
    const live = this.#live(householdId)
    if (live) return Y.encodeStateAsUpdate(live, stateVector)
    // Without a live document, local edits are only in the outbox.
    const parts = (this.outbox.get(householdId) ?? []).map((e) => e.update)
    const stored = this.states.get(householdId)
    if (stored)
      parts.unshift(
        this.statesV2.has(householdId)
          ? Y.convertUpdateFormatV2ToV1(Y.diffUpdateV2(stored, stateVector))
          : Y.diffUpdate(stored, stateVector),
      )
    if (parts.length === 0) return EMPTY_UPDATE
    return parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts)
  }

  async persistRemote(remote: RemoteUpdate[]): Promise<void> {
    const origin = this.hooks.remoteOrigin ?? MEMORY_REMOTE_ORIGIN
    // Every V2 state (a bootstrap STATE) is read first, so bytes that do not read throw before anything is stored.
    // One for a household held without a live document and without stored state is read into a Y.Doc, where the
    // phone derives its list row, and kept as it came, as the phone's inbox keeps it; any other is converted to V1.
    const updates = remote.map((u) => {
      if (!u.v2) return u
      if (this.#live(u.householdId) || this.states.has(u.householdId))
        return { householdId: u.householdId, update: Y.convertUpdateFormatV2ToV1(u.update) }
      const doc = new Y.Doc({ guid: u.householdId }) // the household's id: a random guid costs ~30 random numbers
      try {
        Y.applyUpdateV2(doc, u.update, origin)
      } finally {
        doc.destroy()
      }
      return u
    })
    for (const u of updates) {
      const id = u.householdId
      const v2 = u.v2 === true
      const live = this.#live(id)
      if (live) (v2 ? Y.applyUpdateV2 : Y.applyUpdate)(live, u.update, origin)
      else if (v2 && !this.states.has(id)) this.keepState(id, u.update, true)
      else {
        // As a phone does with a household it does not show: apply into a Y.Doc (it derives the list row there) and
        // store the resulting state.
        const doc = new Y.Doc({ guid: id })
        this.#applyStored(doc, id, origin)
        ;(v2 ? Y.applyUpdateV2 : Y.applyUpdate)(doc, u.update, origin)
        this.keepState(id, Y.encodeStateAsUpdate(doc), false)
        doc.destroy()
      }
      this.hooks.onRemote?.(id, u.update, v2)
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
      this.#dropStored(id)
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
    this.#dropStored(householdId)
    this.seqs.set(householdId, 0)
  }
}
