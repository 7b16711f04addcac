// A SessionStore held in memory: one Y.Doc per household (every received update is applied and kept), an outbox
// of local updates until their ACK, serverSeqs, refusals and the epoch. Used by the server's tests and the
// benchmark's simulated phones; the phone's own store is IndexedDB (client/storage/device-sync-store.ts).

import * as Y from 'yjs'
import type { ConflictMessage } from './messages.ts'
import type { OutgoingUpdate, Refusal, RemoteUpdate, SessionStore } from './session-store.ts'

export interface MemoryStoreHooks {
  /** The owner's own Y.Doc of a household (the benchmark's edited docs); else the store keeps one. */
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

  /** The household's document (created empty on first use). */
  doc(householdId: string): Y.Doc {
    const own = this.hooks.docOf?.(householdId)
    if (own) return own
    let doc = this.docs.get(householdId)
    if (!doc) this.docs.set(householdId, (doc = new Y.Doc()))
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
    const ids = new Set([...this.seqs.keys(), ...this.docs.keys()])
    return [...ids].map((id) => [id, this.seqs.get(id) ?? 0])
  }

  async pendingHouseholds(): Promise<string[]> {
    return [...this.outbox].filter(([, q]) => q.length > 0).map(([id]) => id)
  }

  async stateVector(householdId: string): Promise<Uint8Array> {
    const doc = this.hooks.docOf?.(householdId) ?? this.docs.get(householdId)
    if (doc) return Y.encodeStateVector(doc)
    return this.hooks.knownStateVector?.(householdId) ?? EMPTY_STATE_VECTOR
  }

  async diff(householdId: string, stateVector: Uint8Array): Promise<Uint8Array> {
    const doc = this.hooks.docOf?.(householdId) ?? this.docs.get(householdId)
    const parts = doc ? [Y.encodeStateAsUpdate(doc, stateVector)] : []
    // Local edits not applied to a document the store keeps (a phone without a Y.Doc of the household).
    if (!doc) for (const e of this.outbox.get(householdId) ?? []) parts.push(e.update)
    if (parts.length === 0) return EMPTY_UPDATE
    return parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts)
  }

  async persistRemote(updates: RemoteUpdate[]): Promise<void> {
    for (const u of updates) {
      Y.applyUpdate(this.doc(u.householdId), u.update, MEMORY_REMOTE_ORIGIN)
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
      if ((this.outbox.get(id)?.length ?? 0) > 0) {
        this.removed.add(id) // never drop unsynced edits
        continue
      }
      this.docs.delete(id)
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

  async discardLocal(householdId: string): Promise<void> {
    this.outbox.delete(householdId)
    this.refusals.delete(householdId)
    this.docs.get(householdId)?.destroy()
    this.docs.delete(householdId)
    this.seqs.set(householdId, 0)
  }
}
