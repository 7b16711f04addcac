// The admin's side of places: villages per commune (list with who is assigned, create, rename, merge, assign and
// unassign enumerators) and the replacement unit list. Admins act; observers read; every change is audited, and a
// change of who holds which household tells the relay (phones learn it at their next MANIFEST).

import type { Hono } from 'hono'
import { z } from 'zod'
import type { Audit } from '../audit/audit-log.ts'
import type { Db } from '../db/open.ts'
import { parseUnitFile, replaceUnits, UnitsInUseError } from '../places/unit-file.ts'
import { createVillageStore, VillageError } from '../places/village-store.ts'
import { requireRole, type AppEnv } from './context.ts'
import { ApiError } from './errors.ts'
import { jsonBody, queryParams } from './validate.ts'

const name = z.string().trim().min(1).max(120)
const username = z.string().min(1).max(64)
const Bodies = {
  create: z.object({ unitCode: z.string().min(1).max(16), name }).strict(),
  rename: z.object({ name }).strict(),
  merge: z.object({ into: z.string().min(1).max(128) }).strict(),
  person: z.object({ username }).strict(),
  units: z.object({ text: z.string().min(1).max(200_000), fileName: z.string().max(200).optional() }).strict(),
}
const ListQuery = z.object({ unit: z.string().min(1).max(16) })

function asApiError(err: unknown): unknown {
  if (!(err instanceof VillageError)) return err
  if (err.code === 'unit/not-found') {
    return new ApiError('request/invalid', err.message, { issues: [{ path: ['unitCode'], message: err.message }] })
  }
  return new ApiError(err.code, err.message, err.details)
}

export function placeAdminRoutes(
  app: Hono<AppEnv>,
  deps: { db: Db; audit: Audit; now: () => number; onScopeChanged?: () => void },
): void {
  const villages = createVillageStore(deps.db)
  const scopeChanged = (): void => deps.onScopeChanged?.()
  /** Runs a change, turning store errors into API errors. */
  const run = <T>(f: () => T): T => {
    try {
      return f()
    } catch (err) {
      throw asApiError(err)
    }
  }

  app.get('/api/areas/villages', (c) => {
    requireRole(c, 'admin', 'observer')
    const { unit } = queryParams(c, ListQuery)
    return c.json({ unit, villages: villages.list(unit) })
  })

  app.post('/api/areas/villages', async (c) => {
    const admin = requireRole(c, 'admin')
    const body = await jsonBody(c, Bodies.create)
    const village = run(() => villages.create(body.unitCode, body.name))
    deps.audit.record({ action: 'village-create', actor: admin, target: village.id, details: village })
    return c.json({ village }, 201)
  })

  app.post('/api/areas/villages/:id/rename', async (c) => {
    const admin = requireRole(c, 'admin')
    const { name: newName } = await jsonBody(c, Bodies.rename)
    const r = run(() => villages.rename(c.req.param('id'), newName))
    deps.audit.record({ action: 'village-rename', actor: admin, target: r.id, details: r })
    return c.json({ village: { id: r.id, unitCode: r.unitCode, name: r.name } })
  })

  app.post('/api/areas/villages/:id/merge', async (c) => {
    const admin = requireRole(c, 'admin')
    const { into } = await jsonBody(c, Bodies.merge)
    const r = run(() => villages.merge(c.req.param('id'), into))
    deps.audit.record({ action: 'village-merge', actor: admin, target: r.from, details: { ...r } })
    scopeChanged()
    return c.json(r)
  })

  app.post('/api/areas/villages/:id/assign', async (c) => {
    const admin = requireRole(c, 'admin')
    const { username: who } = await jsonBody(c, Bodies.person)
    const id = c.req.param('id')
    const r = run(() => villages.assign(id, who))
    if (r.added) {
      deps.audit.record({ action: 'village-assign', actor: admin, target: id, details: { username: who } })
      scopeChanged()
    }
    return c.json({ village: id, username: who, added: r.added })
  })

  app.post('/api/areas/villages/:id/unassign', async (c) => {
    const admin = requireRole(c, 'admin')
    const { username: who } = await jsonBody(c, Bodies.person)
    const id = c.req.param('id')
    const r = run(() => villages.unassign(id, who, deps.now()))
    if (r.removed) {
      deps.audit.record({ action: 'village-unassign', actor: admin, target: id, details: { username: who, ...r } })
      scopeChanged()
    }
    return c.json({ village: id, username: who, ...r })
  })

  app.post('/api/areas/units', async (c) => {
    const admin = requireRole(c, 'admin')
    const body = await jsonBody(c, Bodies.units)
    const parsed = parseUnitFile(body.text)
    if (!parsed.ok) {
      throw new ApiError('units/invalid', `the unit list has ${parsed.errors.length} problem(s)`, {
        errors: parsed.errors.slice(0, 200),
      })
    }
    try {
      const r = replaceUnits(deps.db, parsed.units)
      deps.audit.record({
        action: 'units-replace',
        actor: admin,
        target: body.fileName ?? null,
        details: { units: parsed.units.length, ...r },
      })
      return c.json({ units: parsed.units.length, ...r })
    } catch (err) {
      if (err instanceof UnitsInUseError) {
        throw new ApiError('units/in-use', err.message, {
          codes: err.codes,
          errors: err.codes.map((code) => ({
            path: '$.units',
            message: `unit ${code} still has villages, households or users`,
          })),
        })
      }
      throw err
    }
  })
}
