// Starts one rasoat server: database, migrations, reference data, stores, relay, HTTP + WebSocket on a port.
// Used by main.ts and by every integration test (port 0), so tests run exactly what production runs.

import { mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import type { Hono } from 'hono'
import { CloseCode } from '../shared/sync/limits.ts'
import { createApp } from './app.ts'
import { createAccess, type Access } from './auth/access.ts'
import { deleteExpiredSessions } from './auth/sessions.ts'
import { packageVersion } from './config.ts'
import { migrate } from './db/migrate.ts'
import { migrations } from './db/migrations/index.ts'
import { openDb, type Db } from './db/open.ts'
import { ensureReferenceData } from './db/reference-data.ts'
import type { AppEnv } from './http/context.ts'
import { createConsoleFeed, type ConsoleFeed } from './live/console-feed.ts'
import { createRelay, type Relay } from './relay/index.ts'
import { seedDemo } from './seed/demo.ts'
import { createDocStore, type DocStore } from './store/doc-store.ts'
import type { VisitRules } from './store/visit-flags.ts'

/** WebSocket close code sent to every device when the server stops (devices reconnect with backoff). */
export const CLOSE_SERVER_SHUTDOWN = CloseCode.SERVER_SHUTDOWN

export interface StartOptions {
  dataDir: string
  port: number
  host?: string
  seedDemo?: boolean
  demoPassword?: string | undefined
  clientDir?: string
  tileUrl?: string | undefined
  version?: string
  now?: () => number
  log?: (line: string) => void
  /** Thresholds of the map's visit-authenticity flags. */
  visitRules?: VisitRules
  /** A device without contact for this long is shown stale on the console (default 6 h). */
  deviceStaleMs?: number
}

export interface RunningServer {
  url: string
  port: number
  host: string
  db: Db
  access: Access
  docStore: DocStore
  relay: Relay
  feed: ConsoleFeed
  app: Hono<AppEnv>
  /** Demo logins created at this start (only when the database was new and seedDemo was on). */
  demo: { users: { username: string; role: string }[]; password: string } | undefined
  close(): Promise<void>
}

export function databaseFile(dataDir: string): string {
  return join(dataDir, 'rasoat.db')
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const dataDir = resolve(opts.dataDir)
  const host = opts.host ?? '127.0.0.1'
  const now = opts.now ?? Date.now
  mkdirSync(dataDir, { recursive: true })
  const db = openDb(databaseFile(dataDir))
  migrate(db, migrations)
  ensureReferenceData(db)
  const access = createAccess(db, now)
  deleteExpiredSessions(db, now())
  const sessionSweep = setInterval(() => deleteExpiredSessions(db, now()), 6 * 60 * 60 * 1000)
  sessionSweep.unref()
  const docStore = createDocStore(db, { now })

  let demo: RunningServer['demo']
  const isNew = db.prepare('SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM households) AS n').pluck().get() === 0
  if (opts.seedDemo && isNew) {
    const seeded = await seedDemo(db, docStore, { password: opts.demoPassword })
    opts.log?.(`Seeded demo data: ${seeded.households} households in ${Math.round(seeded.ms)} ms`)
    demo = { users: seeded.users, password: seeded.password }
  }
  const feed = createConsoleFeed(db, { now, ...(opts.deviceStaleMs !== undefined ? { staleAfterMs: opts.deviceStaleMs } : {}) })
  const relay = createRelay({
    db,
    access,
    docStore,
    now,
    commit: { onSummaryCommitted: (ids) => feed.summaryCommitted(ids), ...(opts.visitRules ? { visitRules: opts.visitRules } : {}) },
  })

  const { app, injectWebSocket, wss } = createApp({
    db,
    access,
    relay,
    feed,
    version: opts.version ?? packageVersion(),
    clientDir: resolve(opts.clientDir ?? 'dist/client'),
    photosDir: join(dataDir, 'photos'),
    tileUrl: opts.tileUrl,
    now,
  })

  const server: ServerType = await new Promise((ok) => {
    const s = serve({ fetch: app.fetch, port: opts.port, hostname: host }, () => ok(s))
  })
  injectWebSocket(server)
  const port = (server.address() as AddressInfo).port
  const shownHost = host.includes(':') ? `[${host}]` : host

  let closing: Promise<void> | null = null
  async function close(): Promise<void> {
    closing ??= (async () => {
      // Order matters: commit what the relay holds, tell devices we go, stop HTTP, then close the file.
      clearInterval(sessionSweep)
      await relay.flush()
      await relay.close(CLOSE_SERVER_SHUTDOWN)
      for (const ws of wss.clients) ws.close(CLOSE_SERVER_SHUTDOWN, 'server shutting down')
      await new Promise<void>((done) => {
        const force = setTimeout(() => {
          if ('closeAllConnections' in server) server.closeAllConnections()
        }, 2000)
        server.close(() => {
          clearTimeout(force)
          done()
        })
        if ('closeIdleConnections' in server) server.closeIdleConnections()
      })
      db.close()
    })()
    return closing
  }

  return { url: `http://${shownHost}:${port}`, port, host, db, access, docStore, relay, feed, app, demo, close }
}
