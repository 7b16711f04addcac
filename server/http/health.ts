// GET /api/health: liveness for load balancers and the phone's "is the server reachable" check. No auth.

import type { Hono } from 'hono'
import type { Db } from '../db/open.ts'
import type { AppEnv } from './context.ts'

export function healthRoutes(app: Hono<AppEnv>, deps: { db: Db; version: string }): void {
  const ping = deps.db.prepare('SELECT 1 AS one')
  app.get('/api/health', (c) => {
    let db: 'ok' | 'error' = 'ok'
    try {
      ping.get()
    } catch {
      db = 'error'
    }
    return c.json({ ok: db === 'ok', version: deps.version, db }, db === 'ok' ? 200 : 503)
  })
}
