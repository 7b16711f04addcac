// Household resources: GET /api/households (scoped list with filters, diacritic-free search, cursor paging),
// GET /api/households/:id (summary row), GET /api/households/:id/history (every value every user wrote),
// GET /api/households/:id/state (the committed document as one Yjs update, for reviewers who open it on demand).

import type { Hono } from 'hono'
import { z } from 'zod'
import type { Access, User } from '../auth/access.ts'
import type { Db } from '../db/open.ts'
import type { DocStore } from '../store/doc-store.ts'
import { currentPeriod } from '../db/reference-data.ts'
import { requireUser, type AppEnv } from './context.ts'
import { ApiError } from './errors.ts'
import { fieldHistory, getHousehold, listHouseholds, type HouseholdRow } from './household-queries.ts'
import { queryParams } from './validate.ts'

const ListQuery = z.object({
  period: z.string().max(16).optional(),
  village: z.string().max(64).optional(),
  unit: z.string().max(16).optional(),
  status: z.string().max(32).optional(),
  category: z.string().max(32).optional(),
  admission: z.enum(['pending', 'approved', 'rejected']).optional(),
  q: z.string().max(200).optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
})

const HistoryQuery = z.object({
  path: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
})

/** The household if it exists and the user may read it; otherwise household/not-found or auth/forbidden. */
export function readableHousehold(db: Db, access: Access, user: User, id: string): HouseholdRow {
  const row = getHousehold(db, id)
  if (!row) throw new ApiError('household/not-found', `no household ${id}`, { id })
  if (!access.canRead(user, id)) throw new ApiError('auth/forbidden', 'household outside your area', { id })
  return row
}

export function householdRoutes(
  app: Hono<AppEnv>,
  deps: { db: Db; access: Access; docStore?: DocStore | undefined },
): void {
  const { db, access, docStore } = deps

  app.get('/api/households', (c) => {
    const user = requireUser(c)
    const q = queryParams(c, ListQuery)
    return c.json(listHouseholds(db, user, { ...q, period: q.period ?? currentPeriod(db) }))
  })

  app.get('/api/households/:id', (c) => {
    const user = requireUser(c)
    return c.json({ household: readableHousehold(db, access, user, c.req.param('id')) })
  })

  app.get('/api/households/:id/history', (c) => {
    const user = requireUser(c)
    const id = c.req.param('id')
    readableHousehold(db, access, user, id)
    const q = queryParams(c, HistoryQuery)
    return c.json({ householdId: id, history: fieldHistory(db, id, q) })
  })

  // Committed state only (the relay acknowledges after commit, so nothing acknowledged is missing). The browser of a
  // supervisor, admin or observer loads it into a Y.Doc in memory: no area download, nothing stored, nothing written.
  app.get('/api/households/:id/state', (c) => {
    const user = requireUser(c)
    const id = c.req.param('id')
    readableHousehold(db, access, user, id)
    const state = docStore?.readState(id) ?? null
    if (!state) throw new ApiError('household/not-found', `no document for household ${id}`, { id })
    c.header('Content-Type', 'application/octet-stream')
    return c.body(state as Uint8Array<ArrayBuffer>, 200)
  })
}
