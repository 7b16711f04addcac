// /sync clients for the server's integration tests: `connectDevice` is a whole device (the shared session core over
// `ws` with in-memory storage); `SyncClient` is a frame-level driver (prepared updates in, ACKs out, raw and malformed
// frames) that counts frames and bytes both ways so tests can assert what a reconnect exchanged.
import { inflateRawSync } from 'node:zlib'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { Backoff } from '../../shared/sync/backoff.ts'
import { MemorySessionStore } from '../../shared/sync/memory-store.ts'
import { SyncSession, type SyncStatus } from '../../shared/sync/session.ts'
import { batchBody, batchFrames, type SessionSocket } from '../../shared/sync/session-socket.ts'
import {
  CloseCode,
  decodeMessage,
  docSyncStep1,
  docUpdate,
  encodeMessage,
  PROTOCOL_VERSION,
  readDocPayload,
  type AckMessage,
  type ConflictMessage,
  type ErrorMessage,
  type ManifestReplyMessage,
  type SyncMessage,
  type WelcomeMessage,
} from '../../shared/sync/protocol.ts'

export interface SyncClientOptions {
  /** Server base, http://host:port or ws://host:port. */
  url: string
  token: string
  deviceId?: string
  /** Keep received step2/update bytes in `updates` (default true; a simulator of many devices may turn it off). */
  retainUpdates?: boolean
  /** Called for every decoded message (frames inside a BATCH one by one). */
  onMessage?: (m: SyncMessage) => void
}

export interface Traffic {
  framesIn: number
  framesOut: number
  bytesIn: number
  bytesOut: number
  /** Message types in arrival order (a BATCH counts once, as 'batch'). */
  typesIn: string[]
  typesOut: string[]
  /** Inflated size (bytes) of each compressed BATCH received, in arrival order. */
  batchesIn: number[]
}

type Pending = { kind: 'update' | 'step1'; resolve: (m: SyncMessage) => void }

export class SyncClient {
  readonly traffic: Traffic = {
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    typesIn: [],
    typesOut: [],
    batchesIn: [],
  }
  /** Server state per household as received (step2s and fan-out updates, in order), and the last HEAD. */
  readonly updates = new Map<string, Uint8Array[]>()
  readonly heads = new Map<string, number>()
  readonly conflicts: ConflictMessage[] = []
  readonly errors: ErrorMessage[] = []
  closeCode: number | null = null
  private readonly pending = new Map<string, Pending[]>()
  private waiters: { test: (m: SyncMessage) => boolean; resolve: (m: SyncMessage) => void }[] = []
  private readonly closedPromise: Promise<number>

