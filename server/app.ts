// Builds the Hono application from its dependencies: security headers, the relay's WebSocket routes,
// the /api routes, the built client. One onError turns every failure into { code, message, details }.

import type { NodeWebSocket } from '@hono/node-ws'
import { createNodeWebSocket } from './relay/node-websocket.ts'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Access } from './auth/access.ts'
import { createAuditLog, type AuditLog } from './audit/audit-log.ts'
import { auditRoutes } from './audit/audit-routes.ts'
import { b1TableRoutes } from './b1/b1-table-routes.ts'
import { createLoginLimiter, type LoginLimiter } from './auth/login-limiter.ts'
import type { Db } from './db/open.ts'
import { clientFileRoutes, isServerPath } from './http/client-files.ts'
import { identify, type AppEnv } from './http/context.ts'
import { ApiError, isRefusedCharacter, isStorageRefusal } from './http/errors.ts'
import { healthRoutes } from './http/health.ts'
import type { FanoutReadiness } from './http/ready.ts'
import { securityHeaders } from './http/security.ts'
import { sessionRoutes } from './http/session-routes.ts'
import { assignmentRoutes } from './http/assignment-routes.ts'
import { conflictRoutes } from './http/conflict-routes.ts'
import { householdRoutes } from './http/household-routes.ts'
import { pinRoutes } from './http/pin-routes.ts'
import { reviewRoutes } from './http/review-routes.ts'
import { progressRoutes } from './http/progress-routes.ts'
import { deviceRoutes } from './http/device-routes.ts'
import { createConsoleFeed, type ConsoleFeed } from './live/console-feed.ts'
import { liveRoutes } from './live/live-socket.ts'
import { listRoutes } from './lists/list-routes.ts'
import { placeRoutes } from './http/place-routes.ts'
import { placeAdminRoutes } from './http/place-admin-routes.ts'
import { periodRoutes } from './periods/period-routes.ts'
import { userRoutes } from './http/user-routes.ts'
import { jsonBodiesOnly } from './http/validate.ts'
import { createPhotoStore, type PhotoQuota } from './photos/photo-store.ts'
import { photoRoutes } from './photos/photo-routes.ts'
import { REGISTER_PATH, registerRoutes } from './register/register-routes.ts'
import { reportRoutes } from './reports/report-routes.ts'
import type { Relay } from './relay/index.ts'
import type { DocStore } from './store/doc-store.ts'
import { MAX_FRAME_BYTES } from '../shared/sync/limits.ts'

export interface AppDeps {
  db: Db
  access: Access
  relay?: Relay | undefined
  /** Committed household documents (GET /api/households/:id/state). */
  docStore?: DocStore | undefined
  /** The console's pins, progress and live subscriptions (one is made when absent; the server shares its own with the relay). */
  feed?: ConsoleFeed | undefined
  version: string
  clientDir: string
  photosDir: string
  /** The data folder (health checks its free space) and the free bytes below which it counts as full. */
  dataDir?: string | undefined
  minFreeBytes?: number | undefined
  /** With several relays, the fan-out between them (its subscription state decides /api/ready). */
  fanout?: { readiness?(): FanoutReadiness } | undefined
  photoQuota?: PhotoQuota | undefined
  /** Test hook run before each photo file write (a full or read-only disk). */
  beforePhotoWrite?: ((file: string) => void) | undefined
  tileUrl?: string | undefined
  loginLimiter?: LoginLimiter
  /** The session cookie gets `Secure`: the server serves TLS itself or sits behind a TLS proxy. */
  secureCookies?: boolean
  /** Behind a reverse proxy: the caller's address is the last X-Forwarded-For entry. */
  trustProxy?: boolean
  now?: () => number
  /** The audit log routes write to (one is made over `db` when absent). */
  audit?: AuditLog
  /** Where unexpected errors are reported (stderr by default). */
  logError?: (err: unknown) => void
}

export const JSON_BODY_LIMIT = 256 * 1024

export interface BuiltApp {
  app: Hono<AppEnv>
  injectWebSocket: NodeWebSocket['injectWebSocket']
  wss: NodeWebSocket['wss']
}

/** A request that declared a body nobody read. */
function unreadBody(req: Request): boolean {
  const declared = Number(req.headers.get('content-length') ?? 0) > 0 || req.headers.has('transfer-encoding')
  return declared && !req.bodyUsed
}

