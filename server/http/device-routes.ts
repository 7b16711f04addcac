// POST /api/devices/report — a phone says it is alive: app version, edits and photos not yet synced.
// GET /api/devices?unit= — the console's device list: last contact, reported counts, app version, a stale flag.

import type { Hono } from 'hono'
import { z } from 'zod'
import type { ConsoleFeed } from '../live/console-feed.ts'
import { requireRole, requireUser, type AppEnv } from './context.ts'
import { ApiError } from './errors.ts'
import { consoleUnit } from './progress-routes.ts'
import { jsonBody, queryParams } from './validate.ts'

/** Distinct devices one account may report (a phone replaced a few times a season); more is refused. */
export const MAX_DEVICES_PER_USER = 10

const Report = z
  .object({
    deviceId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/),
    appVersion: z.string().min(1).max(32),
    unsyncedEdits: z.number().int().min(0).max(10_000_000),
    unsyncedPhotos: z.number().int().min(0).max(1_000_000),
  })
  .strict()

const DeviceQuery = z.object({ unit: z.string().min(1).max(16).optional() })

export function deviceRoutes(app: Hono<AppEnv>, deps: { feed: ConsoleFeed }): void {
  const { feed } = deps
  app.post('/api/devices/report', async (c) => {
    const user = requireUser(c)
    const r = await jsonBody(c, Report)
    if (!feed.store.hasDevice(user.id, r.deviceId) && feed.store.devicesOfUser(user.id) >= MAX_DEVICES_PER_USER) {
      throw new ApiError('device/too-many', `at most ${MAX_DEVICES_PER_USER} devices per account`, {
        limit: MAX_DEVICES_PER_USER,
      })
    }
    const report = { ...r, userId: user.id, lastContact: feed.now() }
    feed.store.report(report)
    feed.deviceReported(report)
    return c.json({ ok: true, lastContact: report.lastContact })
  })

  app.get('/api/devices', (c) => {
    const user = requireRole(c, 'supervisor', 'admin', 'observer')
    const unit = consoleUnit(user, queryParams(c, DeviceQuery).unit)
    const now = feed.now()
    const devices = feed.store
      .devicesOfUnit(unit)
      .map((d) => ({ ...d, stale: now - d.lastContact > feed.staleAfterMs }))
    return c.json({ unit, staleAfterMs: feed.staleAfterMs, devices })
  })
}
