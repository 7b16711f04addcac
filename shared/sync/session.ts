// The one /sync session core (docs/sync-protocol.md) used by the phone, the server's tests and the benchmark:
// HELLO → WELCOME (epoch, P15) → MANIFEST → handshakes, STATE/BATCH, outbox until ACK, HEAD, CONFLICT, ERROR,
// refused edits, reconnect with full-jitter backoff. Socket, storage, inflation and timers are injected.

import { Backoff } from './backoff.ts'
import { CloseCode, PROTOCOL_VERSION, shouldReconnect } from './limits.ts'
import type { SyncMessage } from './messages.ts'
import { encodeMessage } from './protocol.ts'
import { readIncoming, SOCKET_OPEN, toBytes, type Inflate, type SessionSocket } from './session-socket.ts'
import type { SessionStore } from './session-store.ts'
import { SessionFrames, type StopReason, type SyncStatus } from './session-frames.ts'

export type { StopReason, SyncPhase, SyncStatus } from './session-frames.ts'

/** setTimeout/clearTimeout, injectable so tests can see what is scheduled instead of sleeping. */
export interface SessionTimers {
  set(fn: () => void, ms: number): unknown
  clear(handle: unknown): void
}

const realTimers: SessionTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

export interface SyncSessionOptions {
  url: () => string
  createSocket: (url: string) => SessionSocket
  store: SessionStore
  deviceId: string
  appVersion: string
  inflate: Inflate
  now?: () => number
  timers?: SessionTimers
  backoff?: Backoff
  /** Whether the platform believes a network exists (navigator.onLine); unknown → true. */
  isOnline?: () => boolean
  /** Close a socket that stays silent this long while we wait for WELCOME or an ACK. */
  responseTimeoutMs?: number
  /** Delay before an update answered by a retryable ERROR (overloaded, internal) is resent; default 3–8 s at random. */
  retryDelay?: () => number
  /**
   * Asked when a socket closes before it ever opened: a refused upgrade (HTTP 401, expired session) looks like a
   * network failure (CloseCode.NETWORK_LOST) to a browser WebSocket. 'unauthenticated' stops the client instead of retrying forever.
   */
  checkSession?: () => Promise<'ok' | 'unauthenticated' | 'unknown'>
  /** Every message received, frames inside a BATCH one by one (traffic counters, benchmark latencies). */
  onMessage?: (m: SyncMessage) => void
  /** Every frame sent, as bytes. */
  onSend?: (bytes: Uint8Array) => void
  /** Every WebSocket message received, as bytes (a BATCH once). */
  onReceive?: (bytes: Uint8Array) => void
}

export class SyncSession {
  status: SyncStatus = {
    phase: 'idle',
    remaining: 0,
    total: 0,
    refused: 0,
    lastSyncAt: null,
    stopReason: null,
    lastError: null,
  }
  readonly #o: SyncSessionOptions
  readonly #timers: SessionTimers
  readonly #backoff: Backoff
  readonly #listeners = new Set<(s: SyncStatus) => void>()
  #socket: SessionSocket | null = null
  #running = false
  #retryTimer: unknown = null
  #watchdog: unknown = null
  #chain: Promise<void> = Promise.resolve()
  #frames: SessionFrames | null = null

  constructor(options: SyncSessionOptions) {
    this.#o = options
    this.#timers = options.timers ?? realTimers
    this.#backoff = options.backoff ?? new Backoff()
  }

