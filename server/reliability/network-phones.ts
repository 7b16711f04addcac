// Phones for the network-fault suite: the real /sync session core over `ws` with in-memory storage injected, whose
// every ACK (and every "synced" status) is checked against the server's committed documents at that very moment.
import { inflateRawSync } from 'node:zlib'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { Backoff } from '../../shared/sync/backoff.ts'
import { MemorySessionStore } from '../../shared/sync/memory-store.ts'
import { SyncSession } from '../../shared/sync/session.ts'
import type { SessionSocket } from '../../shared/sync/session-socket.ts'
import type { DocStore } from '../store/doc-store.ts'

/** Whether the committed document holds every item of `update` (its state vector covers the update's). */
export function committedHolds(docStore: DocStore, householdId: string, update: Uint8Array): boolean {
  const state = docStore.readState(householdId)
  if (!state) return false
  const server = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state))
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update)))
    if ((server.get(client) ?? 0) < clock) return false
  return true
}

/** One edit a phone made: its outbox entry and its bytes. */
interface MadeEdit {
  householdId: string
  seq: number
  update: Uint8Array
}

export class FaultPhone {
  readonly store: MemorySessionStore
  readonly session: SyncSession
  /** Edits the phone showed as synced while the server's committed document lacked them (must stay empty). */
  readonly falseSynced: string[] = []
  readonly #edits: MadeEdit[] = []
  readonly #checked = new Set<number>()

  constructor(
    readonly name: string,
    opts: { url: string; token: string; docStore: DocStore; responseTimeoutMs: number },
  ) {
    const base = opts.url.replace(/^http/, 'ws')
    const check = (e: MadeEdit, when: string): void => {
      if (this.#checked.has(e.seq)) return
      this.#checked.add(e.seq)
      if (!committedHolds(opts.docStore, e.householdId, e.update))
        this.falseSynced.push(`${name} ${when} edit ${e.seq} of ${e.householdId}`)
    }
    this.store = new MemorySessionStore({
      onAcked: (householdId, seqs) => {
        for (const e of this.#edits) if (e.householdId === householdId && seqs.includes(e.seq)) check(e, 'ACKed')
      },
    })
    this.session = new SyncSession({
      url: () => `${base}/sync?token=${encodeURIComponent(opts.token)}`,
      createSocket: (url) => new WebSocket(url, { perMessageDeflate: false }) as unknown as SessionSocket,
      store: this.store,
      deviceId: name,
      appVersion: 'network-faults',
      inflate: (bytes) => new Uint8Array(inflateRawSync(bytes)),
      backoff: new Backoff({ baseMs: 20, capMs: 300 }),
      responseTimeoutMs: opts.responseTimeoutMs,
      retryDelay: () => 50,
    })
    this.session.onStatus((s) => {
      if (s.phase !== 'synced') return
      const waiting = new Set([...this.store.outbox.values()].flat().map((e) => e.seq))
      for (const e of this.#edits) if (!waiting.has(e.seq)) check(e, 'synced')
    })
  }

  start(): void {
    this.session.start()
  }

  /** A local edit through the household's live document, queued and announced to the session as the app does. */
  edit(householdId: string, change: (doc: Y.Doc) => void): boolean {
    const update = this.store.edit(householdId, change)
    if (!update) return false
    const seq = this.store.outbox.get(householdId)!.at(-1)!.seq
    this.#edits.push({ householdId, seq, update })
    this.session.notifyOutbox(householdId)
    return true
  }

  get edits(): number {
    return this.#edits.length
  }

  /** Edits of this phone the server's committed documents do not hold. */
  lost(docStore: DocStore): number {
    return this.#edits.filter((e) => !committedHolds(docStore, e.householdId, e.update)).length
  }

  /** Nothing waits in the outbox and the session says synced on a live connection. */
  settled(): boolean {
    return this.store.unsynced() === 0 && this.session.connected && this.session.status.phase === 'synced'
  }

  stop(): void {
    this.session.stop()
  }
}
