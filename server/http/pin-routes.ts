// GET /api/pins?bbox=minLng,minLat,maxLng,maxLat&zoom=&period=&unit=&village=&enumerator=&status=&category= — the
// supervisor map: supercluster clusters with counts by status and category, and single pins, within the user's scope.

import type { Hono } from 'hono'
import { z } from 'zod'
import type { Db } from '../db/open.ts'
import { currentPeriod } from '../db/reference-data.ts'
import type { ConsoleFeed } from '../live/console-feed.ts'
import type { BBox } from '../live/pin-index.ts'
import { FilterParams, resolveView } from '../live/view.ts'
import { requireUser, type AppEnv } from './context.ts'
import { ApiError } from './errors.ts'
import { createUserRateLimiters, DEFAULT_RATES } from '../relay/rate-limit.ts'
import { queryParams } from './validate.ts'

const BBoxSchema = z
  .string()
  .transform((s) => s.split(',').map((x) => Number(x)))
  .pipe(
    z.tuple([
      z.number().min(-180).max(180),
      z.number().min(-90).max(90),
      z.number().min(-180).max(180),
      z.number().min(-90).max(90),
    ]),
  )
  .refine(([minLng, minLat, maxLng, maxLat]) => minLng <= maxLng && minLat <= maxLat, 'min must not exceed max')
  .transform(([minLng, minLat, maxLng, maxLat]): BBox => ({ minLng, minLat, maxLng, maxLat }))

const PinQuery = FilterParams.extend({
  bbox: BBoxSchema,
  zoom: z.coerce.number().int().min(0).max(22),
  period: z.string().max(16).optional(),
  unit: z.string().min(1).max(16).optional(),
})

/**
 * Map requests per user: a view with new filters builds supercluster indexes (hundreds of ms for a commune, on the
 * relay's event loop), so a console panning and filtering gets bursts of 60 and then 4 a second.
 */
export const PIN_REQUEST_RATE = { perSecond: 4, burst: 60 }

export function pinRoutes(app: Hono<AppEnv>, deps: { db: Db; feed: ConsoleFeed; now?: () => number }): void {
  const { db, feed } = deps
  const limiterOf = createUserRateLimiters({ ...DEFAULT_RATES, read: PIN_REQUEST_RATE }, deps.now ?? Date.now)
  app.get('/api/pins', async (c) => {
    const user = requireUser(c)
    if (!limiterOf(user.id).take('read')) {
      c.header('Retry-After', '1')
      throw new ApiError('rate/limited', 'too many map requests; try again in a moment', {
        retryAfterS: 1,
        scope: 'map',
      })
    }
    const { bbox, zoom, period: p, unit, ...filters } = queryParams(c, PinQuery)
    const period = p ?? currentPeriod(db)
    const r = resolveView(feed.store, user, period, unit, filters)
    if (!r.ok) throw new ApiError(r.code, r.message)
    await feed.pins.prepare(period, r.view.units, r.view.filters, bbox)
    return c.json({ zoom, ...feed.pins.query(period, r.view.units, bbox, zoom, r.view.filters) })
  })
}
