// WebSocket upgrades (node-websocket.ts): routes see open/message/close as before, a refused upgrade gets its HTTP
// status, and nothing of the upgrade request (IncomingMessage, Hono context) stays reachable once the socket is open.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { canWriteDirect } from './frame-write.ts'
import { createNodeWebSocket } from './node-websocket.ts'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

let server: ServerType | null = null
afterEach(async () => {
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()))
  server = null
})

async function start(app: Hono, inject: (s: ServerType) => void): Promise<string> {
  const s = await new Promise<ServerType>((ok) => {
    const made = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(made))
  })
  inject(s)
  server = s
  return `ws://127.0.0.1:${(s.address() as AddressInfo).port}`
}

function opened(url: string): Promise<WebSocket> {
  return new Promise((ok, fail) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    ws.once('open', () => ok(ws))
    ws.once('error', fail)
  })
}

describe('WebSocket upgrades', () => {
  it('delivers open, binary messages and close to the route, and answers through the context', async () => {
    const app = new Hono()
    const { upgradeWebSocket, injectWebSocket } = createNodeWebSocket({ app })
    const seen: string[] = []
    let closedWith = 0
    const closed = new Promise<void>((done) =>
      app.get(
        '/echo',
        upgradeWebSocket(() => ({
          onOpen: (_e, ws) => void seen.push(`open ${ws.readyState}`),
          onMessage: (e, ws) => {
            const bytes = new Uint8Array(e.data as ArrayBuffer)
            seen.push(`message ${bytes.join(',')}`)
            ws.send(bytes.reverse())
          },
          onClose: (e) => {
            closedWith = e.code
            done()
          },
        })),
      ),
    )
    const url = await start(app, injectWebSocket)
    const ws = await opened(`${url}/echo`)
    const reply = new Promise<Buffer>((ok) => ws.once('message', (d: Buffer) => ok(d)))
    ws.send(new Uint8Array([1, 2, 3]))
    expect([...(await reply)]).toEqual([3, 2, 1])
    ws.close(4000, 'bye')
    await closed
    expect(seen).toEqual(['open 1', 'message 1,2,3'])
    expect(closedWith).toBe(4000)
  })

  it('negotiates no extension, also with a client that offers deflate: frames may be written directly', async () => {
    const app = new Hono()
    const { upgradeWebSocket, injectWebSocket } = createNodeWebSocket({ app })
    const direct = new Promise<boolean>((ok) =>
      app.get(
        '/direct',
        upgradeWebSocket(() => ({ onOpen: (_e, ws) => ok(canWriteDirect(ws.raw as WebSocket)) })),
      ),
    )
    const url = await start(app, injectWebSocket)
    const ws = await new Promise<WebSocket>((ok, fail) => {
      const offering = new WebSocket(`${url}/direct`) // ws offers permessage-deflate by default, as browsers do
      offering.once('open', () => ok(offering))
      offering.once('error', fail)
    })
    expect(ws.extensions).toBe('')
    expect(await direct).toBe(true)
    ws.close()
  })

  it('refuses an upgrade no route accepts with the route’s HTTP status', async () => {
    const app = new Hono()
    const { injectWebSocket } = createNodeWebSocket({ app })
    app.get('/nope', (c) => c.json({ code: 'sync/unauthenticated' }, 401))
    const url = await start(app, injectWebSocket)
    const status = await new Promise<number>((ok) => {
      const ws = new WebSocket(`${url}/nope`)
      ws.once('unexpected-response', (_req, res) => ok(res.statusCode ?? 0))
      ws.once('error', () => ok(-1))
    })
    expect(status).toBe(401)
  })

  it('keeps neither the upgrade request nor its Hono context once the socket is open', async () => {
    const app = new Hono()
    const { upgradeWebSocket, injectWebSocket } = createNodeWebSocket({ app })
    const refs: WeakRef<object>[] = []
    let onOpen: () => void = () => {}
    const open = new Promise<void>((done) => (onOpen = done))
    app.get(
      '/held',
      upgradeWebSocket((c) => {
        refs.push(new WeakRef(c), new WeakRef(c.env.incoming as object), new WeakRef(c.req.raw))
        return { onOpen: () => onOpen() }
      }),
    )
    const url = await start(app, injectWebSocket)
    const ws = await opened(`${url}/held`)
    await open
    for (let i = 0; i < 5 && refs.some((r) => r.deref() !== undefined); i++) {
      await new Promise((r) => setImmediate(r))
      gc()
    }
    expect(refs.map((r) => r.deref() === undefined)).toEqual([true, true, true])
    expect(ws.readyState).toBe(WebSocket.OPEN) // the socket itself is alive and well
    ws.close()
  })
})
