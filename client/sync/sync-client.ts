// The device's one WebSocket to /sync for every household (docs/sync-protocol.md): handshake, manifest,
// per-household Yjs exchange, outbox until ACK, HEAD bookkeeping, reconnect with full-jitter backoff.
// Plain TypeScript over injected storage and socket so it runs in Node tests against the real server.

import {
  CloseCode,
  decodeMessage,
  docSyncStep1,
  docSyncStep2,
  docUpdate,
  encodeMessage,
  isRetryable,
  MAX_UPDATE_BYTES,
  PROTOCOL_VERSION,
  readDocPayload,
  shouldReconnect,
  unpackFrames,
  type SyncMessage,
} from '../../shared/sync/protocol.ts'
import { convertUpdateFormatV2ToV1 } from 'yjs'
import { Backoff } from './backoff.ts'
import { inflateRaw, OPEN, toBytes, type SocketLike } from './sync-socket.ts'

export type { SocketLike } from './sync-socket.ts'
import type { RemoteUpdate, SyncStore } from './sync-store.ts'

export type SyncPhase = 'idle' | 'offline' | 'connecting' | 'syncing' | 'synced' | 'stopped'
export type StopReason = 'unauthenticated' | 'forbidden' | 'version' | null

export interface SyncStatus {
  phase: SyncPhase
  /** Households still to finish in the current handshake (step1 without HEAD, or outbox without ACK). */
  remaining: number
  /** Size of the current handshake, for a progress bar. */
  total: number
  lastSyncAt: number | null
  stopReason: StopReason
  /** Last connection-wide error code, for diagnostics. */
  lastError: string | null
}

export interface SyncClientOptions {
  url: () => string
  createSocket: (url: string) => SocketLike
  store: SyncStore
  deviceId: string
  appVersion: string
  now?: () => number
  backoff?: Backoff
  /** Whether the platform believes a network exists (navigator.onLine); unknown → true. */
  isOnline?: () => boolean
  /** Close a socket that stays silent this long while we wait for WELCOME or an ACK. */
  responseTimeoutMs?: number
  inflate?: (bytes: Uint8Array) => Promise<Uint8Array>
  /**
   * Asked when a socket closes before it ever opened: a refused upgrade (HTTP 401, expired session) looks like a
   * network failure (1006) to a browser WebSocket. 'unauthenticated' stops the client instead of retrying forever.
   */
  checkSession?: () => Promise<'ok' | 'unauthenticated' | 'unknown'>
}



export class SyncClient {
  status: SyncStatus = { phase: 'idle', remaining: 0, total: 0, lastSyncAt: null, stopReason: null, lastError: null }
  readonly #o: SyncClientOptions
  readonly #backoff: Backoff
  readonly #listeners = new Set<(s: SyncStatus) => void>()
  #socket: SocketLike | null = null
  /** Households named in the last MANIFEST. */
  #announced = new Set<string>()
  #ready = false // MANIFEST_REPLY received on the current socket
  #running = false
  #retryTimer: ReturnType<typeof setTimeout> | null = null
  #watchdog: ReturnType<typeof setTimeout> | null = null
  #chain: Promise<void> = Promise.resolve()
  /** Per household, the outbox groups sent and not yet answered, in send order (P8). */
  #inFlight = new Map<string, number[][]>()
  #awaitingHead = new Set<string>()
  /** Households whose last update was refused for good: not resent on this connection. */
  #held = new Set<string>()

  constructor(options: SyncClientOptions) {
    this.#o = options
    this.#backoff = options.backoff ?? new Backoff()
  }

