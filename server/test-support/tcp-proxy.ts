// A loopback TCP proxy in front of a real service (PostgreSQL, Redis) that a test cuts and restores: the service
// "goes down" for the server under test without stopping the engine other tests share. Only tests import this.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'

export interface TcpProxy {
  /** 127.0.0.1 port of the proxy; point the server's URL at it instead of the service's. */
  port: number
  /** Whether the proxy passes traffic now. */
  readonly up: boolean
  /** Connections the proxy accepted (refused ones while cut included). */
  readonly accepted: number
  /**
   * The service becomes unreachable: every open connection is reset, and new ones are accepted then reset at once
   * (what a client sees when the database host restarts); `hang: true` instead holds new and open connections
   * silently (a network that drops packets: the client waits for its own timeout).
   */
  cut(opts?: { hang?: boolean }): void
  /** Traffic passes again; connections held by a hanging cut are reset (they have lost bytes). */
  restore(): void
  close(): Promise<void>
}

/** Rewrites a service URL (postgres://u:p@host:5432/db, redis://host:6379/5) to go through the proxy's port. */
export function throughProxy(url: string, proxy: Pick<TcpProxy, 'port'>): string {
  const u = new URL(url)
  u.hostname = '127.0.0.1'
  u.port = String(proxy.port)
  return u.toString()
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: 'up' | 'reset' | 'hang' = 'up'
  let accepted = 0
  const pairs = new Set<{ client: Socket; upstream: Socket | null }>()

  function drop(pair: { client: Socket; upstream: Socket | null }): void {
    pair.client.resetAndDestroy()
    pair.upstream?.resetAndDestroy()
    pairs.delete(pair)
  }

  const server = createServer((client) => {
    accepted++
    const pair: { client: Socket; upstream: Socket | null } = { client, upstream: null }
    pairs.add(pair)
    client.on('error', () => drop(pair))
    client.on('close', () => drop(pair))
    if (mode === 'reset') return drop(pair)
    if (mode === 'hang') return client.pause()
    const upstream = connect(target.port, target.host)
    pair.upstream = upstream
    upstream.on('error', () => drop(pair))
    upstream.on('close', () => drop(pair))
    client.on('data', (chunk) => {
      if (mode === 'up') upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      if (mode === 'up') client.write(chunk)
    })
  })
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => ok())
  })
  const port = (server.address() as AddressInfo).port

  return {
    port,
    get up() {
      return mode === 'up'
    },
    get accepted() {
      return accepted
    },
    cut(opts = {}) {
      if (opts.hang) {
        mode = 'hang'
        return
      }
      mode = 'reset'
      for (const pair of [...pairs]) drop(pair)
    },
    restore() {
      // A hanging cut swallowed bytes in both directions: those connections cannot continue.
      if (mode === 'hang') for (const pair of [...pairs]) drop(pair)
      mode = 'up'
    },
    async close() {
      for (const pair of [...pairs]) drop(pair)
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
}
