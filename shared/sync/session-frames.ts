// One connection's share of the /sync session core: the answer to WELCOME (epoch check, manifest), the handshakes
// after MANIFEST_REPLY, received updates and HEADs persisted in order (P10), the outbox one group in flight per
// household until its ACK (P8), and refusals. A new socket gets a new instance; nothing here outlives a connection.

import { isRetryable } from './errors.ts'
import { MAX_UPDATE_BYTES } from './limits.ts'
import type { SyncMessage, WelcomeMessage } from './messages.ts'
import { docSyncStep1, docSyncStep2, docUpdate, readDocPayload } from './doc-payload.ts'
import { encodeMessage } from './protocol.ts'
import { outgoingMessages } from './session-socket.ts'
import type { RemoteUpdate, SessionStore } from './session-store.ts'

export type SyncPhase = 'idle' | 'offline' | 'connecting' | 'syncing' | 'synced' | 'refused' | 'stopped'
export type StopReason = 'unauthenticated' | 'forbidden' | 'version' | null

export interface SyncStatus {
  /** 'synced': everything acknowledged; 'refused': nothing in flight, but the server refused some household's edits. */
  phase: SyncPhase
  /** Households still to finish in the current handshake (step1 without HEAD, or outbox without ACK). */
  remaining: number
  /** Size of the current handshake, for a progress bar. */
  total: number
  /** Households whose edits the server refused for good (never counted as synced). */
  refused: number
  lastSyncAt: number | null
  stopReason: StopReason
  /** Last connection-wide error code, for diagnostics. */
  lastError: string | null
}

export interface FramesContext {
  store: SessionStore
  send(bytes: Uint8Array): void
  now(): number
  status(): SyncStatus
  setStatus(patch: Partial<SyncStatus>): void
  armWatchdog(): void
  resetBackoff(): void
  /** Resend a household's outbox later (a retryable refusal: overloaded, internal). */
  retryLater(householdId: string): void
}

const EMPTY_STATE_VECTOR = new Uint8Array([0])

export class SessionFrames {
  /** MANIFEST_REPLY received. */
  ready = false
  #closed = false
  readonly #c: FramesContext
  /** Per household, the outbox groups sent and not yet answered, in send order (P8). */
  readonly #inFlight = new Map<string, number[][]>()
  readonly #awaitingHead = new Set<string>()
  /** Households whose edits were refused for good (stored); their outbox is resent on the next connection only. */
  readonly #refused = new Set<string>()
  /** Refused on this connection: not resent before the next one (it would be refused again). */
  readonly #held = new Set<string>()
  /** The epoch in WELCOME when it differs from the stored one (P15), until every household was re-sent. */
  #newEpoch: string | null = null
  /** Households whose full state was re-sent under #newEpoch and is not ACKed (or refused for good) yet. */
  readonly #resending = new Set<string>()
  /** Households answered by a retryable ERROR, waiting to be sent again: not synced until then (nor after, until ACK). */
  readonly #retrying = new Set<string>()
  /** Households named in this connection's MANIFEST (one created on the device and unknown to the server is not). */
  #announced = new Set<string>()
  /** This connection's MANIFEST went out before WELCOME (a phone that knows no epoch yet). */
  #manifestSent = false
  /**
   * Households the server listed as `removed` (moved to another enumerator, out of scope) that still hold unsynced
   * edits here: their outbox is pushed first, and the local copy goes only once all of it is acknowledged (P17).
   */
  readonly #leaving = new Set<string>()

  constructor(context: FramesContext) {
    this.#c = context
  }

  close(): void {
    this.#closed = true
    this.ready = false
  }