  private constructor(
    private readonly ws: WebSocket,
    readonly deviceId: string,
    private readonly opts: SyncClientOptions,
  ) {
    ws.binaryType = 'nodebuffer'
    ws.on('message', (data: Buffer) => this.onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)))
    this.closedPromise = new Promise((ok) =>
      ws.on('close', (code) => {
        this.closeCode = code
        ok(code)
      }),
    )
  }

  static async connect(opts: SyncClientOptions): Promise<SyncClient> {
    const base = opts.url.replace(/^http/, 'ws')
    const ws = new WebSocket(`${base}/sync?token=${encodeURIComponent(opts.token)}`, { perMessageDeflate: false })
    await new Promise<void>((ok, fail) => {
      ws.once('open', () => ok())
      ws.once('error', fail)
      ws.once('unexpected-response', (_req, res) => fail(new Error(`upgrade refused: HTTP ${res.statusCode}`)))
    })
    return new SyncClient(ws, opts.deviceId ?? `device-${Math.random().toString(36).slice(2, 10)}`, opts)
  }

  /** HELLO → WELCOME. */
  async hello(protocol: number = PROTOCOL_VERSION): Promise<WelcomeMessage | ErrorMessage> {
    const answer = this.next((m) => m.type === 'welcome' || (m.type === 'error' && m.householdId === undefined))
    this.send({ type: 'hello', protocol, deviceId: this.deviceId, appVersion: 'test-client' })
    return (await answer) as WelcomeMessage | ErrorMessage
  }

  /** MANIFEST → MANIFEST_REPLY; then waits until every `added` household has its step2 + HEAD. */
  async manifest(entries: [string, number][]): Promise<ManifestReplyMessage> {
    const answer = this.next((m) => m.type === 'manifest-reply')
    this.send({ type: 'manifest', entries })
    const reply = (await answer) as ManifestReplyMessage
    const waiting = new Set(reply.added.map(([id]) => id).filter((id) => !this.heads.has(id)))
    if (waiting.size > 0) {
      await this.next((m) => {
        if (m.type === 'head') waiting.delete(m.householdId)
        return waiting.size === 0
      })
    }
    return reply
  }

  /** DOC update → the ACK or household-scoped ERROR answering it. */
  sendUpdate(householdId: string, update: Uint8Array): Promise<AckMessage | ErrorMessage> {
    return this.expect(householdId, 'update', docUpdate(householdId, update)) as Promise<AckMessage | ErrorMessage>
  }

  /** DOC updates in one uncompressed BATCH (as a reconnecting phone sends its outbox) → each one's ACK or ERROR. */
  sendUpdates(updates: readonly [string, Uint8Array][]): Promise<AckMessage | ErrorMessage>[] {
    const answers = updates.map(
      ([householdId]) =>
        new Promise<SyncMessage>((resolve) => {
          let q = this.pending.get(householdId)
          if (!q) this.pending.set(householdId, (q = []))
          q.push({ kind: 'update', resolve })
        }),
    )
    const frames = updates.map(([householdId, update]) => encodeMessage(docUpdate(householdId, update)))
    this.send({ type: 'batch', compressed: false, frames })
    return answers as Promise<AckMessage | ErrorMessage>[]
  }

  /** DOC step1 → resolves with the HEAD (the step2 is in `updates`) or the ERROR. */
  step1(householdId: string, stateVector: Uint8Array): Promise<SyncMessage> {
    return this.expect(householdId, 'step1', docSyncStep1(householdId, stateVector))
  }

  /** Send any frame as is (tests of malformed input). */
  sendRaw(bytes: Uint8Array): void {
    this.traffic.framesOut++
    this.traffic.bytesOut += bytes.length
    this.traffic.typesOut.push('raw')
    this.ws.send(bytes)
  }

  send(m: SyncMessage): void {
    const bytes = encodeMessage(m)
    this.traffic.framesOut++
    this.traffic.bytesOut += bytes.length
    this.traffic.typesOut.push(m.type)
    this.ws.send(bytes)
  }

  /** Resolves with the first message (from now on) that passes `test`. */
  next(test: (m: SyncMessage) => boolean, timeoutMs = 20_000): Promise<SyncMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a message')), timeoutMs)
      this.waiters.push({
        test,
        resolve: (m) => {
          clearTimeout(timer)
          resolve(m)
        },
      })
    })
  }

  closed(): Promise<number> {
    return this.closedPromise
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(CloseCode.NORMAL)
    await this.closedPromise
  }

  private expect(householdId: string, kind: Pending['kind'], m: SyncMessage): Promise<SyncMessage> {
    return new Promise((resolve) => {
      let q = this.pending.get(householdId)
      if (!q) this.pending.set(householdId, (q = []))
      q.push({ kind, resolve })
      this.send(m)
    })
  }

  private settle(householdId: string, kind: Pending['kind'] | null, m: SyncMessage): void {
    const q = this.pending.get(householdId)
    if (!q) return
    const i = kind === null ? 0 : q.findIndex((p) => p.kind === kind)
    if (i < 0 || i >= q.length) return
    const [p] = q.splice(i, 1)
    p?.resolve(m)
  }

  private onFrame(bytes: Uint8Array): void {
    this.traffic.framesIn++
    this.traffic.bytesIn += bytes.length
    const decoded = decodeMessage(bytes)
    if (!decoded.ok) throw new Error(`server sent an undecodable frame: ${decoded.reason}`)
    this.traffic.typesIn.push(decoded.message.type)
    this.dispatch(decoded.message)
  }

  private dispatch(m: SyncMessage): void {
    switch (m.type) {
      case 'batch': {
        let inner
        if (m.compressed) {
          const body = new Uint8Array(inflateRawSync(m.deflated))
          this.traffic.batchesIn.push(body.length)
          inner = batchBody(body)
        } else inner = batchFrames(m.frames)
        if (!inner.ok) throw new Error(`server sent a bad BATCH: ${inner.reason}`)
        for (const message of inner.messages) this.dispatch(message)
        return
      }
      case 'doc': {
        const p = readDocPayload(m.payload)
        if ((p.kind === 'step2' || p.kind === 'update') && this.opts.retainUpdates !== false) {
          let list = this.updates.get(m.householdId)
          if (!list) this.updates.set(m.householdId, (list = []))
          list.push(p.update)
        }
        break
      }
      case 'state': {
        // A bootstrap full state in Yjs V2 (P14): kept as the V1 bytes a step2 would have carried.
        if (this.opts.retainUpdates !== false) {
          let list = this.updates.get(m.householdId)
          if (!list) this.updates.set(m.householdId, (list = []))
          list.push(Y.convertUpdateFormatV2ToV1(m.updateV2))
        }
        break
      }
      case 'head':
        this.heads.set(m.householdId, m.serverSeq)
        this.settle(m.householdId, 'step1', m)
        break
      case 'ack':
        this.heads.set(m.householdId, Math.max(this.heads.get(m.householdId) ?? 0, m.serverSeq))
        this.settle(m.householdId, 'update', m)
        break
      case 'error':
        this.errors.push(m)
        if (m.householdId !== undefined) this.settle(m.householdId, null, m)
        break
      case 'conflict':
        this.conflicts.push(m)
        break
    }
    this.opts.onMessage?.(m)
    const ready = this.waiters.filter((w) => w.test(m))
    if (ready.length > 0) {
      this.waiters = this.waiters.filter((w) => !ready.includes(w))
      for (const w of ready) w.resolve(m)
    }
  }
}