export function createApp(deps: AppDeps): BuiltApp {
  const now = deps.now ?? Date.now
  const logError = deps.logError ?? ((err: unknown) => console.error(err))
  const app = new Hono<AppEnv>()
  const { upgradeWebSocket, injectWebSocket, wss } = createNodeWebSocket({ app })
  // ws buffers a whole frame before any handler sees it: cap it at the protocol's frame limit (ws closes with 1009).
  wss.options.maxPayload = MAX_FRAME_BYTES

  app.onError((err, c) => {
    // Refused before its body was read (too large, wrong type, no login): the server stops draining an upload after a
    // moment, so the client must not send its next request on this connection.
    if (unreadBody(c.req.raw) || (err instanceof ApiError && err.status === 413)) c.header('Connection', 'close')
    if (err instanceof ApiError) return c.json(err.toBody(), err.status)
    if (isRefusedCharacter(err))
      return c.json(
        { code: 'request/invalid', message: 'the request holds a character that cannot be stored', details: null },
        400,
      )
    logError(err)
    if (isStorageRefusal(err))
      return c.json(
        { code: 'storage/unavailable', message: 'the server cannot write now; retry later', details: null },
        503,
      )
    return c.json({ code: 'internal', message: 'internal error', details: null }, 500)
  })
  app.notFound((c) =>
    isServerPath(c.req.path)
      ? c.json({ code: 'request/not-found', message: `no route ${c.req.method} ${c.req.path}`, details: null }, 404)
      : c.text('Not found', 404),
  )

  app.use('*', securityHeaders({ tileUrl: deps.tileUrl }))
  deps.relay?.routes(app, upgradeWebSocket)
  const feed = deps.feed ?? createConsoleFeed(deps.db, { now })
  liveRoutes(app, upgradeWebSocket, { db: deps.db, access: deps.access, feed })

  app.use('/api/*', identify(deps.access))
  app.use('/api/*', async (c, next) => {
    await next()
    // Household data must not linger in shared caches or the service worker's runtime cache; photos set their own.
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store')
  })
  const jsonLimit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: () => {
      throw new ApiError('request/too-large', `body above ${JSON_BODY_LIMIT} bytes`, { limit: JSON_BODY_LIMIT })
    },
  })
  const jsonOnly = jsonBodiesOnly()
  // Photos and register CSVs carry their own, larger limits and their own media types (photo-routes.ts, register-routes.ts).
  const isPhoto = (path: string): boolean => path.startsWith('/api/photos/') || path === REGISTER_PATH
  app.use('/api/*', (c, next) => (isPhoto(c.req.path) ? next() : jsonOnly(c, next)))
  app.use('/api/*', (c, next) => (isPhoto(c.req.path) ? next() : jsonLimit(c, next)))

  const audit = deps.audit ?? createAuditLog(deps.db, now)
  healthRoutes(app, {
    db: deps.db,
    version: deps.version,
    writer: deps.relay?.writer,
    dataDir: deps.dataDir,
    minFreeBytes: deps.minFreeBytes,
    fanout: deps.fanout,
  })
  const loginLimiter = deps.loginLimiter ?? createLoginLimiter({ now })
  sessionRoutes(app, {
    db: deps.db,
    limiter: loginLimiter,
    now,
    secureCookies: deps.secureCookies ?? false,
    trustProxy: deps.trustProxy ?? false,
    audit,
  })
  placeRoutes(app, { db: deps.db })
  householdRoutes(app, { db: deps.db, access: deps.access, docStore: deps.docStore })
  pinRoutes(app, { db: deps.db, feed, now })
  // The console's map: the configured tile URL (TILE_URL), or null for pins on a plain background.
  app.get('/api/map', (c) => c.json({ tileUrl: deps.tileUrl ?? null }))
  progressRoutes(app, { db: deps.db, feed })
  reportRoutes(app, { db: deps.db, audit })
  deviceRoutes(app, { feed })
  conflictRoutes(app, { db: deps.db, access: deps.access, relay: deps.relay, audit, docStore: deps.docStore, now })
  reviewRoutes(app, { db: deps.db, access: deps.access, relay: deps.relay, now, audit })
  assignmentRoutes(app, { db: deps.db, now, audit, onMoved: () => deps.relay?.scopeChanged() })
  userRoutes(app, { db: deps.db, now, limiter: loginLimiter, audit, onScopeChanged: () => deps.relay?.scopeChanged() })
  placeAdminRoutes(app, { db: deps.db, audit, now, onScopeChanged: () => deps.relay?.scopeChanged() })
  auditRoutes(app, { audit })
  listRoutes(app, { db: deps.db, docStore: deps.docStore })
  b1TableRoutes(app, {
    db: deps.db,
    audit,
    now,
    docStore: deps.docStore,
    logError,
    onReclassified: (ids) => {
      deps.relay?.writer.summariesRewritten(ids)
      feed.summaryCommitted(ids)
    },
  })
  registerRoutes(app, { db: deps.db, docStore: deps.docStore, relay: deps.relay, audit, now })
  periodRoutes(app, {
    db: deps.db,
    access: deps.access,
    docStore: deps.docStore,
    audit,
    now,
    onCurrentChanged: () => deps.relay?.periodChanged(),
  })
  photoRoutes(app, {
    access: deps.access,
    photos: createPhotoStore(deps.db, deps.photosDir, now, deps.beforePhotoWrite),
    quota: deps.photoQuota,
  })

  clientFileRoutes(app, deps.clientDir)
  return { app, injectWebSocket, wss }
}
