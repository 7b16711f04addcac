// Starts one rasoat server: database, migrations, reference data, stores, relay, HTTP + WebSocket on a port.
// Used by main.ts and by every integration test (port 0), so tests run exactly what production runs.

import './function-names.ts' // first: modules evaluated after it keep their closures small
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import type { Hono } from 'hono'
import { CloseCode } from '../shared/sync/limits.ts'
import { createApp } from './app.ts'
import { createAccess, type Access } from './auth/access.ts'
import { deleteExpiredSessions } from './auth/sessions.ts'
import { packageVersion } from './config.ts'
import { lockDataDir } from './db/folder-lock.ts'
import { readEpoch } from './db/meta.ts'
import { createCheckpointer } from './db/checkpointer.ts'
import { createWalSync, syncWhenChanged } from './db/wal-sync.ts'
import { migrate } from './db/migrate.ts'
import { migrations } from './db/migrations/index.ts'
import { openDb, openPostgres, type Db } from './db/open.ts'
import { ensureReferenceData } from './db/reference-data.ts'
import type { AppEnv } from './http/context.ts'
import { createConsoleFeed, type ConsoleFeed } from './live/console-feed.ts'
import { createPhotoStore, DEFAULT_ORPHAN_GRACE_MS, type PhotoQuota } from './photos/photo-store.ts'
import { createRelay, type Relay, type RelayDeps } from './relay/index.ts'
import { createLocalFanout, type Fanout } from './relay/fanout.ts'
import { createRedisFanout } from './relay/fanout-redis.ts'
import { reprojectFacts } from './reports/fact-reprojection.ts'
import { seedDemo, type DemoUser } from './seed/demo.ts'
import { createDocStore, type DocStore } from './store/doc-store.ts'
import type { HouseholdWriterOptions } from './store/household-writer.ts'
import type { VisitRules } from './store/visit-flags.ts'

/** WebSocket close code sent to every device when the server stops (devices reconnect with backoff). */
export const CLOSE_SERVER_SHUTDOWN = CloseCode.SERVER_SHUTDOWN

export interface StartOptions {
  /** Photos (and, without databaseUrl, the SQLite database, locked to this process). */
  dataDir: string
  /** postgres://…: the database several relays share; no SQLite file and no folder lock for it. */
  databaseUrl?: string | undefined
  port: number
  host?: string
  seedDemo?: boolean
  /** One password for every demo user (tests, development); each gets its own random one otherwise. */
  demoPassword?: string | undefined
  /** Serve HTTPS and WSS with this PEM certificate and key (phones need a secure origin). */
  tls?: { cert: string | Buffer; key: string | Buffer } | undefined
  /** Behind a TLS reverse proxy: Secure cookies, caller addresses from X-Forwarded-For. */
  trustProxy?: boolean
  clientDir?: string
  tileUrl?: string | undefined
  version?: string
  now?: () => number
  log?: (line: string) => void
  /** Relay rate limits, connection caps, idle time (docs/server.md §Limits); unset parts take the defaults. */
  relayLimits?: RelayDeps['limits']
  /** Fan out through Redis to other relays on the same database (they may share the data folder); absent: one relay. */
  redisUrl?: string | undefined
  /** This relay's name in fan-out messages (default hostname:pid). */
  relayId?: string | undefined
  /** Group-commit settings and test hooks of the relay's writer (e.g. a failing commit). */
  commit?: HouseholdWriterOptions
  /** Free bytes on the data folder's disk below which /api/health answers 503 (default 64 MiB). */
  minFreeBytes?: number
  photoQuota?: PhotoQuota
  /** Test hook run before each photo file write; throwing stands for a full or read-only disk. */
  beforePhotoWrite?: (file: string) => void
  /** Photos linked to no household are deleted this long after upload (default 7 days), checked every 6 h. */
  orphanPhotoGraceMs?: number
  /** How long a household moved away stays writable for its previous enumerator's devices (default 30 days). */
  releaseGrantMs?: number
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
  /** This copy of the data (WELCOME, P15): changes when a backup is restored. */
  epoch: string
  /** The supervisor console's pins, progress and live subscriptions. */
  feed: ConsoleFeed
  app: Hono<AppEnv>
  /** Demo logins created at this start (only when the database was new and seedDemo was on). */
  demo: { users: DemoUser[] } | undefined
  close(): Promise<void>
}

