// A y-websocket phone (y-websocket 3.1.0's protocol, without the provider): one socket per household at
// ws://host/<id>; step1 both ways on open, step2 answers, update messages; the server never acknowledges.

import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import { Device } from './device.ts'
import { mapLimit } from '../lib/stats.ts'

const MESSAGE_SYNC = 0
const MESSAGE_AUTH = 2
const SYNC_STEP1 = 0
const SYNC_STEP2 = 1
const SYNC_UPDATE = 2

function syncFrame(sub: number, bytes: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_SYNC)
  encoding.writeVarUint(e, sub)
  encoding.writeVarUint8Array(e, bytes)
  return encoding.toUint8Array(e)
}

export class YWebsocketDevice extends Device {
  private readonly sockets = new Map<string, WebSocket>()
  /** Sockets opened at once per device (Chrome caps a host at 255; we open them all, in flights of 64). */
  static concurrency = 64

  /** The household's socket address (y-websocket: the room name is the last path segment). */
  protected socketUrl(id: string): string {
    return `${this.url}/${id}`
  }

  private send(id: string, bytes: Uint8Array): void {
    const ws = this.sockets.get(id)
    if (!ws || ws.readyState !== WebSocket.OPEN) return
    this.count('out', bytes.length)
    ws.send(bytes)
  }

  async connect(timeoutMs: number): Promise<void> {
    this.newSession()
    this.connected = true
    const end = Date.now() + timeoutMs
    await mapLimit(this.households, YWebsocketDevice.concurrency, async (id) => {
      const ws = new WebSocket(this.socketUrl(id), { perMessageDeflate: false })
      ws.binaryType = 'nodebuffer'
      this.sockets.set(id, ws)
      this.stats.sockets++
      ws.on('message', (data: Buffer) => this.onMessage(id, new Uint8Array(data.buffer, data.byteOffset, data.length)))
      ws.on('error', () => this.errors++)
      // A socket the server closes while the phone is online is an error (rasoat /yjs: over budget, revoked).
      ws.on('close', () => {
        if (this.connected && this.sockets.get(id) === ws) this.errors++
      })
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve())
        ws.once('error', reject)
      })
      this.send(id, syncFrame(SYNC_STEP1, this.stateVector(id)))
      while (!this.synced.has(id)) {
        if (Date.now() > end) throw new Error(`${this.name}: ${id} not synced after ${timeoutMs} ms`)
        await new Promise((r) => setTimeout(r, 2))
      }
    })
  }

  private onMessage(id: string, bytes: Uint8Array): void {
    this.count('in', bytes.length)
    const d = decoding.createDecoder(bytes)
    const outer = decoding.readVarUint(d)
    if (outer === MESSAGE_AUTH) this.errors++ // y-protocols auth: permission denied (rasoat /yjs refusals)
    if (outer !== MESSAGE_SYNC) return // awareness, auth
    const sub = decoding.readVarUint(d)
    const payload = decoding.readVarUint8Array(d)
    if (sub === SYNC_STEP1) {
      const diff = this.diffFor(id, payload)
      this.offline.delete(id)
      this.send(id, syncFrame(SYNC_STEP2, diff))
    } else if (sub === SYNC_STEP2) {
      this.received(id, payload, true)
      this.synced.add(id)
    } else if (sub === SYNC_UPDATE) {
      this.received(id, payload, false)
    }
  }

  sendUpdate(id: string, update: Uint8Array): void {
    this.send(id, syncFrame(SYNC_UPDATE, update))
  }

  async close(): Promise<void> {
    this.connected = false
    const all = [...this.sockets.values()]
    this.sockets.clear()
    await Promise.all(
      all.map((ws) =>
        ws.readyState === WebSocket.CLOSED
          ? undefined
          : new Promise<void>((resolve) => {
              ws.once('close', () => resolve())
              ws.terminate()
            }),
      ),
    )
  }
}