  onStatus(listener: (s: SyncStatus) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** MANIFEST_REPLY received on the current socket. */
  get connected(): boolean {
    return this.#frames?.ready ?? false
  }

  /** A reconnect is scheduled (false once stopped for good). */
  get retryScheduled(): boolean {
    return this.#retryTimer !== null
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
    if (this.#retryTimer !== null) this.#timers.clear(this.#retryTimer)
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
    const f = this.#frames
    if (!f?.ready) return
    this.#enqueue(() => f.sendNext(householdId))
  }

  /**
   * Go back to the server's value of a household (after a refusal): its local edits are dropped and, when connected,
   * its state is fetched again from empty (step1 with an empty state vector, then HEAD).
   */
  discardLocal(householdId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#enqueue(async () => {
        try {
          await this.#o.store.discardLocal(householdId)
          await this.#frames?.refetch(householdId)
          resolve()
        } catch (e) {
          reject(e) // the household is still on screen, or storage failed: the user is told; the socket stays
        }
      })
    })
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
    let socket: SessionSocket
    try {
      socket = this.#o.createSocket(this.#o.url())
    } catch {
      this.#afterClose(CloseCode.NETWORK_LOST)
      return
    }
    socket.binaryType = 'arraybuffer'
    this.#socket = socket
    const frames = new SessionFrames({
      store: this.#o.store,
      send: (bytes) => this.#sendBytes(socket, bytes),
      now: () => this.#now(),
      status: () => this.status,
      setStatus: (patch) => this.#setStatus(patch),
      armWatchdog: () => this.#armWatchdog(),
      resetBackoff: () => this.#backoff.reset(),
      retryLater: (id) =>
        this.#timers.set(() => this.notifyOutbox(id), this.#o.retryDelay?.() ?? 3000 + Math.random() * 5000),
    })
    this.#frames = frames
    let opened = false
    socket.onopen = () => {
      if (this.#socket !== socket) return
      opened = true
      this.#sendBytes(
        socket,
        encodeMessage({
          type: 'hello',
          protocol: PROTOCOL_VERSION,
          deviceId: this.#o.deviceId,
          appVersion: this.#o.appVersion,
        }),
      )
      this.#armWatchdog()
      this.#enqueue(() => frames.opened())
    }
    // Messages that arrive while earlier ones are being stored wait here, and the next turn of the chain takes all of
    // them: frames mean what they mean one by one (P9), so one store transaction can hold several BATCHes (a
    // bootstrap comes in slices; a phone's storage commits are what cost, not the frames).
    let arrived: Uint8Array[] = []
    socket.onmessage = (ev) => {
      if (this.#socket !== socket) return
      const bytes = toBytes(ev.data)
      if (!bytes) return
      this.#o.onReceive?.(bytes)
      arrived.push(bytes)
      if (arrived.length > 1) return // a turn is already queued; it takes this message too
      this.#enqueue(() => {
        const taken = arrived
        arrived = []
        return this.#receive(socket, frames, taken)
      })
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
    this.#frames?.close()
    this.#frames = null
    this.#disarmWatchdog()
    if (!this.#running) return
    if (!shouldReconnect(code)) {
      const stopReason: StopReason =
        code === CloseCode.UNAUTHENTICATED ? 'unauthenticated' : code === CloseCode.VERSION ? 'version' : 'forbidden'
      this.#running = false
      this.#setStatus({ phase: 'stopped', stopReason, remaining: 0, total: 0 })
      return
    }
    this.#setStatus({
      phase: this.#o.isOnline && !this.#o.isOnline() ? 'offline' : 'connecting',
      remaining: 0,
      total: 0,
    })
    this.#scheduleRetry()
  }

  #scheduleRetry(): void {
    if (this.#retryTimer !== null) this.#timers.clear(this.#retryTimer)
    this.#retryTimer = this.#timers.set(() => {
      this.#retryTimer = null
      this.#connect()
    }, this.#backoff.next())
  }

  #dropSocket(code: number): void {
    const s = this.#socket
    this.#socket = null
    this.#frames?.close()
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
    if (this.#retryTimer !== null) this.#timers.clear(this.#retryTimer)
    this.#retryTimer = null
    this.#disarmWatchdog()
  }

  /** A silent half-open socket (weak networks) is closed after responseTimeoutMs without an expected answer. */
  #armWatchdog(): void {
    this.#disarmWatchdog()
    const ms = this.#o.responseTimeoutMs ?? 30_000
    this.#watchdog = this.#timers.set(() => {
      this.#watchdog = null
      if (!this.#socket) return
      const f = this.#frames
      if (f?.ready && !f.awaitingAck()) {
        // Only HEADs are missing (e.g. a household the server could not bootstrap): stop waiting for them; the next
        // manifest asks again. Reconnecting here would loop forever on the same household.
        f.giveUpHeads()
        return
      }
      this.#dropSocket(CloseCode.RESPONSE_TIMEOUT)
      this.#afterClose(CloseCode.RESPONSE_TIMEOUT)
    }, ms)
  }

  #disarmWatchdog(): void {
    if (this.#watchdog !== null) this.#timers.clear(this.#watchdog)
    this.#watchdog = null
  }

  #sendBytes(socket: SessionSocket, bytes: Uint8Array): void {
    if (this.#socket !== socket || socket.readyState !== SOCKET_OPEN) return
    this.#o.onSend?.(bytes)
    socket.send(bytes)
  }

  #enqueue(task: () => Promise<void>): void {
    this.#chain = this.#chain.then(task).catch((e: unknown) => {
      // Storage failed (quota, IndexedDB closed): keep everything, drop the socket, retry later.
      this.#setStatus({ lastError: e instanceof Error ? e.message : String(e) })
      if (this.#socket) {
        this.#dropSocket(CloseCode.NORMAL)
        this.#afterClose(CloseCode.INTERNAL_ERROR)
      }
    })
  }

  /** Handles the messages that arrived since the last turn, in order, as one list (stored together). */
  async #receive(socket: SessionSocket, frames: SessionFrames, received: readonly Uint8Array[]): Promise<void> {
    const messages: SyncMessage[] = []
    for (const bytes of received) {
      const incoming = await readIncoming(bytes, this.#o.inflate)
      if (this.#socket !== socket) return
      if (!incoming.ok) {
        // Nothing of this turn is stored: the socket drops and the manifest asks again for what is missing.
        this.#setStatus({ lastError: incoming.code })
        this.#dropSocket(CloseCode.PROTOCOL_ERROR)
        this.#afterClose(CloseCode.PROTOCOL_ERROR)
        return
      }
      for (const m of incoming.messages) messages.push(m)
    }
    if (this.#o.onMessage) for (const m of messages) this.#o.onMessage(m)
    await frames.handle(messages)
    // Any frame shows the connection is alive: restart the silence timer while answers are still due.
    if (frames.expectingAnswer()) this.#armWatchdog()
    else this.#disarmWatchdog()
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
