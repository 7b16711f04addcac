// A rasoat phone in the benchmark: the shared /sync session core (shared/sync/session.ts, the code the phone runs)
// over `ws`, with in-memory storage that applies every household into a Y.Doc and stores it, as a phone does (a
// bootstrap STATE is kept as it came, as the phone's inbox keeps it), or, in 'wire' mode, only keeps the bytes as
// they came: what the server alone costs.

import { inflateRawSync } from 'node:zlib'
import WebSocket from 'ws'
import { Backoff } from '../../shared/sync/backoff.ts'
import * as Y from 'yjs'
import { MemorySessionStore, type MemoryStoreHooks } from '../../shared/sync/memory-store.ts'
import type { RemoteUpdate } from '../../shared/sync/session-store.ts'
import { SyncSession, type SyncStatus } from '../../shared/sync/session.ts'
import type { SessionSocket } from '../../shared/sync/session-socket.ts'
import type { SyncMessage } from '../../shared/sync/protocol.ts'
import { Device, type DeviceOptions } from './device.ts'

/**
 * The 'wire' phone (W3's server-only time): keeps what arrives as bytes, without applying it into a Y.Doc. Live
 * documents (the edited ones) still get every update.
 */
class WireOnlyStore extends MemorySessionStore {
  constructor(private readonly wireHooks: MemoryStoreHooks) {
    super(wireHooks)
  }

  override async persistRemote(updates: RemoteUpdate[]): Promise<void> {
    for (const u of updates) {
      const v2 = u.v2 === true
      const live = this.wireHooks.docOf?.(u.householdId) ?? this.docs.get(u.householdId)
      if (live) (v2 ? Y.applyUpdateV2 : Y.applyUpdate)(live, u.update, this.wireHooks.remoteOrigin)
      else {
        const stored = this.stateOf(u.householdId)
        if (!stored) this.keepState(u.householdId, u.update, v2)
        else
          this.keepState(
            u.householdId,
            Y.mergeUpdates([stored, v2 ? Y.convertUpdateFormatV2ToV1(u.update) : u.update]),
            false,
          )
      }
      this.wireHooks.onRemote?.(u.householdId, u.update, v2)
    }
  }
}

export class RasoatDevice extends Device {
  readonly store: MemorySessionStore
  private session: SyncSession | null = null
  conflictsSeen = 0

  constructor(o: DeviceOptions) {
    super(o)
    const hooks: MemoryStoreHooks = {
      remoteOrigin: 'remote', // what Device's live docs skip when they collect local edits
      docOf: (id) => this.live.get(id),
      knownStateVector: (id) => this.knownSv.get(id),
      // Listeners get V1; a bootstrap STATE is converted only for one that listens.
      onRemote: (id, update, v2) => {
        const listener = this.events.onRemote
        if (listener) listener(this, id, v2 ? Y.convertUpdateFormatV2ToV1(update) : update)
      },
      onAcked: (id, seqs) => {
        for (let i = 0; i < seqs.length; i++) this.acked(id)
      },
    }
    // 'store' is the phone's path: every STATE / step2 / update applied into a Y.Doc and the state kept.
    this.store = this.apply === 'wire' ? new WireOnlyStore(hooks) : new MemorySessionStore(hooks)
  }

  /** household → last serverSeq this phone holds (HEAD / ACK). */
  get seq(): Map<string, number> {
    return this.store.seqs
  }

  override learnFrom(other: Device): void {
    super.learnFrom(other)
    if (!(other instanceof RasoatDevice)) return
    for (const [id, s] of other.seq) this.seq.set(id, s)
    // A phone restored from the same backup holds the same states: their state vectors stand for them.
    for (const id of other.seq.keys()) this.knownSv.set(id, other.store.currentStateVector(id))
  }

  override storedHouseholds(): number {
    return new Set([...this.store.states.keys(), ...this.store.docs.keys(), ...this.live.keys()]).size
  }

  async connect(timeoutMs: number): Promise<void> {
    this.synced.clear()
    this.stats.sockets++
    // Edits made offline go to the outbox; the session sends them after the manifest (each one ACKed).
    for (const [id, q] of this.offline) for (const u of q) this.queue(id, u, null)
    this.offline.clear()
    const session = new SyncSession({
      url: () => `${this.url}${this.url.includes('?') ? '&' : '?'}token=${encodeURIComponent(this.token ?? '')}`,
      createSocket: (url) => new WebSocket(url, { perMessageDeflate: false }) as unknown as SessionSocket,
      store: this.store,
      deviceId: this.name,
      appVersion: 'bench',
      inflate: (bytes) => new Uint8Array(inflateRawSync(bytes)),
      backoff: new Backoff({ baseMs: 200, capMs: 5_000 }),
      onSend: (bytes) => this.count('out', bytes.length),
      onReceive: (bytes) => this.count('in', bytes.length),
      onMessage: (m) => this.observe(m),
    })
    this.session = session
    const done = (s: SyncStatus): boolean => s.phase === 'synced' || s.phase === 'refused' || s.phase === 'stopped'
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        off()
        reject(
          new Error(`${this.name}: not synced after ${timeoutMs} ms (${session.status.remaining} households waiting)`),
        )
      }, timeoutMs)
      const off = session.onStatus((s) => {
        if (!done(s)) return
        clearTimeout(timer)
        off()
        if (s.phase === 'stopped') reject(new Error(`${this.name}: sync stopped (${s.stopReason ?? s.lastError})`))
        else resolve()
      })
      session.start()
    })
    for (const id of this.households) this.synced.add(id)
  }

  /** What the benchmark counts besides the session's own work: households, HEADs, errors, conflicts. */
  private observe(m: SyncMessage): void {
    switch (m.type) {
      case 'manifest-reply': {
        for (const [id] of m.added) if (!this.households.includes(id)) this.households.push(id)
        this.connected = true
        const waiting = new Set([...m.added, ...m.changed].map(([id]) => id))
        for (const id of this.households) if (!waiting.has(id)) this.synced.add(id)
        break
      }
      case 'head':
        this.synced.add(m.householdId)
        break
      case 'error':
        this.errors++
        if (this.errors <= 3) process.stderr.write(`${this.name}: ${m.code} ${m.message}\n`)
        break
      case 'conflict':
        this.conflictsSeen++
        break
      default:
        break
    }
  }

  private queue(id: string, update: Uint8Array, sentAt: number | null): void {
    this.store.addLocal(id, update)
    this.expectAck(id, sentAt, update)
  }

  sendUpdate(id: string, update: Uint8Array, sentAt: number | null): void {
    this.queue(id, update, sentAt)
    this.session?.notifyOutbox(id)
  }

  async close(): Promise<void> {
    this.session?.stop()
    this.session = null
    this.connected = false
  }
}
