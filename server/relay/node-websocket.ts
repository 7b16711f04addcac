// WebSocket upgrades for Hono on Node (the interface of @hono/node-ws), keeping nothing of the upgrade request alive:
// the request, its headers and Hono's context are garbage once the socket is open (a few KB per idle connection).

import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { NodeWebSocket, NodeWebSocketInit } from '@hono/node-ws'
import { defineWebSocketHelper, WSContext, type WSContextInit, type WSEvents } from 'hono/ws'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'

/** c.env key: which route accepted the upgrade (a route that does not leaves the request refused). */
const ACCEPTED = Symbol('accepted upgrade')

type Opened = (ws: WebSocket) => void

/** Node 20 has no global CloseEvent (22 does): the routes read code and reason. */
const CloseEventOf: typeof CloseEvent =
  globalThis.CloseEvent ??
  class extends Event {
    readonly code: number
    readonly reason: string
    readonly wasClean: boolean
    constructor(type: string, init: CloseEventInit = {}) {
      super(type, init)
      this.code = init.code ?? 0
      this.reason = init.reason ?? ''
      this.wasClean = init.wasClean ?? false
    }
  }

function refuse(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

/**
 * What a route's MessageEvent carries: the frame's bytes as ws read them, or text. The bytes are a view of the socket's
 * read buffer, not a copy (a copy costs an ArrayBuffer of its own, allocated and freed outside V8's heap, per frame):
 * a route copies what it keeps. The /sync decoder copies every field it returns (frame-reader.ts), and the writer
 * gives an update that is a small part of a larger buffer its own bytes (household-writer.ts ownBytes).
 */
function payload(data: RawData, isBinary: boolean): Uint8Array | ArrayBuffer | string {
  if (data instanceof ArrayBuffer) return isBinary ? data : Buffer.from(data).toString('utf-8')
  const b = Array.isArray(data) ? Buffer.concat(data) : data
  return isBinary ? b : b.toString('utf-8')
}

/**
 * The context a route's events receive, carrying the events and the error handler too. The WebSocket itself is what
 * WSContext drives (send(data, {compress}), close(code, reason), readyState, protocol): no adapter object per socket.
 */
class RouteContext extends WSContext<WebSocket> {
  readonly events: WSEvents<WebSocket>
  readonly onError: (e: unknown) => void

  constructor(ws: WebSocket, events: WSEvents<WebSocket>, onError: (e: unknown) => void) {
    super(ws as WSContextInit<WebSocket>)
    this.raw = ws // WSContext takes `raw` from its init, and a WebSocket has none
    this.events = events
    this.onError = onError
  }
}

/** Where an open socket keeps its route: the listeners below are shared by every socket (`this` is the socket). */
const ROUTE = Symbol('route')
type Routed = WebSocket & { [ROUTE]: RouteContext }

/**
 * What a route's onMessage receives: the frame's data, which is all the routes read. A plain object, not a DOM
 * MessageEvent: Node builds those in JavaScript with internal state of their own, for every frame of every socket.
 */
function messageOf(data: Uint8Array | ArrayBuffer | string): MessageEvent {
  return { data } as MessageEvent
}

function onSocketMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const ctx = (this as Routed)[ROUTE]
  try {
    ctx.events.onMessage?.(messageOf(payload(data, isBinary)), ctx)
  } catch (e) {
    ctx.onError(e)
  }
}

function onSocketClose(this: WebSocket, code: number, reason: Buffer): void {
  const ctx = (this as Routed)[ROUTE]
  try {
    ctx.events.onClose?.(new CloseEventOf('close', { code, reason: reason.toString() }), ctx)
  } catch (e) {
    ctx.onError(e)
  }
}

function onSocketError(this: WebSocket, error: Error): void {
  const ctx = (this as Routed)[ROUTE]
  try {
    // Node 20 has no global ErrorEvent either: a plain Event carrying `error` stands in for it.
    const ev =
      typeof ErrorEvent === 'function'
        ? new ErrorEvent('error', { error })
        : Object.assign(new Event('error'), { error })
    ctx.events.onError?.(ev, ctx)
  } catch (e) {
    ctx.onError(e)
  }
}

/** A route without its own error handler logs (one function for every socket, not a closure each). */
function logError(e: unknown): void {
  console.error(e)
}

/** Wires an open socket to the route's events: one context object per socket, no closures. */
function attach(ws: WebSocket, events: WSEvents<WebSocket>, onError: (e: unknown) => void): void {
  const ctx = new RouteContext(ws, events, onError)
  ;(ws as Routed)[ROUTE] = ctx
  try {
    events.onOpen?.(new Event('open'), ctx)
  } catch (e) {
    onError(e)
  }
  ws.on('message', onSocketMessage)
  ws.on('close', onSocketClose)
  ws.on('error', onSocketError)
}

export function createNodeWebSocket(init: NodeWebSocketInit): NodeWebSocket {
  // No permessage-deflate (the ws default, stated): BATCH frames are deflated already, and a zlib context per socket
  // would cost far more than the socket itself.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  const waiting = new Map<IncomingMessage, { accepted: symbol; opened: Opened }>()

  function await_(request: IncomingMessage, accepted: symbol, opened: Opened): void {
    waiting.set(request, { accepted, opened })
  }

  return {
    wss,
    injectWebSocket(server) {
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        void (async () => {
          const url = new URL(request.url ?? '/', init.baseUrl ?? 'http://localhost')
          const headers = new Headers()
          for (const key in request.headers) {
            const value = request.headers[key]
            if (value) headers.append(key, Array.isArray(value) ? (value[0] ?? '') : value)
          }
          const env: { incoming: IncomingMessage; outgoing: undefined; [ACCEPTED]?: symbol } = {
            incoming: request,
            outgoing: undefined,
          }
          const response = await init.app.request(url, { headers }, env)
          const w = waiting.get(request)
          waiting.delete(request)
          if (w === undefined || w.accepted !== env[ACCEPTED]) return refuse(socket, response.status)
          // Synchronous from here to the route's onOpen: no frame can arrive before the events are wired.
          wss.handleUpgrade(request, socket, head, (ws) => w.opened(ws))
        })().catch(() => refuse(socket, 500))
      })
    },
    upgradeWebSocket: defineWebSocketHelper<WebSocket, { onError: (err: unknown) => void }>(
      async (c, events, options) => {
        if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') return
        const accepted = Symbol('upgrade')
        ;(c.env as { [ACCEPTED]?: symbol })[ACCEPTED] = accepted
        const onError = options?.onError ?? logError
        await_(c.env.incoming as IncomingMessage, accepted, (ws) => attach(ws, events, onError))
        return new Response()
      },
    ),
  }
}
