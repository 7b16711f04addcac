// PostgreSQL for tests: the server named by RASOAT_TEST_DATABASE_URL (absent: the PostgreSQL tests do not run), a
// fresh schema per caller, dropped afterwards, so tests in parallel never see each other's tables.
import { randomBytes } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import { openPostgres, type Db } from '../db/open.ts'

export const testDatabaseUrl: string | undefined = process.env.RASOAT_TEST_DATABASE_URL || undefined

export interface PgSchema {
  url: string
  schema: string
  /** The URL with this schema as search_path: a DATABASE_URL for a server on it. */
  schemaUrl: string
  /** A new handle on the schema (each its own connection, like a second relay). */
  open(): Db
  /** Drops the schema and everything in it. */
  drop(): void
}

export function freshPgSchema(prefix = 'x'): PgSchema {
  const url = testDatabaseUrl
  if (!url) throw new Error('RASOAT_TEST_DATABASE_URL is not set')
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`
  openPostgres(url, schema).close()
  const schemaUrl = new URL(url)
  schemaUrl.searchParams.set('options', `-c search_path=${schema}`)
  return {
    url,
    schema,
    schemaUrl: schemaUrl.toString(),
    open: () => openPostgres(url, schema),
    drop() {
      const db = openPostgres(url)
      try {
        db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      } finally {
        db.close()
      }
    },
  }
}

/**
 * A TCP relay in front of PostgreSQL that a test can cut (a database gone away) and restore on the same port. It runs
 * on its own thread: the main thread blocks while a PostgreSQL handle waits for an answer that the relay carries.
 */
export interface PgProxy {
  /** The database URL through the proxy. */
  url: string
  /** Refuses new connections and drops the open ones. */
  cut(): Promise<void>
  restore(): Promise<void>
  close(): Promise<void>
}

const PROXY_THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
const { createServer, connect } = require('node:net')
const sockets = new Set()
let server = null
let port = 0
function listen(done) {
  const s = createServer((client) => {
    const upstream = connect(workerData.port, workerData.host)
    for (const sock of [client, upstream]) {
      sockets.add(sock)
      sock.on('close', () => sockets.delete(sock))
      sock.on('error', () => sock.destroy())
    }
    client.pipe(upstream).pipe(client)
  })
  s.listen(port, '127.0.0.1', () => {
    port = s.address().port
    server = s
    done()
  })
}
parentPort.on('message', (op) => {
  const done = () => parentPort.postMessage(port)
  if (op === 'restore') return listen(done)
  for (const sock of sockets) sock.destroy()
  if (!server) return done()
  server.close(done)
  server = null
})
listen(() => parentPort.postMessage(port))
`

export async function startPgProxy(target: string): Promise<PgProxy> {
  const to = new URL(target)
  const thread = new Worker(PROXY_THREAD, {
    eval: true,
    workerData: { port: Number(to.port || 5432), host: to.hostname },
  })
  const answer = (): Promise<number> => new Promise((ok) => thread.once('message', ok))
  const send = async (op: string): Promise<void> => {
    const done = answer()
    thread.postMessage(op)
    await done
  }
  const port = await answer()
  const url = new URL(target)
  url.hostname = '127.0.0.1'
  url.port = String(port)
  return {
    url: url.toString(),
    cut: () => send('cut'),
    restore: () => send('restore'),
    async close() {
      await send('cut')
      await thread.terminate()
    },
  }
}