export interface TestDevice {
  session: SyncSession
  store: MemorySessionStore
  /** Resolves once the session's status passes `test` (now or later); rejects after 20 s with the status. */
  until(test: (s: SyncStatus) => boolean, what: string): Promise<void>
  stop(): void
}

/** A device running the shared session core against `url` (http://host:port) with in-memory storage. */
export function connectDevice(opts: {
  url: string
  token: string
  deviceId?: string
  store?: MemorySessionStore
  /** Delay before an edit refused with a retryable ERROR is resent (the session's default is 3–8 s). */
  retryDelay?: () => number
}): TestDevice {
  const store = opts.store ?? new MemorySessionStore()
  const base = opts.url.replace(/^http/, 'ws')
  const session = new SyncSession({
    url: () => `${base}/sync?token=${encodeURIComponent(opts.token)}`,
    createSocket: (url) => new WebSocket(url, { perMessageDeflate: false }) as unknown as SessionSocket,
    store,
    deviceId: opts.deviceId ?? `device-${Math.random().toString(36).slice(2, 10)}`,
    appVersion: 'test-device',
    inflate: (bytes) => new Uint8Array(inflateRawSync(bytes)),
    backoff: new Backoff({ baseMs: 20, capMs: 200 }),
    ...(opts.retryDelay ? { retryDelay: opts.retryDelay } : {}),
  })
  const until = (test: (s: SyncStatus) => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (test(session.status)) return resolve()
      const timer = setTimeout(() => {
        off()
        reject(new Error(`timed out waiting for ${what}; status ${JSON.stringify(session.status)}`))
      }, 20_000)
      const off = session.onStatus((s) => {
        if (!test(s)) return
        clearTimeout(timer)
        off()
        resolve()
      })
    })
  session.start()
  return { session, store, until, stop: () => session.stop() }
}
