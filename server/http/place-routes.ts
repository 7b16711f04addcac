// Reference lists the phone and the admin screens need: GET /api/units, /api/villages (scoped), /api/periods.

import type { Hono } from 'hono'
import { z } from 'zod'
import type { Db } from '../db/open.ts'
import { currentPeriod } from '../db/reference-data.ts'
import { requireUser, type AppEnv } from './context.ts'
import { createPeriodStore } from '../periods/period-store.ts'
import { listUnits, listVillages } from './place-queries.ts'
import { queryParams } from './validate.ts'

const VillageQuery = z.object({ unit: z.string().max(16).optional(), period: z.string().max(16).optional() })

export function placeRoutes(app: Hono<AppEnv>, deps: { db: Db }): void {
  const { db } = deps
  const periods = createPeriodStore(db)

  app.get('/api/units', (c) => {
    requireUser(c)
    return c.json({ units: listUnits(db) })
  })

  app.get('/api/villages', (c) => {
    const user = requireUser(c)
    const q = queryParams(c, VillageQuery)
    const period = q.period ?? currentPeriod(db)
    return c.json({ period, villages: listVillages(db, user, { period, unit: q.unit }) })
  })

  app.get('/api/periods', (c) => {
    requireUser(c)
    return c.json({ periods: periods.list() })
  })
}
