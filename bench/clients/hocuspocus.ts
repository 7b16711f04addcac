// A Hocuspocus phone as @hocuspocus/provider 3.4.4 speaks it, without the provider: one multiplexed socket,
// per household [name][type][…] with Auth (token), Sync (step1/step2/update), SyncReply and SyncStatus (the ack).

import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import { Device } from './device.ts'

const T = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  SyncReply: 4,
  Stateless: 5,
  Close: 7,
  SyncStatus: 8,
} as const
const SYNC_STEP1 = 0
const SYNC_STEP2 = 1
const SYNC_UPDATE = 2
const AUTH_TOKEN = 0

function frame(name: string, write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarString(e, name)
  write(e)
  return encoding.toUint8Array(e)
}

export class HocuspocusDevice extends Device {
  private ws: WebSocket | null = null

  private send(bytes: Uint8Array): void {
    this.count('out', bytes.length)
    this.ws?.send(bytes)
  }

  async connect(timeoutMs: number): Promise<void> {
    this.newSession()
    const ws = new WebSocket(this.url, { perMessageDeflate: false })
    ws.binaryType = 'nodebuffer'
    this.ws = ws
    this.stats.sockets++
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    this.connected = true
    ws.on('message', (data: Buffer) => this.onMessage(new Uint8Array(data.buffer, data.byteOffset, data.length)))
    ws.on('error', () => this.errors++)
    ws.on('close', () => {
      this.connected = false
    })
    // What the provider does per attached document: Auth(token), then SyncStep1 (queued by the server until auth).
    for (const id of this.households) {
      this.send(
        frame(id, (e) => {
          encoding.writeVarUint(e, T.Auth)
          encoding.writeVarUint(e, AUTH_TOKEN)
          encoding.writeVarString(e, this.token ?? 'bench')
        }),
      )
      const sv = this.stateVector(id)
      this.send(
        frame(id, (e) => {
          encoding.writeVarUint(e, T.Sync)
          encoding.writeVarUint(e, SYNC_STEP1)
          encoding.writeVarUint8Array(e, sv)
        }),
      )
    }
    const end = Date.now() + timeoutMs
    while (this.synced.size < this.households.length) {
      if (Date.now() > end)
        throw new Error(`${this.name}: ${this.synced.size}/${this.households.length} synced after ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 5))
    }
  }

  private onMessage(bytes: Uint8Array): void {
    this.count('in', bytes.length)
    const d = decoding.createDecoder(bytes)
    const id = decoding.readVarString(d)
    const type = decoding.readVarUint(d)
    switch (type) {
      case T.Sync:
      case T.SyncReply: {
        const sub = decoding.readVarUint(d)
        const payload = decoding.readVarUint8Array(d)
        if (sub === SYNC_STEP1) {
          // Answer the server's step1 with what we have that it lacks (the provider does this; it is acked).
          const diff = this.diffFor(id, payload)
          this.offline.delete(id)
          this.send(
            frame(id, (e) => {
              encoding.writeVarUint(e, T.Sync)
              encoding.writeVarUint(e, SYNC_STEP2)
              encoding.writeVarUint8Array(e, diff)
            }),
          )
          this.expectAck(id, null, diff)
        } else if (sub === SYNC_STEP2) {
          this.received(id, payload, true)
          this.synced.add(id)
        } else if (sub === SYNC_UPDATE) {
          this.received(id, payload, false)
        }
        break
      }
      case T.SyncStatus:
        this.acked(id)
        break
      case T.Auth: {
        const sub = decoding.readVarUint(d)
        if (sub !== 2) this.errors++ // PermissionDenied
        break
      }
      default:
        break
    }
  }

  sendUpdate(id: string, update: Uint8Array, sentAt: number | null): void {
    this.send(
      frame(id, (e) => {
        encoding.writeVarUint(e, T.Sync)
        encoding.writeVarUint(e, SYNC_UPDATE)
        encoding.writeVarUint8Array(e, update)
      }),
    )
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
