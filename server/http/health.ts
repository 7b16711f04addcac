// GET /api/health: liveness for load balancers and the phone's "is the server reachable" check. No auth.
// 503 with a reason when the database does not answer, commits are failing (writer stalled) or the disk is full.
// Registers GET /api/ready beside it (ready.ts): the load balancer's question, "send devices to this relay?".

import { statfsSync } from 'node:fs'
import type { Hono } from 'hono'
import { isDiskFull } from '../db/errors.ts'
import { migrations } from '../db/migrations/index.ts'
import type { Db } from '../db/open.ts'
import type { CommitHealth } from '../store/group-commit.ts'
import type { AppEnv } from './context.ts'
import { readyRoutes, type FanoutReadiness } from './ready.ts'

/** Free space below which the data folder counts as full (a commit of a large batch needs room for WAL pages). */
export const DEFAULT_MIN_FREE_BYTES = 64 * 1024 * 1024

export interface HealthDeps {
  db: Db
  version: string
  /** The relay's commit state (absent in apps without a relay). */
  writer?: { health(): CommitHealth } | undefined
  /** The data folder whose file system is checked for free space. */
  dataDir?: string | undefined
  minFreeBytes?: number | undefined
  /** With several relays: the fan-out's subscription state, for /api/ready. */
  fanout?: { readiness?(): FanoutReadiness } | undefined
}

export function healthRoutes(app: Hono<AppEnv>, deps: HealthDeps): void {
  const ping = deps.db.prepare('SELECT 1 AS one')
  const minFree = deps.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES
  readyRoutes(app, { db: deps.db, migrations, writer: deps.writer, fanout: deps.fanout })
  app.get('/api/health', (c) => {
    const reasons: string[] = []
    let db: 'ok' | 'error' = 'ok'
    try {
      ping.get()
    } catch {
      db = 'error'
      reasons.push('the database does not answer')
    }
    let writer: 'ok' | 'stalled' = 'ok'
    let disk: 'ok' | 'full' = 'ok'
    const commits = deps.writer?.health()
    if (commits?.stalled) {
      writer = 'stalled'
      // A code names the failure without the file paths an fs error message carries (this route is public).
      const e = commits.lastError
      const code = e !== null && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : null
      const why = code ?? (e instanceof Error ? e.message : String(e))
      reasons.push(`commits failing since ${new Date(commits.since ?? 0).toISOString()}: ${why}`)
      if (isDiskFull(commits.lastError)) disk = 'full'
    }
    let freeBytes: number | null = null
    if (deps.dataDir !== undefined) {
      try {
        const fs = statfsSync(deps.dataDir)
        freeBytes = fs.bavail * fs.bsize
      } catch {
        freeBytes = null
      }
      if (freeBytes !== null && freeBytes < minFree) {
        disk = 'full'
        reasons.push(`less than ${minFree} bytes free on the data folder's disk`)
      }
    }
    const ok = reasons.length === 0
    const body = { ok, version: deps.version, db, writer, disk, ...(ok ? {} : { reason: reasons.join('; ') }) }
    return c.json(body, ok ? 200 : 503)
  })
}