  awaitingAck(): boolean {
    for (const q of this.#inFlight.values()) if (q.length > 0) return true
    return false
  }

  expectingAnswer(): boolean {
    return !this.ready || this.#awaitingHead.size > 0 || this.awaitingAck()
  }

  /** Stop waiting for HEADs that do not come; the next manifest asks again. */
  giveUpHeads(): void {
    this.#awaitingHead.clear()
    this.#progress()
  }

  /** Frames in order; consecutive remote updates and HEADs are persisted in one transaction each (P9, P10). */
  async handle(messages: SyncMessage[]): Promise<void> {
    let writes: RemoteUpdate[] = []
    let heads: [string, number][] = []
    const flush = async (): Promise<void> => {
      if (writes.length > 0) await this.#c.store.persistRemote(writes)
      if (heads.length > 0) {
        await this.#c.store.setHeads(heads)
        for (const [id] of heads) this.#awaitingHead.delete(id)
        this.#progress()
      }
      writes = []
      heads = []
    }
    for (const m of messages) {
      if (this.#closed) return
      if (m.type === 'doc') {
        const p = readDocPayload(m.payload)
        if (p.kind === 'step2' || p.kind === 'update') {
          // Collected HEADs are stored after every collected update (P10 needs a HEAD after the updates before it;
          // holding more than a HEAD says is harmless), so a bootstrap BATCH is two transactions, not two per household.
          writes.push({ householdId: m.householdId, update: p.update })
          continue
        }
        if (p.kind === 'step1') {
          await flush()
          await this.#answerStep1(m.householdId, p.stateVector)
        }
        continue
      }
      if (m.type === 'state') {
        // P14: a bootstrap full state in Yjs V2, handed to the store as V2 (a phone reads it into the list row without
        // converting it first). Bytes that do not read throw: nothing of this batch is stored, the socket drops and
        // the manifest retries.
        writes.push({ householdId: m.householdId, update: m.updateV2, v2: true })
        continue
      }
      if (m.type === 'head') {
        heads.push([m.householdId, m.serverSeq])
        continue
      }
      await flush()
      await this.#handleOne(m)
    }
    await flush()
  }

  async #handleOne(m: SyncMessage): Promise<void> {
    const store = this.#c.store
    switch (m.type) {
      case 'welcome':
        return this.#welcome(m)
      case 'manifest-reply':
        // The backoff is reset only once the manifest is answered: a server that accepts and then sheds the
        // connection (overloaded) must see 1,200 phones spread out, not reconnecting every second.
        this.#c.resetBackoff()
        return this.#afterManifest(m.changed, m.added, m.removed)
      case 'ack': {
        const group = this.#inFlight.get(m.householdId)?.shift()
        await store.acked(m.householdId, group ?? [], m.serverSeq)
        if (this.#refused.has(m.householdId) && !(await store.refusedHouseholds()).includes(m.householdId)) {
          this.#refused.delete(m.householdId)
        }
        this.#c.setStatus({ lastSyncAt: this.#c.now() })
        await this.#answered(m.householdId)
        await this.sendNext(m.householdId)
        this.#progress()
        return
      }
      case 'error': {
        if (m.householdId === undefined) {
          this.#c.setStatus({ lastError: m.code })
          return // the close that follows decides what to do
        }
        const group = this.#inFlight.get(m.householdId)?.shift()
        this.#awaitingHead.delete(m.householdId)
        if (group === undefined) {
          // Nothing of ours was in flight: it answers a step1 (a household that left the user's scope, or is gone).
          // No edit was refused; the next manifest says whether the household is still the user's.
          this.#progress()
          return
        }
        const retryable = isRetryable(m.code)
        if (retryable) {
          // Sent again later (the whole state again when it was a re-send, P15); counted as remaining until its ACK.
          this.#retrying.add(m.householdId)
          this.#c.retryLater(m.householdId)
        } else {
          this.#refused.add(m.householdId)
          this.#held.add(m.householdId)
          this.#retrying.delete(m.householdId)
          this.#leaving.delete(m.householdId) // refused: kept and shown, never dropped (P17)
        }
        await store.rejected(m.householdId, { code: m.code, message: m.message, retryable })
        if (!retryable) await this.#answered(m.householdId)
        this.#progress()
        return
      }
      case 'conflict':
        return store.conflict(m)
      default:
        return // hello/manifest/batch never come from the server
    }
  }

  /**
   * Right after HELLO, before WELCOME: a phone that knows no epoch has nothing to check against it (P15) and sends its
   * MANIFEST at once, which saves the round trip of a first sync. The relay handles a connection's frames in order, so
   * the MANIFEST is read after the HELLO. Runs on the session's chain, before any received message.
   */
  async opened(): Promise<void> {
    const store = this.#c.store
    if ((await store.epoch()) !== null || this.#closed) return
    this.#sendManifest(await store.manifest())
  }

  /** P15: serverSeqs stored under another epoch mean nothing here: every household is announced as never synced. */
  async #welcome(m: WelcomeMessage): Promise<void> {
    const store = this.#c.store
    if (this.#manifestSent) return store.setEpoch(m.epoch) // a new device: its MANIFEST went with the HELLO
    const stored = await store.epoch()
    let entries = await store.manifest()
    if (stored === null) await store.setEpoch(m.epoch)
    else if (stored !== m.epoch) {
      // The list is read before the reset: a household found in the field, ACKed once and edited since, stays in it.
      this.#newEpoch = m.epoch
      await store.resetServerSeqs()
      entries = entries.map(([id]) => [id, 0])
    }
    this.#sendManifest(entries)
  }

  #sendManifest(entries: [string, number][]): void {
    this.#manifestSent = true
    this.#announced = new Set(entries.map(([id]) => id))
    this.#c.send(encodeMessage({ type: 'manifest', entries }))
    this.#c.armWatchdog()
  }

  async #afterManifest(changed: [string, number][], added: [string, number][], removed: string[]): Promise<void> {
    const store = this.#c.store
    const epochChange = this.#newEpoch !== null
    if (added.length > 0) await store.addHouseholds(added.map(([id]) => id))
    // P15: after a restore `removed` may only say that the restored server lacks the household (e.g. one found in the
    // field after the backup): nothing is dropped now; each is re-sent whole below (no step1) and stays, refused if
    // the server refuses it; the next manifest, under the adopted epoch, drops it if it is still not the user's.
    if (removed.length > 0 && !epochChange) await store.removeHouseholds(removed)
    this.ready = true
    for (const id of await store.refusedHouseholds()) this.#refused.add(id)
    const pending = await store.pendingHouseholds()
    // Removed households the store kept hold unsynced edits: push them (no step1: the server no longer lets us read
    // them), then drop them after the last ACK (P17). One with a refused edit stays, shown as refused. Under a new
    // epoch none leaves on this connection: once re-sent and ACKed, the next manifest says whether it is still ours.
    const removedIds = new Set(removed)
    if (!epochChange) for (const id of pending) if (removedIds.has(id)) this.#leaving.add(id)
    // The server bootstraps `added` households by itself (STATE + HEAD in deflated BATCHes, P14): no step1 for them.
    const addedIds = new Set(added.map(([id]) => id))
    for (const id of addedIds) this.#awaitingHead.add(id)
    // Under a new epoch every household goes whole, also one left out of the manifest (found in the field, or ACKed
    // under the old epoch and edited since): the restored server may lack its creation.
    const resend = epochChange ? [...new Set([...this.#announced, ...pending])].filter((id) => !addedIds.has(id)) : []
    // A household created on this device that the server does not have yet (left out of the manifest) gets no step1:
    // its outbox creates it on the server (docs/server.md "Households found in the field"). Neither does one with
    // unsynced edits that the server lists as unchanged: the device holds everything up to the server's head (P10)
    // and the server already counts it as held, so its outbox goes at once; a step1 would only fetch an empty diff.
    const announcedResend = resend.filter((id) => this.#announced.has(id))
    const toFetch = [...new Set([...changed.map(([id]) => id), ...announcedResend])].filter(
      (id) => !addedIds.has(id) && !removedIds.has(id),
    )
    const frames: Uint8Array[] = []
    for (const id of toFetch) {
      this.#awaitingHead.add(id)
      frames.push(encodeMessage(docSyncStep1(id, await store.stateVector(id))))
    }
    // After a restore the server may lack anything: each household's whole state goes once as an update; the server
    // keeps what it lacks (structs it holds are skipped) and ACKs. The outbox follows, so unsynced counts stay until
    // their own ACK.
    for (const id of resend) frames.push(await this.#wholeState(id))
    if (this.#newEpoch !== null && this.#resending.size === 0) await this.#adoptEpoch()
    // The first outbox group of every pending household rides in the same BATCHes as the step1s, after them: a phone
    // back from a day offline sends its whole outbox in one or a few WebSocket messages, not one per household.
    for (const id of pending) {
      const next = await this.#nextFrame(id)
      if (next !== null) frames.push(next)
    }
    this.#sendFrames(frames)
    if (frames.length > 0) this.#c.armWatchdog()
    const total = toFetch.length + addedIds.size
    this.#c.setStatus({ phase: 'syncing', total, remaining: total })
    this.#progress()
  }

  /** A household's whole state as one DOC update, in flight until its ACK: a re-send under a new epoch (P15). */
  async #wholeState(householdId: string): Promise<Uint8Array> {
    const whole = await this.#c.store.diff(householdId, EMPTY_STATE_VECTOR)
    this.#queueOf(householdId).push([])
    this.#resending.add(householdId)
    return encodeMessage(docUpdate(householdId, whole))
  }

  /** A re-sent household was ACKed or refused for good; once all are, the stored seqs belong to the new epoch. */
  async #answered(householdId: string): Promise<void> {
    if (!this.#resending.delete(householdId) || this.#resending.size > 0) return
    await this.#adoptEpoch()
  }

  async #adoptEpoch(): Promise<void> {
    if (this.#newEpoch === null) return
    await this.#c.store.setEpoch(this.#newEpoch)
    this.#newEpoch = null
  }

  #sendFrames(frames: Uint8Array[]): void {
    for (const message of outgoingMessages(frames)) this.#c.send(message)
  }

  async #answerStep1(householdId: string, stateVector: Uint8Array): Promise<void> {
    const update = await this.#c.store.diff(householdId, stateVector)
    this.#queueOf(householdId).push([])
    this.#c.send(encodeMessage(docSyncStep2(householdId, update)))
    this.#c.armWatchdog()
  }

  /** After the user went back to the server's value: fetch the household again from what the store now holds. */
  async refetch(householdId: string): Promise<void> {
    this.#refused.delete(householdId)
    this.#held.delete(householdId)
    this.#progress()
    if (!this.ready) return
    this.#inFlight.delete(householdId)
    this.#awaitingHead.add(householdId)
    this.#c.send(encodeMessage(docSyncStep1(householdId, await this.#c.store.stateVector(householdId))))
    this.#c.armWatchdog()
    this.#c.setStatus({ total: Math.max(this.#c.status().total, 1) })
    this.#progress()
  }

  #queueOf(id: string): number[][] {
    let q = this.#inFlight.get(id)
    if (!q) this.#inFlight.set(id, (q = []))
    return q
  }

  /** One outbox group in flight per household: the next goes after its ACK, so ACKs map to groups (P8). */
  async sendNext(householdId: string): Promise<void> {
    const frame = await this.#nextFrame(householdId)
    if (frame === null) return
    this.#c.send(frame)
    this.#c.armWatchdog()
    this.#progress()
  }

  /**
   * The household's next frame to send, counted in flight (its outbox group or, after a retryable refusal of a
   * re-send, its whole state again), or null when nothing may go now: a group is already in flight, the household is
   * held, its outbox is empty (a leaving household is then dropped), or the connection ended.
   */
  async #nextFrame(householdId: string): Promise<Uint8Array | null> {
    if (!this.ready || this.#closed) return null
    const q = this.#queueOf(householdId)
    if (q.length > 0) return null
    if (this.#held.has(householdId)) return null
    const retried = this.#retrying.delete(householdId)
    // A re-send answered by a retryable ERROR: the whole state goes again, the outbox after its ACK (P15).
    if (retried && this.#resending.has(householdId)) return this.#wholeState(householdId)
    const next = await this.#c.store.nextOutgoing(householdId, MAX_UPDATE_BYTES)
    if (!next && this.#leaving.has(householdId)) {
      await this.#leave(householdId)
      return null
    }
    if (!next || !this.ready || this.#closed) {
      if (retried) this.#progress() // nothing left to send again
      return null
    }
    q.push(next.seqs)
    return encodeMessage(docUpdate(householdId, next.update))
  }

  /** A removed household's outbox is all acknowledged: now its local copy goes (P17). */
  async #leave(householdId: string): Promise<void> {
    const store = this.#c.store
    if ((await store.pendingHouseholds()).includes(householdId)) return // an edit made meanwhile: it is sent next
    this.#leaving.delete(householdId)
    await store.removeHouseholds([householdId])
  }

  #progress(): void {
    if (!this.ready || this.#closed) return
    // households still waiting for their HEAD, for an ACK, or to be sent again after a retryable ERROR
    const waiting = new Set([...this.#awaitingHead, ...this.#retrying])
    for (const [id, q] of this.#inFlight) if (q.length > 0) waiting.add(id)
    const remaining = waiting.size
    const refused = this.#refused.size
    if (remaining === 0) {
      this.#c.setStatus({
        phase: refused > 0 ? 'refused' : 'synced',
        remaining: 0,
        total: 0,
        refused,
        lastSyncAt: this.#c.now(),
      })
    } else {
      this.#c.setStatus({ phase: 'syncing', remaining, total: Math.max(this.#c.status().total, remaining), refused })
    }
  }
}