export function databaseFile(dataDir: string): string {
  return join(dataDir, 'rasoat.db')
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const dataDir = resolve(opts.dataDir)
  mkdirSync(dataDir, { recursive: true })
  if (opts.databaseUrl) {
    const db = openPostgres(opts.databaseUrl)
    try {
      return await startOn(db, dataDir, opts, () => {})
    } catch (e) {
      db.close()
      throw e
    }
  }
  // One server per data folder: a second one stops here (DataDirError data/locked) before touching the database —
  // unless relays fan out through Redis: then several share the folder's WAL database (one machine).
  const lock = lockDataDir(dataDir, 'server', { shared: opts.redisUrl !== undefined })
  // A restore that was killed half-way leaves its staging folder; nothing else uses it while this process holds the lock.
  for (const name of readdirSync(dataDir))
    if (name.startsWith('.restore-')) rmSync(join(dataDir, name), { recursive: true, force: true })
  let db: Db
  try {
    db = openDb(databaseFile(dataDir))
  } catch (e) {
    lock.release()
    throw e
  }
  try {
    return await startOn(db, dataDir, opts, lock.release)
  } catch (e) {
    db.close()
    lock.release()
    throw e
  }
}

async function startOn(db: Db, dataDir: string, opts: StartOptions, releaseLock: () => void): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const now = opts.now ?? Date.now
  migrate(db, migrations)
  ensureReferenceData(db)
  const epoch = readEpoch(db)
  const access = createAccess(db, now, opts.releaseGrantMs !== undefined ? { releaseGrantMs: opts.releaseGrantMs } : {})
  deleteExpiredSessions(db, now())
  const sessionSweep = setInterval(() => deleteExpiredSessions(db, now()), 6 * 60 * 60 * 1000)
  sessionSweep.unref()
  const docStore = createDocStore(db, { now, shared: opts.redisUrl !== undefined })
  const relayId = opts.relayId ?? `${hostname()}:${process.pid}`
  const fanout: Fanout =
    opts.redisUrl !== undefined
      ? await createRedisFanout({
          url: opts.redisUrl,
          relayId,
          epoch,
          onError: (e) => opts.log?.(`Redis: ${String(e)}`),
        })
      : createLocalFanout(relayId)

  let demo: RunningServer['demo']
  const isNew =
    db.prepare('SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM households) AS n').pluck().get() === 0
  if (opts.seedDemo && isNew) {
    const seeded = await seedDemo(db, docStore, { password: opts.demoPassword })
    opts.log?.(`Seeded demo data: ${seeded.households} households in ${Math.round(seeded.ms)} ms`)
    demo = { users: seeded.users }
  }
  const feed = createConsoleFeed(db, {
    now,
    ...(opts.deviceStaleMs !== undefined ? { staleAfterMs: opts.deviceStaleMs } : {}),
  })
  const commit: HouseholdWriterOptions = {
    ...opts.commit,
    ...(opts.visitRules ? { visitRules: opts.visitRules } : {}),
    onSummaryCommitted: (ids) => {
      opts.commit?.onSummaryCommitted?.(ids)
      feed.summaryCommitted(ids)
    },
  }
  // What another relay committed or heard reaches this relay's consoles as if it happened here.
  const sharedFeed: ConsoleFeed = Object.assign(Object.create(feed) as ConsoleFeed, {
    deviceReported(r: Parameters<ConsoleFeed['deviceReported']>[0]) {
      feed.deviceReported(r)
      fanout.publish({ kind: 'device', report: r })
    },
  })
  const relay = createRelay({
    db,
    access,
    docStore,
    now,
    epoch,
    commit,
    fanout,
    onRemote(m) {
      if (m.kind === 'commit') feed.summaryCommitted([m.householdId])
      else if (m.kind === 'device') feed.deviceReported(m.report)
    },
    ...(opts.relayLimits ? { limits: opts.relayLimits } : {}),
  })
  // A relay killed after a commit and before its fan-out message: when it (or a replacement) starts, the others sweep.
  fanout.publish({ kind: 'resync' })
  // Several relays: a backstop for fan-out messages lost without a reconnect being seen (gaps are also caught per message).
  const catchUpTimer = fanout.shared ? setInterval(() => relay.hub.catchUp(), 30_000) : null
  catchUpTimer?.unref()
  const photosDir = join(dataDir, 'photos')
  const photos = createPhotoStore(db, photosDir, now)
  const sweepPhotos = (): void => {
    const swept = photos.sweepOrphans(opts.orphanPhotoGraceMs ?? DEFAULT_ORPHAN_GRACE_MS)
    if (swept.rows + swept.files > 0)
      opts.log?.(`Deleted ${swept.rows} photos linked to no household and ${swept.files} files`)
  }
  sweepPhotos()
  const photoSweep = setInterval(sweepPhotos, 6 * 60 * 60 * 1000)
  photoSweep.unref()
  // Writes no ACK waits for (sessions, users, photo rows) reach the disk within a second too.
  const wal = createWalSync(db)
  // WAL pages are copied into the database file off the event loop (a COMMIT would otherwise do it every ~4 MiB).
  const checkpointer = createCheckpointer(db, { onError: (e) => opts.log?.(`WAL checkpoint failed: ${String(e)}`) })
  const walTick = wal === null ? null : syncWhenChanged(db, wal)
  const walTimer = setInterval(
    () => void walTick?.().catch((e: unknown) => opts.log?.(`WAL sync failed: ${String(e)}`)),
    1000,
  )
  walTimer.unref()

  const { app, injectWebSocket, wss } = createApp({
    db,
    access,
    relay,
    docStore,
    feed: sharedFeed,
    version: opts.version ?? packageVersion(),
    clientDir: resolve(opts.clientDir ?? 'dist/client'),
    photosDir,
    dataDir,
    minFreeBytes: opts.minFreeBytes,
    photoQuota: opts.photoQuota,
    beforePhotoWrite: opts.beforePhotoWrite,
    tileUrl: opts.tileUrl,
    secureCookies: opts.tls !== undefined || opts.trustProxy === true,
    trustProxy: opts.trustProxy ?? false,
    ...(fanout.shared ? { fanout } : {}),
    now,
  })

  const tls = opts.tls
    ? { createServer: createHttpsServer, serverOptions: { cert: opts.tls.cert, key: opts.tls.key } }
    : {}
  const server: ServerType = await new Promise((ok, fail) => {
    const s = serve({ fetch: app.fetch, port: opts.port, hostname: host, ...tls }, () => ok(s))
    s.once('error', (e) => {
      clearInterval(sessionSweep)
      clearInterval(photoSweep)
      clearInterval(walTimer)
      wal?.close()
      void checkpointer?.close()
      void relay.close().catch(() => {})
      void fanout.close()
      fail(e)
    })
  })
  injectWebSocket(server)
  const port = (server.address() as AddressInfo).port
  // Rows committed before the report facts existed (migration 016) are re-projected in the background, batch by batch;
  // the reports say their figures are being recomputed until it ends. A stop resumes at the next start.
  let stopReprojection = false
  const reprojection = reprojectFacts(db, docStore, {
    stopped: () => stopReprojection,
    onBatch: (ids) => feed.summaryCommitted(ids),
  })
    .then((r) => {
      if (r.households > 0) opts.log?.(`Recomputed the report facts of ${r.households} households`)
    })
    .catch((e: unknown) => opts.log?.(`Recomputing the report facts failed: ${String(e)}`))
  const shownHost = host.includes(':') ? `[${host}]` : host

  let closing: Promise<void> | null = null
  async function close(): Promise<void> {
    closing ??= (async () => {
      // Order matters: commit what the relay holds, tell devices we go, stop HTTP, then close the file.
      clearInterval(sessionSweep)
      clearInterval(photoSweep)
      clearInterval(walTimer)
      if (catchUpTimer) clearInterval(catchUpTimer)
      stopReprojection = true
      await reprojection
      await relay.flush()
      await relay.close(CLOSE_SERVER_SHUTDOWN)
      await fanout.close()
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
      wal?.close()
      await checkpointer?.close()
      db.close()
      releaseLock()
    })()
    return closing
  }

  return {
    url: `${opts.tls ? 'https' : 'http'}://${shownHost}:${port}`,
    port,
    host,
    db,
    access,
    docStore,
    relay,
    epoch,
    feed,
    app,
    demo,
    close,
  }
}
