// GET /api/progress?period=&unit= — the console's progress table: per village and per enumerator, how many households
// are assigned, started, submitted, verified, returned, and their categories so far. Counts from the summary table.

import type { Hono } from 'hono'
import { z } from 'zod'
import type { Db } from '../db/open.ts'
import { currentPeriod } from '../db/reference-data.ts'
import type { ConsoleFeed } from '../live/console-feed.ts'
import { requireRole, type AppEnv } from './context.ts'
import { ApiError } from './errors.ts'
import { queryParams } from './validate.ts'

const ProgressQuery = z.object({
  period: z.string().min(1).max(16).optional(),
  unit: z.string().min(1).max(16).optional(),
})

/** The unit a console asks about: a supervisor's own (the default), any for admins and observers (then required). */
export function consoleUnit(user: { role: string; unitCode: string | null }, unit: string | undefined): string {
  if (user.role === 'supervisor') {
    if (user.unitCode === null || (unit !== undefined && unit !== user.unitCode))
      throw new ApiError('auth/forbidden', 'only your own unit')
    return user.unitCode
  }
  if (unit === undefined)
    throw new ApiError('request/invalid', 'unit is required', { issues: [{ path: 'unit', message: 'required' }] })
  return unit
}

export function progressRoutes(app: Hono<AppEnv>, deps: { db: Db; feed: ConsoleFeed }): void {
  const { db, feed } = deps
  app.get('/api/progress', (c) => {
    const user = requireRole(c, 'supervisor', 'admin', 'observer')
    const q = queryParams(c, ProgressQuery)
    const unit = consoleUnit(user, q.unit)
    const period = q.period ?? currentPeriod(db)
    const villages = feed.store.villageProgress(period, unit).map((v) => ({ unit, ...v }))
    const enumerators = feed.store.enumeratorProgress(period, unit).map((e) => ({ unit, ...e }))
    return c.json({ period, unit, villages, enumerators })
  })
}
