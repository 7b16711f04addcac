import { afterEach, describe, expect, it } from 'vitest'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { WebSocket, WebSocketServer } from 'ws'
import { canWriteDirect, DIRECT_MAX_BYTES, writeBinaryFrame } from './frame-write.ts'

let wss: WebSocketServer | null = null
afterEach(() => {
  wss?.close()
  wss = null
})

/** A real ws server (no extension, as the relay's) and a stock ws client connected to it. */
async function pair(perMessageDeflate = false): Promise<{ server: WebSocket; client: WebSocket; got: Buffer[] }> {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate })
  await once(wss, 'listening')
  const connected = once(wss, 'connection')
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate })
  const got: Buffer[] = []
  client.on('message', (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(true)
    got.push(data)
  })
  const [[server]] = await Promise.all([connected, once(client, 'open')])
  return { server: server as WebSocket, client, got }
}

async function received(got: Buffer[], n: number, client: WebSocket): Promise<void> {
  while (got.length < n) await once(client, 'message')
}

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256)

describe('writeBinaryFrame', () => {
  it('writes frames of every header size a stock client reads back intact, in order with ws.send', async () => {
    const { server, client, got } = await pair()
    expect(canWriteDirect(server)).toBe(true)
    const sizes = [0, 1, 125, 126, 127, 4_000, 65_535, DIRECT_MAX_BYTES, DIRECT_MAX_BYTES + 1, 70_000]
    const sent: Uint8Array[] = []
    for (const [i, n] of sizes.entries()) {
      const b = bytes(n, i)
      sent.push(b)
      // Directly up to DIRECT_MAX_BYTES; a larger one is left to ws.send, which the caller then uses.
      const direct = writeBinaryFrame(server, b)
      expect(direct).toBe(n <= DIRECT_MAX_BYTES)
      if (!direct) server.send(b)
    }
    await received(got, sizes.length, client)
    expect(got.map((b) => new Uint8Array(b))).toEqual(sent)
    client.close()
  })

  it('counts what the socket has not written yet in bufferedAmount, as ws.send does', async () => {
    const { server, client } = await pair()
    client.pause() // the client reads nothing: the server's socket fills up
    const chunk = bytes(DIRECT_MAX_BYTES, 7)
    for (let i = 0; i < 2_000; i++) expect(writeBinaryFrame(server, chunk)).toBe(true)
    expect(server.bufferedAmount).toBeGreaterThan(0)
    client.terminate()
  })

  it('writes nothing once the socket is closing, and on a socket with an extension', async () => {
    const { server, client, got } = await pair()
    server.close(1000, 'bye')
    expect(writeBinaryFrame(server, bytes(10, 1))).toBe(false)
    await once(client, 'close')
    expect(got).toEqual([])

    const deflating = await pair(true)
    expect(canWriteDirect(deflating.server)).toBe(false)
    deflating.client.close()
  })
})
