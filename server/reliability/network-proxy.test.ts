// The fault proxy itself: a cut really truncates a WebSocket frame on the wire (the receiver gets part of it, then the
// connection ends), and delayed or stalled chunks still arrive whole and in order.
import type { AddressInfo } from 'node:net'
import WebSocket, { WebSocketServer } from 'ws'
import { afterEach, expect, it } from 'vitest'
import { startFaultProxy, type FaultOdds, type FaultProxy } from './fault-proxy.ts'
import { random } from './long-run.ts'

const NONE: FaultOdds = { delay: 0, delayMs: 0, stall: 0, stallMs: 0, cut: 0, reset: 0 }
let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanup.reverse()) await c()
  cleanup = []
})

/** A WebSocket echo-less sink behind a proxy with `odds`; records the messages and raw bytes it received. */
async function sinkBehindProxy(odds: FaultOdds): Promise<{
  proxy: FaultProxy
  messages: string[]
  rawBytes: () => number
  closed: Promise<number>
}> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((ok) => wss.once('listening', ok))
  const messages: string[] = []
  let raw = 0
  let closedWith: (code: number) => void = () => {}
  const closed = new Promise<number>((ok) => (closedWith = ok))
  wss.on('connection', (ws, req) => {
    req.socket.on('data', (d: Buffer) => (raw += d.length))
    ws.on('message', (m: Buffer) => messages.push(m.toString()))
    ws.on('close', (code) => closedWith(code))
  })
  const proxy = await startFaultProxy(`http://127.0.0.1:${(wss.address() as AddressInfo).port}`, odds, random(7))
  cleanup.push(
    () => proxy.close(),
    () => new Promise((ok) => wss.close(() => ok())),
  )
  return { proxy, messages, rawBytes: () => raw, closed }
}

async function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url.replace('http', 'ws'), { perMessageDeflate: false })
  ws.on('error', () => {})
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok())
    ws.once('close', () => fail(new Error('closed before open')))
  })
  return ws
}

it('a cut passes only part of a frame, then ends the connection: the server never sees the message', async () => {
  const sink = await sinkBehindProxy({ ...NONE, cut: 1 })
  const ws = await open(sink.proxy.url) // the upgrade is HTTP, not frames: it passes
  const clientClosed = new Promise<number>((ok) => ws.once('close', ok))
  ws.send('x'.repeat(1000)) // one masked frame of 2 + 2 + 4 + 1000 bytes
  expect(await sink.closed).toBe(1006) // abnormal closure: no close frame, the stream ended inside a frame
  await clientClosed
  expect(sink.messages).toEqual([])
  expect(sink.rawBytes()).toBeGreaterThan(0)
  expect(sink.rawBytes()).toBeLessThan(1008)
  expect(sink.proxy.counts.cuts).toBe(1)
})

it('delayed and stalled chunks arrive whole and in order', async () => {
  const sink = await sinkBehindProxy({ ...NONE, delay: 0.5, delayMs: 20, stall: 0.2, stallMs: 80 })
  const ws = await open(sink.proxy.url)
  const sent = Array.from({ length: 30 }, (_, i) => `message ${i}`)
  for (const m of sent) ws.send(m)
  ws.close(1000)
  expect(await sink.closed).toBe(1000)
  expect(sink.messages).toEqual(sent)
  expect(sink.proxy.counts.delays + sink.proxy.counts.stalls).toBeGreaterThan(0)
})
