// What every simulated phone has in common, whichever server it talks to: the households it holds, a few live
// Y.Docs it edits, an outbox of unacknowledged updates, and counters of frames and bytes on the wire.

import * as Y from 'yjs'
import { YoungDoc } from '../../shared/doc/young-transactions.ts'

export interface WireStats {
  framesIn: number
  framesOut: number
  bytesIn: number
  bytesOut: number
  sockets: number
}

export function emptyStats(): WireStats {
  return { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, sockets: 0 }
}

export interface DeviceEvents {
  /** A remote update (or step2) for a household arrived. */
  onRemote?(device: Device, id: string, update: Uint8Array): void
  /** The server acknowledged one update this device sent (rasoat ACK, Hocuspocus SyncStatus). */
  onAck?(device: Device, id: string, sentAt: number | null, update: Uint8Array | null): void
}

export interface DeviceOptions {
  url: string
  name: string
  households: readonly string[]
  /** Known state vectors (a warm device holds the corpus version); absent = cold device. */
  knownSv?: Map<string, Uint8Array>
  /**
   * 'store' (default): every household received is applied into a Y.Doc and its state kept, as a phone does
   * (IndexedDB; the peers' phones keep the state Yjs encodes, rasoat's keeps a bootstrap STATE as it came).
   * 'wire': the bytes are only counted and the state vector noted — what the server alone costs (W3).
   */
  apply?: ApplyMode
  token?: string
  events?: DeviceEvents
}

export type ApplyMode = 'store' | 'wire'

const EMPTY_SV = Y.encodeStateVector(new Y.Doc())

/** A phone's store step for a household it does not show: apply into a Y.Doc, keep the encoded state (V1). */
export function applyAndEncode(stored: Uint8Array | undefined, update: Uint8Array, v2 = false): Uint8Array {
  const doc = new Y.Doc({ guid: 'stored' }) // a random guid costs ~30 getRandomValues calls, which a phone does not pay
  if (stored) Y.applyUpdate(doc, stored, 'remote')
  if (v2) Y.applyUpdateV2(doc, update, 'remote')
  else Y.applyUpdate(doc, update, 'remote')
  const state = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return state
}

export abstract class Device {
  readonly name: string
  readonly url: string
  households: string[]
  readonly stats: WireStats = emptyStats()
  readonly live = new Map<string, Y.Doc>()
  /** Per household, updates awaiting an ack with their send time (sentAt null = handshake step2, not an edit). */
  readonly awaitingAck = new Map<string, { sentAt: number | null; update: Uint8Array | null }[]>()
  /** Updates made while offline, per household (sent on reconnect). */
  readonly offline = new Map<string, Uint8Array[]>()
  readonly synced = new Set<string>()
  /** Stored state (V1) of each household held without a live Y.Doc ('store' mode). */
  readonly stored = new Map<string, Uint8Array>()
  readonly apply: ApplyMode
  events: DeviceEvents
  protected knownSv: Map<string, Uint8Array>
  protected readonly token: string | undefined
  errors = 0
  connected = false

  constructor(o: DeviceOptions) {
    this.name = o.name
    this.url = o.url
    this.households = [...o.households]
    this.knownSv = o.knownSv ?? new Map()
    this.token = o.token
    this.events = o.events ?? {}
    this.apply = o.apply ?? 'store'
  }

  /** Keep a live Y.Doc for this household (edits, convergence checks); `state` is what the phone holds. */
  makeLive(id: string, state?: Uint8Array, clientID?: number): Y.Doc {
    const doc = new YoungDoc({ gc: true }) // as the phone's open household (client/storage)
    if (clientID !== undefined) doc.clientID = clientID
    if (state) Y.applyUpdate(doc, state, 'remote')
    this.stored.delete(id) // the live document holds the household from now on
    doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return
      if (this.connected && this.synced.has(id)) this.sendUpdate(id, u, performance.now())
      else {
        const q = this.offline.get(id) ?? []
        q.push(u)
        this.offline.set(id, q)
      }
    })
    this.live.set(id, doc)
    return doc
  }

  /** Take over what `other` knows of the server (a phone restored from the same backup): no bootstrap needed. */
  learnFrom(other: Device): void {
    for (const [id, sv] of other.knownSv) this.knownSv.set(id, sv)
    for (const [id, state] of other.stored) this.stored.set(id, state)
  }

  stateVector(id: string): Uint8Array {
    const doc = this.live.get(id)
    if (doc) return Y.encodeStateVector(doc)
    const stored = this.stored.get(id)
    if (stored) return Y.encodeStateVectorFromUpdate(stored)
    return this.knownSv.get(id) ?? EMPTY_SV
  }

  /** Diff of what this phone holds against the server's state vector (what a provider sends as step2). */
  protected diffFor(id: string, serverSv: Uint8Array): Uint8Array {
    const doc = this.live.get(id)
    if (doc) return Y.encodeStateAsUpdate(doc, serverSv)
    const q = this.offline.get(id)
    return q && q.length ? Y.mergeUpdates(q) : new Uint8Array([0, 0])
  }

  /** `v2`: the update is in Yjs format V2 (rasoat's bootstrap STATE); listeners always get V1. */
  protected received(id: string, update: Uint8Array, remember: boolean, v2 = false): void {
    const doc = this.live.get(id)
    if (doc) {
      if (v2) Y.applyUpdateV2(doc, update, 'remote')
      else Y.applyUpdate(doc, update, 'remote')
    } else if (this.apply === 'store') {
      this.stored.set(id, applyAndEncode(this.stored.get(id), update, v2))
    } else if (remember && !this.knownSv.has(id)) {
      this.knownSv.set(id, v2 ? Y.encodeStateVectorFromUpdateV2(update) : Y.encodeStateVectorFromUpdate(update))
    }
    if (this.events.onRemote) this.events.onRemote(this, id, v2 ? Y.convertUpdateFormatV2ToV1(update) : update)
  }

  protected expectAck(id: string, sentAt: number | null, update: Uint8Array | null): void {
    const entry = { sentAt, update }
    const q = this.awaitingAck.get(id)
    if (q) q.push(entry)
    else this.awaitingAck.set(id, [entry])
  }

  protected acked(id: string): void {
    const e = this.awaitingAck.get(id)?.shift()
    this.events.onAck?.(this, id, e?.sentAt ?? null, e?.update ?? null)
  }

  /** Households this phone holds a stored or live state of (W3 checks every bootstrapped one was stored). */
  storedHouseholds(): number {
    return new Set([...this.stored.keys(), ...this.live.keys()]).size
  }

  pendingAcks(): number {
    let n = 0
    for (const q of this.awaitingAck.values()) n += q.length
    return n
  }

  /** A new session: acks owed by the previous connection will never come (the outbox is resent instead). */
  protected newSession(): void {
    this.synced.clear()
    this.awaitingAck.clear()
  }

  protected count(dir: 'in' | 'out', bytes: number): void {
    if (dir === 'in') {
      this.stats.framesIn++
      this.stats.bytesIn += bytes
    } else {
      this.stats.framesOut++
      this.stats.bytesOut += bytes
    }
  }

  /** Open the connection(s) and sync every household; resolves when all are synced. */
  abstract connect(timeoutMs: number): Promise<void>
  /** Send one local update for a household (already online and synced). */
  abstract sendUpdate(id: string, update: Uint8Array, sentAt: number | null): void
  /** Close the connection(s). */
  abstract close(): Promise<void>
}
