// The SessionStore of a real device: manifest and bookkeeping in the summary database, document bytes through
// HouseholdStore. Every method resolves after its IndexedDB commit, which is what ACK/HEAD ordering relies on.

import * as Y from 'yjs'
import type { ConflictMessage } from '../../shared/sync/protocol.ts'
import type { OutgoingUpdate, Refusal, RemoteUpdate, SessionStore } from '../../shared/sync/session-store.ts'
import type { HouseholdIndex } from './household-index.ts'
import type { HouseholdStore } from './household-store.ts'
import type { ConflictNote, HouseholdSummary, SummaryDb } from './summary-db.ts'

const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc())
/** The database epoch (P15) the stored serverSeqs were acknowledged under. */
const EPOCH_SETTING = 'epoch'

/** The server refused this household's edits for good: shown on the household, never counted as synced. */
export function isRefused(row: HouseholdSummary): boolean {
  return row.error !== null && !row.error.retryable
}

export class DeviceSyncStore implements SessionStore {
  constructor(
    private readonly summary: SummaryDb,
    private readonly index: HouseholdIndex,
    private readonly households: HouseholdStore,
    private readonly now: () => number = Date.now,
  ) {}

  async manifest(): Promise<[string, number][]> {
    const rows = await this.summary.allHouseholds()
    // A household created on this phone (found in the field) that the server has not acknowledged yet is not listed:
    // the server would answer it as removed. Its outbox creates it on the server (household-creation.ts).
    return rows.filter((r) => r.serverSeq > 0 || r.unsyncedCount === 0).map((r) => [r.id, r.serverSeq])
  }

  async pendingHouseholds(): Promise<string[]> {
    await this.households.flush()
    const entries = await this.summary.allOutbox()
    return [...new Set(entries.map((e) => e.householdId))]
  }

  async stateVector(householdId: string): Promise<Uint8Array> {
    const state = await this.households.stateOf(householdId)
    return state ? Y.encodeStateVectorFromUpdate(state) : EMPTY_STATE_VECTOR
  }

  async diff(householdId: string, stateVector: Uint8Array): Promise<Uint8Array> {
    const state = (await this.households.stateOf(householdId)) ?? Y.encodeStateAsUpdate(new Y.Doc())
    return Y.diffUpdate(state, stateVector)
  }

  persistRemote(updates: RemoteUpdate[]): Promise<void> {
    return this.households.applyRemote(updates)
  }

  async setHeads(heads: [string, number][]): Promise<void> {
    const seqs = new Map<string, number>()
    for (const [id, seq] of heads) seqs.set(id, Math.max(seq, seqs.get(id) ?? 0))
    const now = this.now()
    const rows = await this.summary.updateHouseholds(
      [...seqs.keys()],
      (row, id) => ({ ...row, serverSeq: Math.max(row.serverSeq, seqs.get(id) ?? 0), lastSyncedAt: now }),
      'strict',
    )
    this.index.put(rows)
  }

  async addHouseholds(ids: string[]): Promise<void> {
    const rows = await this.summary.updateHouseholds(ids, (row) => ({ ...row, removed: false }))
    this.index.put(rows)
  }

  async removeHouseholds(ids: string[]): Promise<void> {
    for (const id of ids) {
      const row = this.index.get(id) ?? (await this.summary.household(id))
      if (row && (row.unsyncedCount > 0 || isRefused(row))) {
        // Never delete unsynced edits, nor a refused household: keep it and show it as "not yet synced" or refused.
        this.index.put(await this.summary.updateHouseholds([id], (r) => ({ ...r, removed: true })))
      } else {
        await this.households.forget(id)
      }
    }
  }

  async nextOutgoing(householdId: string, maxBytes: number): Promise<OutgoingUpdate | null> {
    const entries = await this.summary.outboxOf(householdId)
    const seqs: number[] = []
    const parts: Uint8Array[] = []
    let size = 0
    for (const e of entries) {
      if (e.seq === undefined) continue
      if (parts.length > 0 && size + e.update.length > maxBytes) break
      seqs.push(e.seq)
      parts.push(e.update)
      size += e.update.length
    }
    if (parts.length === 0) return null
    return { seqs, update: parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts) }
  }

  async acked(householdId: string, seqs: number[], serverSeq: number): Promise<void> {
    const row = await this.summary.ackOutbox(householdId, seqs, serverSeq, this.now())
    this.index.put([row])
  }

  async rejected(householdId: string, refusal: Refusal): Promise<void> {
    const error = { code: refusal.code, message: refusal.message, retryable: refusal.retryable }
    const rows = await this.summary.updateHouseholds([householdId], (row) => ({ ...row, error }), 'strict')
    this.index.put(rows)
  }

  async refusedHouseholds(): Promise<string[]> {
    return this.index
      .all()
      .filter(isRefused)
      .map((r) => r.id)
  }

  async epoch(): Promise<string | null> {
    return (await this.summary.getSetting<string>(EPOCH_SETTING)) ?? null
  }

  setEpoch(epoch: string): Promise<void> {
    return this.summary.setSetting(EPOCH_SETTING, epoch)
  }

  async resetServerSeqs(): Promise<void> {
    this.index.put(await this.summary.resetServerSeqs())
  }

  async discardLocal(householdId: string): Promise<void> {
    const removed = this.index.get(householdId)?.removed === true
    await this.households.discardLocal(householdId)
    // Out of the user's scope and nothing unsynced left: nothing to go back to on this device.
    if (removed) await this.households.forget(householdId)
  }

  async conflict(m: ConflictMessage): Promise<void> {
    const note: ConflictNote = {
      conflictId: m.conflictId,
      path: m.path,
      values: m.candidates.map((c) => c.value),
      kept: m.kept,
      ...(m.settled ? { settled: m.settled } : {}),
    }
    // A settlement of a conflict this phone has no note of (never heard of, or already seen) is not news: the server
    // repeats recent settlements after each MANIFEST.
    if (m.settled && !this.index.get(m.householdId)?.conflicts.some((c) => c.conflictId === m.conflictId)) return
    const rows = await this.summary.updateHouseholds([m.householdId], (row) => ({
      ...row,
      conflicts: [...row.conflicts.filter((c) => c.conflictId !== m.conflictId), note],
    }))
    this.index.put(rows)
  }

  /** The enumerator has read that a conflict was settled: its note goes away. */
  async conflictSeen(householdId: string, conflictId: string): Promise<void> {
    const rows = await this.summary.updateHouseholds([householdId], (row) => ({
      ...row,
      conflicts: row.conflicts.filter((c) => c.conflictId !== conflictId || c.settled === undefined),
    }))
    this.index.put(rows)
  }
}
