// A loopback TCP proxy in front of a real service (PostgreSQL, Redis) that a test cuts and restores: the service
// "goes down" for the server under test without stopping the engine other tests share. Only tests import this.
// It runs in its own thread (tcp-proxy-worker.mjs), so it keeps forwarding while the synchronous PostgreSQL handle blocks.
import { Worker } from 'node:worker_threads'

export interface TcpProxy {
  /** 127.0.0.1 port of the proxy; point the server's URL at it instead of the service's. */
  port: number
  /**
   * The service becomes unreachable: every open connection is reset, and new ones are accepted then reset at once
   * (what a client sees when the database host restarts); `hang: true` instead holds new and open connections
   * silently (a network that drops packets: the client waits for its own timeout). Resolves once in effect.
   */
  cut(opts?: { hang?: boolean }): Promise<void>
  /** Traffic passes again; connections held by a hanging cut are reset (they have lost bytes). */
  restore(): Promise<void>
  /** Connections the proxy accepted so far (refused ones while cut included). */
  accepted(): Promise<number>
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
  const worker = new Worker(new URL('./tcp-proxy-worker.mjs', import.meta.url), { workerData: target })
  const waiting = new Map<number, (accepted: number) => void>()
  let nextId = 1
  const port = await new Promise<number>((ok, fail) => {
    worker.once('error', fail)
    worker.once('message', (m: { listening: number }) => ok(m.listening))
  })
  worker.on('message', (m: { id: number; accepted: number }) => {
    waiting.get(m.id)?.(m.accepted)
    waiting.delete(m.id)
  })
  function send(m: { op: 'cut' | 'restore' | 'close' | 'count'; hang?: boolean }): Promise<number> {
    const id = nextId++
    return new Promise((ok) => {
      waiting.set(id, ok)
      worker.postMessage({ ...m, id })
    })
  }
  return {
    port,
    cut: async (opts = {}) => void (await send({ op: 'cut', hang: opts.hang === true })),
    restore: async () => void (await send({ op: 'restore' })),
    accepted: () => send({ op: 'count' }),
    async close() {
      await send({ op: 'close' })
      // The thread has dropped every connection and stopped listening; its end is not awaited: terminate() of a thread
      // whose sockets are still being torn down was seen to never settle, holding the test's teardown.
      worker.unref()
      void worker.terminate()
    },
  }
}
