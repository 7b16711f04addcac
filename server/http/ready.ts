// GET /api/ready: readiness of THIS relay for a load balancer (send it devices or not), next to /api/health (alive).
// 200 only when the database answers, its migrations are exactly this code's and commits succeed; otherwise 503 naming
// what is not ready. A fan-out cut off from Redis is `degraded`, not unready (docs/deploy.md). No auth.

import type { Hono } from 'hono'
import type { Migration } from '../db/migrate.ts'
import type { Db } from '../db/open.ts'
import type { CommitHealth } from '../store/group-commit.ts'
import type { AppEnv } from './context.ts'

/** The fan-out's state as readiness sees it (absent: one relay, in-process fan-out, always ready). */
export interface FanoutReadiness {
  /** Subscribed to the broker now. */
  subscribed: boolean
  /** The catch-up from the database after the last (re)subscription has finished. */
  caughtUp: boolean
}

export interface ReadyDeps {
  db: Db
  /** The migrations this code knows; the database must have applied exactly these. */
  migrations: readonly Migration[]
  writer?: { health(): CommitHealth } | undefined
  fanout?: { readiness?(): FanoutReadiness } | undefined
}

/** What can be not ready, as named in the 503 body's `notReady`. */
export type ReadinessPart = 'database' | 'migrations' | 'writer'

export interface ReadyBody {
  ready: boolean
  database: 'ok' | 'down'
  /** behind: this code knows migrations the database lacks; ahead: the database has newer ones (an upgrade under way). */
  migrations: 'current' | 'behind' | 'ahead' | 'unknown'
  writer: 'ok' | 'stalled'
  fanout: 'local' | 'ok' | 'unsubscribed' | 'catching-up'
  notReady: ReadinessPart[]
  /**
   * Serving, with less: `fanout` while Redis is unreachable or the relay still reads what it missed — its devices are
   * served and acknowledged, other relays' edits reach them late. Not a reason to take the relay out: Redis down hits
   * every relay alike, and a load balancer with no ready relay would refuse every phone.
   */
  degraded: 'fanout'[]
}

export function readiness(deps: ReadyDeps): ReadyBody {
  const notReady: ReadinessPart[] = []
  let database: ReadyBody['database'] = 'ok'
  let migrations: ReadyBody['migrations'] = 'unknown'
  try {
    // One round trip answers both questions; a database that cannot run it is down for this relay.
    const applied = new Set(
      deps.db
        .prepare('SELECT id FROM schema_migrations')
        .pluck()
        .all()
        .map((id) => Number(id)),
    )
    const known = new Set(deps.migrations.map((m) => m.id))
    if ([...known].some((id) => !applied.has(id))) migrations = 'behind'
    else if ([...applied].some((id) => !known.has(id))) migrations = 'ahead'
    else migrations = 'current'
  } catch {
    database = 'down'
    notReady.push('database')
  }
  if (migrations === 'behind' || migrations === 'ahead') notReady.push('migrations')
  const writer: ReadyBody['writer'] = deps.writer?.health().stalled ? 'stalled' : 'ok'
  if (writer === 'stalled') notReady.push('writer')
  let fanout: ReadyBody['fanout'] = 'local'
  const f = deps.fanout?.readiness?.()
  if (f) fanout = !f.subscribed ? 'unsubscribed' : !f.caughtUp ? 'catching-up' : 'ok'
  const degraded: 'fanout'[] = fanout === 'unsubscribed' || fanout === 'catching-up' ? ['fanout'] : []
  return { ready: notReady.length === 0, database, migrations, writer, fanout, notReady, degraded }
}

export function readyRoutes(app: Hono<AppEnv>, deps: ReadyDeps): void {
  app.get('/api/ready', (c) => {
    const body = readiness(deps)
    return c.json(body, body.ready ? 200 : 503)
  })
}
