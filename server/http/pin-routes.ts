// GET /api/pins?bbox=minLng,minLat,maxLng,maxLat&zoom=&period= — clusters below zoom 15, pins from 15 up.

import type { Hono } from 'hono'
import { z } from 'zod'
import type { Db } from '../db/open.ts'
import { currentPeriod } from '../db/reference-data.ts'
import { requireUser, type AppEnv } from './context.ts'
import { CLUSTER_BELOW_ZOOM, clustersIn, pinsIn, type BBox } from './pin-queries.ts'
import { queryParams } from './validate.ts'

const BBoxSchema = z
  .string()
  .transform((s) => s.split(',').map((x) => Number(x)))
  .pipe(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)]))
  .refine(([minLng, minLat, maxLng, maxLat]) => minLng <= maxLng && minLat <= maxLat, 'min must not exceed max')
  .transform(([minLng, minLat, maxLng, maxLat]): BBox => ({ minLng, minLat, maxLng, maxLat }))

const PinQuery = z.object({
  bbox: BBoxSchema,
  zoom: z.coerce.number().int().min(0).max(22),
  period: z.string().max(16).optional(),
})

export function pinRoutes(app: Hono<AppEnv>, deps: { db: Db }): void {
  const { db } = deps
  app.get('/api/pins', (c) => {
    const user = requireUser(c)
    const q = queryParams(c, PinQuery)
    const period = q.period ?? currentPeriod(db)
    if (q.zoom < CLUSTER_BELOW_ZOOM) return c.json({ zoom: q.zoom, ...clustersIn(db, user, period, q.bbox, q.zoom) })
    return c.json({ zoom: q.zoom, ...pinsIn(db, user, period, q.bbox) })
  })
}