  onStatus(listener: (s: SyncStatus) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  get connected(): boolean {
    return this.#ready
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    this.#setStatus({ stopReason: null })
    this.#connect()
  }

  /** Stop for good (logout); the outbox stays. */
  stop(): void {
    this.#running = false
    this.#clearTimers()
    this.#dropSocket(CloseCode.NORMAL)
    this.#setStatus({ phase: 'idle', remaining: 0, total: 0 })
  }

  /** The network came back (online event) or the user asked: reconnect now, forgetting the backoff. */
  kick(): void {
    if (!this.#running) return
    this.#backoff.reset()
    if (this.#socket) return
    if (this.#retryTimer) clearTimeout(this.#retryTimer)
    this.#retryTimer = null
    this.#connect()
  }

  /** The network went away (offline event): close now so edits go to the outbox and wait for the network. */
  disconnect(): void {
    if (!this.#socket) return
    this.#dropSocket(CloseCode.NORMAL)
    this.#afterClose(CloseCode.NORMAL)
  }

  /** A local edit reached the outbox: send it if we are connected and the household has nothing in flight. */
  notifyOutbox(householdId: string): void {
    if (!this.#ready) return
    this.#enqueue(() => this.#sendNext(householdId))
  }

  // ——— connection ———

  #connect(): void {
    if (!this.#running || this.#socket) return
    if (this.#o.isOnline && !this.#o.isOnline()) {
      this.#setStatus({ phase: 'offline' })
      this.#scheduleRetry()
      return
    }
    this.#setStatus({ phase: 'connecting' })
    let socket: SocketLike
    try {
      socket = this.#o.createSocket(this.#o.url())
    } catch {
      this.#afterClose(1006)
      return
    }
    socket.binaryType = 'arraybuffer'
    this.#socket = socket
    let opened = false
    socket.onopen = () => {
      if (this.#socket !== socket) return
      opened = true
      this.#send({ type: 'hello', protocol: PROTOCOL_VERSION, deviceId: this.#o.deviceId, appVersion: this.#o.appVersion })
      this.#armWatchdog()
    }
    socket.onmessage = (ev) => {
      if (this.#socket !== socket) return
      const bytes = toBytes(ev.data)
      if (!bytes) return
      this.#enqueue(() => this.#receive(bytes))
    }
    socket.onclose = (ev) => {
      if (this.#socket !== socket) return
      this.#socket = null
      const check = this.#o.checkSession
      if (opened || !check) return this.#afterClose(ev.code)
      void check()
        .catch(() => 'unknown' as const)
        .then((verdict) => {
          if (verdict === 'unauthenticated') return this.#afterClose(CloseCode.UNAUTHENTICATED)
          if (this.#socket === null) this.#afterClose(ev.code) // else a newer socket is already trying
        })
    }
    socket.onerror = () => {
      // onclose follows and decides.
    }
  }

  #afterClose(code: number): void {
    this.#ready = false
    this.#inFlight.clear()
    this.#awaitingHead.clear()
    this.#held.clear()
    this.#disarmWatchdog()
    if (!this.#running) return
    if (!shouldReconnect(code)) {
      const stopReason: StopReason =
        code === CloseCode.UNAUTHENTICATED ? 'unauthenticated' : code === CloseCode.VERSION ? 'version' : 'forbidden'
      this.#running = false
      this.#setStatus({ phase: 'stopped', stopReason, remaining: 0, total: 0 })
      return
    }
    this.#setStatus({ phase: this.#o.isOnline && !this.#o.isOnline() ? 'offline' : 'connecting', remaining: 0, total: 0 })
    this.#scheduleRetry()
  }

  #scheduleRetry(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer)
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null
      this.#connect()
    }, this.#backoff.next())
  }

  #dropSocket(code: number): void {
    const s = this.#socket
    this.#socket = null
    this.#ready = false
    if (s) {
      s.onopen = s.onmessage = s.onclose = null
      // Not null: closing a socket that is still connecting reports an error event (ws in Node throws it if unhandled).
      s.onerror = () => {}
      try {
        s.close(code)
      } catch {
        // already closed
      }
    }
  }

  #clearTimers(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer)
    this.#retryTimer = null
    this.#disarmWatchdog()
  }

  /** A silent half-open socket (weak networks) is closed after responseTimeoutMs without an expected answer. */
  #armWatchdog(): void {
    this.#disarmWatchdog()
    const ms = this.#o.responseTimeoutMs ?? 30_000
    this.#watchdog = setTimeout(() => {
      this.#watchdog = null
      if (!this.#socket) return
      let unacked = false
      for (const q of this.#inFlight.values()) if (q.length > 0) unacked = true
      if (this.#ready && !unacked) {
        // Only HEADs are missing (e.g. a household the server could not bootstrap): stop waiting for them; the next
        // manifest asks again. Reconnecting here would loop forever on the same household.
        this.#awaitingHead.clear()
        this.#progress()
        return
      }
      this.#dropSocket(4408)
      this.#afterClose(4408)
    }, ms)
  }

  #disarmWatchdog(): void {
    if (this.#watchdog) clearTimeout(this.#watchdog)
    this.#watchdog = null
  }

  #expectingAnswer(): boolean {
    if (!this.#ready) return true
    if (this.#awaitingHead.size > 0) return true
    for (const q of this.#inFlight.values()) if (q.length > 0) return true
    return false
  }

  #send(m: SyncMessage): void {
    const s = this.#socket
    if (s && s.readyState === OPEN) s.send(encodeMessage(m))
  }

  #enqueue(task: () => Promise<void>): void {
    this.#chain = this.#chain.then(task).catch((e: unknown) => {
      // Storage failed (quota, IndexedDB closed): keep everything, drop the socket, retry later.
      this.#setStatus({ lastError: e instanceof Error ? e.message : String(e) })
      if (this.#socket) {
        this.#dropSocket(CloseCode.NORMAL)
        this.#afterClose(1011)
      }
    })
  }

  // ——— receiving ———

  async #receive(bytes: Uint8Array): Promise<void> {
    const decoded = decodeMessage(bytes)
    if (!decoded.ok) {
      this.#setStatus({ lastError: decoded.code })
      this.#dropSocket(CloseCode.PROTOCOL_ERROR)
      this.#afterClose(CloseCode.PROTOCOL_ERROR)
      return
    }
    const m = decoded.message
    if (m.type !== 'batch') return this.#handleFrames([m])
    const body = m.compressed ? unpackFrames(await (this.#o.inflate ?? inflateRaw)(m.deflated)) : { ok: true as const, frames: m.frames }
    if (!body.ok) {
      this.#setStatus({ lastError: body.code })
      return
    }
    const messages: SyncMessage[] = []
    for (const f of body.frames) {
      const d = decodeMessage(f, { insideBatch: true })
      if (d.ok) messages.push(d.message)
    }
    await this.#handleFrames(messages)
  }

  /** Frames in order; consecutive remote updates and HEADs are persisted in one transaction each (P9, P10). */
  async #handleFrames(messages: SyncMessage[]): Promise<void> {
    let writes: RemoteUpdate[] = []
    let heads: [string, number][] = []
    const flush = async (): Promise<void> => {
      if (writes.length > 0) await this.#o.store.persistRemote(writes)
      if (heads.length > 0) {
        await this.#o.store.setHeads(heads)
        for (const [id] of heads) this.#awaitingHead.delete(id)
        this.#progress()
      }
      writes = []
      heads = []
    }
    for (const m of messages) {
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
        // P14: a bootstrap full state in Yjs V2, stored exactly like a step2 (as the V1 bytes a step2 carries).
        // Bytes that do not convert throw: nothing of this batch is stored, the socket drops and the manifest retries.
        writes.push({ householdId: m.householdId, update: convertUpdateFormatV2ToV1(m.updateV2) })
        continue
      }
      if (m.type === 'head') {
        heads.push([m.householdId, m.serverSeq])
        continue
      }
      await flush()
      await this.#handle(m)
    }
    await flush()
    // Any frame shows the connection is alive: restart the silence timer while answers are still due.
    if (this.#expectingAnswer()) this.#armWatchdog()
    else this.#disarmWatchdog()
  }

  async #handle(m: SyncMessage): Promise<void> {
    switch (m.type) {
      case 'welcome': {
        // The backoff is reset only once the manifest is answered: a server that accepts and then sheds the connection
        // (overloaded) must see 1,200 phones spread out, not reconnecting every second.
        const entries = await this.#o.store.manifest()
        this.#announced = new Set(entries.map(([id]) => id))
        this.#send({ type: 'manifest', entries })
        this.#armWatchdog()
        return
      }
      case 'manifest-reply':
        this.#backoff.reset()
        return this.#afterManifest(m.changed, m.added, m.removed)
      case 'ack': {
        const group = this.#inFlight.get(m.householdId)?.shift()
        await this.#o.store.acked(m.householdId, group ?? [], m.serverSeq)
        this.#setStatus({ lastSyncAt: this.#now() })
        await this.#sendNext(m.householdId)
        this.#progress()
        return
      }
      case 'error': {
        if (m.householdId === undefined) {
          this.#setStatus({ lastError: m.code })
          return // the close that follows decides what to do
        }
        this.#inFlight.get(m.householdId)?.shift()
        const retryable = isRetryable(m.code)
        if (!retryable) this.#held.add(m.householdId)
        else {
          const id = m.householdId
          setTimeout(() => this.notifyOutbox(id), 3000 + Math.random() * 5000)
        }
        this.#awaitingHead.delete(m.householdId)
        await this.#o.store.rejected(m.householdId, { code: m.code, message: m.message, retryable })
        this.#progress()
        return
      }
      case 'conflict':
        return this.#o.store.conflict(m)
      default:
        return // hello/manifest/batch never come from the server
    }
  }

  async #afterManifest(changed: [string, number][], added: [string, number][], removed: string[]): Promise<void> {
    const store = this.#o.store
    if (added.length > 0) await store.addHouseholds(added.map(([id]) => id))
    if (removed.length > 0) await store.removeHouseholds(removed)
    this.#ready = true
    const pending = await store.pendingHouseholds()
    // The server bootstraps `added` households by itself (STATE + HEAD in deflated BATCHes, P14): no step1 for them.
    const addedIds = new Set(added.map(([id]) => id))
    for (const id of addedIds) this.#awaitingHead.add(id)
    // A household created on this phone that the server does not have yet (left out of the manifest) gets no step1:
    // its outbox creates it on the server (docs/server.md "Households found in the field").
    const toFetch = [...new Set([...changed.map(([id]) => id), ...pending.filter((id) => this.#announced.has(id))])].filter((id) => !addedIds.has(id))
    const frames: Uint8Array[] = []
    for (const id of toFetch) {
      this.#awaitingHead.add(id)
      frames.push(encodeMessage(docSyncStep1(id, await store.stateVector(id))))
    }
    this.#sendFrames(frames)
    const total = toFetch.length + addedIds.size
    this.#setStatus({ phase: 'syncing', total, remaining: total })
    for (const id of pending) await this.#sendNext(id)
    this.#progress()
  }

  /** Many step1 frames go as uncompressed BATCHes of ≤ 1,000 frames (P9), few as single frames. */
  #sendFrames(frames: Uint8Array[]): void {
    const s = this.#socket
    if (!s || s.readyState !== OPEN) return
    if (frames.length < 8) {
      for (const f of frames) s.send(f)
      return
    }
    for (let i = 0; i < frames.length; i += 1000) {
      s.send(encodeMessage({ type: 'batch', compressed: false, frames: frames.slice(i, i + 1000) }))
    }
  }

  async #answerStep1(householdId: string, stateVector: Uint8Array): Promise<void> {
    const update = await this.#o.store.diff(householdId, stateVector)
    this.#queueOf(householdId).push([])
    this.#send(docSyncStep2(householdId, update))
    this.#armWatchdog()
  }

  // ——— sending the outbox ———

  #queueOf(id: string): number[][] {
    let q = this.#inFlight.get(id)
    if (!q) this.#inFlight.set(id, (q = []))
    return q
  }

  /** One outbox group in flight per household: the next goes after its ACK, so ACKs map to groups (P8). */
  async #sendNext(householdId: string): Promise<void> {
    if (!this.#ready || this.#held.has(householdId)) return
    const q = this.#queueOf(householdId)
    if (q.length > 0) return
    const next = await this.#o.store.nextOutgoing(householdId, MAX_UPDATE_BYTES)
    if (!next || !this.#ready) return
    q.push(next.seqs)
    this.#send(docUpdate(householdId, next.update))
    this.#armWatchdog()
    this.#progress()
  }

  // ——— status ———

  #progress(): void {
    if (!this.#ready) return
    let inFlight = 0
    for (const [id, q] of this.#inFlight) if (q.length > 0 && !this.#awaitingHead.has(id)) inFlight++
    // households still waiting for their HEAD, plus those waiting only for an ACK
    const remaining = this.#awaitingHead.size + inFlight
    if (remaining === 0) {
      this.#setStatus({ phase: 'synced', remaining: 0, total: 0, lastSyncAt: this.#now() })
    } else {
      this.#setStatus({ phase: 'syncing', remaining, total: Math.max(this.status.total, remaining) })
    }
  }

  #setStatus(patch: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...patch }
    for (const l of this.#listeners) {
      try {
        l(this.status)
      } catch {
        // a broken listener (a closed tab channel) must not stop the sync client
      }
    }
  }

  #now(): number {
    return (this.#o.now ?? Date.now)()
  }
}
