// The per-socket object of GET /sync and GET /yjs/:householdId: the route's events (open, message, close), the socket
// its connection writes to and what the connection registry closes — one object per open socket, methods on the
// prototype, so an idle socket costs fields and no closures.
import type { WSContext, WSEvents } from 'hono/ws'
import type { WebSocket } from 'ws'
import type { User } from '../auth/access.ts'
import { CloseCode } from '../../shared/sync/limits.ts'
import type { ConnectionHandle, ConnectionRegistry, RegisteredSocket } from './connection-registry.ts'
import { DeviceConnection, type DeviceConnectionDeps, type Socket } from './device-connection.ts'
import { YjsConnection, type YjsConnectionDeps } from './yjs-connection.ts'
import { canWriteDirect, writeBinaryFrame } from './frame-write.ts'

/** What every socket of one relay shares. */
export interface RouteSocketDeps {
  registry: ConnectionRegistry
  connections: DeviceConnectionDeps & YjsConnectionDeps
}

interface Connection {
  receive(bytes: Uint8Array): void
  closed(): void
}

function bytesOf(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return null
}

abstract class RouteSocket<C extends Connection> implements WSEvents<WebSocket>, Socket, RegisteredSocket {
  protected readonly deps: RouteSocketDeps
  protected readonly user: User | null
  /** The session token until the connection is made (it keeps its own copy, not a slice of the request's URL). */
  protected token: string | null
  private conn: C | null = null
  private handle: ConnectionHandle | null = null
  private ws: WSContext<WebSocket> | null = null
  /** The WebSocket, when its frames can be written in one socket write each (frame-write.ts). */
  private direct: WebSocket | null = null

  constructor(deps: RouteSocketDeps, user: User | null, token: string) {
    this.deps = deps
    this.user = user
    this.token = token
  }

  /** Makes the connection of an open socket. */
  protected abstract connect(user: User, token: string): C
  /** The connection is registered: it may start talking. */
  protected started(_conn: C): void {}

  onOpen(_e: Event, ws: WSContext<WebSocket>): void {
    this.ws = ws
    const raw = ws.raw
    if (raw !== undefined && canWriteDirect(raw)) this.direct = raw
    const token = this.token ?? ''
    this.token = null
    if (this.user === null) return ws.close(CloseCode.UNAUTHENTICATED, 'sync/unauthenticated')
    const conn = this.connect(this.user, token)
    this.conn = conn
    // Registered under its user (caps, idle sweep); closing it through the registry also ends the connection.
    this.handle = this.deps.registry.open(this.user.id, this)
    this.started(conn)
  }

  onMessage(e: MessageEvent, ws: WSContext<WebSocket>): void {
    this.handle?.active()
    const bytes = bytesOf(e.data)
    if (bytes === null) return ws.close(CloseCode.PROTOCOL_ERROR, 'sync/malformed')
    this.conn?.receive(bytes)
  }

  onClose(): void {
    this.handle?.closed()
    this.conn?.closed()
  }

  send(bytes: Uint8Array): void {
    const direct = this.direct
    if (direct !== null && writeBinaryFrame(direct, bytes)) return
    this.ws?.raw?.send(bytes)
  }

  /** Closes the WebSocket and ends the connection (a connection closing its own socket ends itself right after: no-op). */
  close(code: number, reason: string): void {
    this.ws?.close(code, reason)
    this.conn?.closed()
  }

  buffered(): number {
    return this.ws?.raw?.bufferedAmount ?? 0
  }
}

/** GET /sync: a device's multiplexed connection; a socket without a session is closed at once with 4401. */
export class SyncRouteSocket extends RouteSocket<DeviceConnection> {
  protected connect(user: User, token: string): DeviceConnection {
    return new DeviceConnection(user, this, this.deps.connections, token)
  }
}

/** GET /yjs/:householdId: one household over the plain y-websocket protocol. */
export class YjsRouteSocket extends RouteSocket<YjsConnection> {
  /** Until the connection is made, which keeps its own copy (this one is a slice of the request's URL). */
  private householdId: string

  constructor(deps: RouteSocketDeps, user: User, token: string, householdId: string) {
    super(deps, user, token)
    this.householdId = householdId
  }

  protected connect(user: User, token: string): YjsConnection {
    const conn = new YjsConnection(user, this.householdId, this, this.deps.connections, token)
    this.householdId = ''
    return conn
  }

  protected override started(conn: YjsConnection): void {
    conn.open()
  }
}
