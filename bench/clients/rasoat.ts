// A rasoat phone speaking sync protocol v1 (docs/sync-protocol.md) with the team's codec: HELLO, MANIFEST with
// the last serverSeq per household, DOC step1/step2/update, one ACK per update, HEAD, BATCH of STATE (V2) bootstrap.

import { inflateRawSync } from 'node:zlib'
import WebSocket from 'ws'
import * as Y from 'yjs'
import {
  PROTOCOL_VERSION,
  decodeMessage,
  docSyncStep1,
  docUpdate,
  encodeMessage,
  readDocPayload,
  unpackFrames,
  type SyncMessage,
} from '../../shared/sync/protocol.ts'
import { Device, type DeviceOptions } from './device.ts'

export class RasoatDevice extends Device {
  private ws: WebSocket | null = null
  /** household → last serverSeq this phone holds (HEAD / ACK). */
  readonly seq = new Map<string, number>()
  private welcomed = false
  private manifestDone = false
  /** Households the server said changed or added, for which we await a step2. */
  private readonly waiting = new Set<string>()
  conflictsSeen = 0

  constructor(o: DeviceOptions) {
    super(o)
  }

  override learnFrom(other: Device): void {
    super.learnFrom(other)
    if (other instanceof RasoatDevice) for (const [id, s] of other.seq) this.seq.set(id, s)
  }

  private send(m: SyncMessage): void {
    const bytes = encodeMessage(m)
    this.count('out', bytes.length)
    this.ws?.send(bytes)
  }

  async connect(timeoutMs: number): Promise<void> {
    this.newSession()
    this.welcomed = false
    this.manifestDone = false
    const sep = this.url.includes('?') ? '&' : '?'
    const ws = new WebSocket(`${this.url}${sep}token=${encodeURIComponent(this.token ?? '')}`, { perMessageDeflate: false })
    ws.binaryType = 'nodebuffer'
    this.ws = ws
    this.stats.sockets++
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    this.connected = true
    ws.on('message', (data: Buffer) => this.onFrame(new Uint8Array(data.buffer, data.byteOffset, data.length), true))
    ws.on('error', () => this.errors++)
    ws.on('close', () => {
      this.connected = false
    })
    this.send({ type: 'hello', protocol: PROTOCOL_VERSION, deviceId: this.name, appVersion: 'bench' })
    const entries: [string, number][] = []
    for (const [id, s] of this.seq) entries.push([id, s])
    this.send({ type: 'manifest', entries })
    const end = Date.now() + timeoutMs
    while (!this.manifestDone || this.waiting.size > 0) {
      if (!this.connected) throw new Error(`${this.name}: connection closed during sync`)
      if (Date.now() > end) throw new Error(`${this.name}: not synced after ${timeoutMs} ms (${this.waiting.size} households waiting)`)
      await new Promise((r) => setTimeout(r, 5))
    }
  }

  private onFrame(bytes: Uint8Array, counted: boolean): void {
    if (counted) this.count('in', bytes.length)
    const r = decodeMessage(bytes, counted ? {} : { insideBatch: true })
    if (!r.ok) {
      this.errors++
      return
    }
    this.onMessage(r.message)
  }

  private onMessage(m: SyncMessage): void {
    switch (m.type) {
      case 'welcome':
        this.welcomed = true
        break
      case 'manifest-reply': {
        // `added`: the server bootstraps them unasked (deflated BATCH of step2 + HEAD); we only wait for their HEADs.
        for (const [id] of m.added) {
          this.waiting.add(id)
          if (!this.households.includes(id)) this.households.push(id)
        }
        // `changed`, and households with local (offline) edits: step1, then the outbox as one update.
        const ask = new Set<string>([...m.changed.map(([id]) => id), ...this.offline.keys()])
        for (const id of ask) {
          this.waiting.add(id)
          this.send(docSyncStep1(id, this.stateVector(id)))
        }
        for (const [id, q] of this.offline) {
          if (q.length === 0) continue
          this.sendUpdate(id, q.length === 1 ? (q[0] as Uint8Array) : Y.mergeUpdates(q), null)
        }
        this.offline.clear()
        for (const id of this.households) if (!this.waiting.has(id)) this.synced.add(id)
        this.manifestDone = true
        break
      }
      case 'doc': {
        const p = readDocPayload(m.payload)
        if (p.kind === 'step2') {
          this.received(m.householdId, p.update, true)
        } else if (p.kind === 'update') {
          this.received(m.householdId, p.update, false)
        }
        break
      }
      case 'state':
        // Bootstrap of a household new to the phone: its full state in Yjs V2, handled like a step2 (P14).
        this.received(m.householdId, m.updateV2, true, true)
        break
      case 'head':
        this.seq.set(m.householdId, Math.max(this.seq.get(m.householdId) ?? 0, m.serverSeq))
        if (this.waiting.delete(m.householdId)) this.synced.add(m.householdId)
        break
      case 'ack':
        this.seq.set(m.householdId, Math.max(this.seq.get(m.householdId) ?? 0, m.serverSeq))
        this.acked(m.householdId)
        break
      case 'error':
        this.errors++
        if (m.householdId !== undefined) this.acked(m.householdId)
        if (this.errors <= 3) process.stderr.write(`${this.name}: ${m.code} ${m.message}\n`)
        break
      case 'conflict':
        this.conflictsSeen++
        break
      case 'batch': {
        const body = m.compressed ? new Uint8Array(inflateRawSync(m.deflated)) : null
        const frames = body ? unpackFrames(body) : { ok: true as const, frames: m.compressed ? [] : m.frames }
        if (!frames.ok) {
          this.errors++
          break
        }
        for (const f of frames.frames) this.onFrame(f, false)
        break
      }
      default:
        break
    }
  }

  sendUpdate(id: string, update: Uint8Array, sentAt: number | null): void {
    this.send(docUpdate(id, update))
    this.expectAck(id, sentAt, update)
  }

  async close(): Promise<void> {
    const ws = this.ws
    this.connected = false
    if (!ws || ws.readyState === WebSocket.CLOSED) return
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve())
      ws.terminate()
    })
  }
}

