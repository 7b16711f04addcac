// Reference lists the phone and the admin screens need: GET /api/units, /api/villages (scoped), /api/periods.

import type { Hono } from 'hono'
import { z } from 'zod'
import { villageScope } from '../auth/access.ts'
import type { Db } from '../db/open.ts'
import { currentPeriod } from '../db/reference-data.ts'
import { requireUser, type AppEnv } from './context.ts'
import { queryParams } from './validate.ts'

const VillageQuery = z.object({ unit: z.string().max(16).optional(), period: z.string().max(16).optional() })

export function placeRoutes(app: Hono<AppEnv>, deps: { db: Db }): void {
  const { db } = deps

  app.get('/api/units', (c) => {
    requireUser(c)
    const units = db
      .prepare('SELECT code, name, kind, area_type AS areaType FROM units ORDER BY kind, name')
      .all()
    return c.json({ units })
  })

  app.get('/api/villages', (c) => {
    const user = requireUser(c)
    const q = queryParams(c, VillageQuery)
    const scope = villageScope(user, 'v')
    const byUnit = q.unit ? ' AND v.unit_code = ?' : ''
    const period = q.period ?? currentPeriod(db)
    const villages = db
      .prepare(
        `SELECT v.id, v.unit_code AS unitCode, v.name,
                (SELECT COUNT(*) FROM households h WHERE h.village_id = v.id AND h.period = ?) AS householdCount
         FROM villages v WHERE ${scope.sql}${byUnit} ORDER BY v.unit_code, v.name`,
      )
      .all(period, ...scope.params, ...(q.unit ? [q.unit] : []))
    return c.json({ period, villages })
  })

  app.get('/api/periods', (c) => {
    requireUser(c)
    const rows = db
      .prepare('SELECT id, standard, reference_date AS referenceDate, is_current AS isCurrent FROM periods ORDER BY id DESC')
      .all() as { id: string; standard: string; referenceDate: string; isCurrent: number }[]
    return c.json({ periods: rows.map((p) => ({ ...p, isCurrent: p.isCurrent !== 0 })) })
  })
}
