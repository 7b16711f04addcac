// Conflicts the relay detected (concurrent edits of one field): GET /api/conflicts (admins and observers see all,
// supervisors their unit) and POST /api/conflicts/:id/resolve (admin only; the relay writes the chosen value).

import type { Hono } from 'hono'
import { z } from 'zod'
import type { Access } from '../auth/access.ts'
import type { Audit } from '../audit/audit-log.ts'
import type { Db } from '../db/open.ts'
import type { Relay } from '../relay/index.ts'
import { createConflictStore } from '../store/conflict-store.ts'
import { requireRole, type AppEnv } from './context.ts'
import { ApiError } from './errors.ts'
import { getHousehold } from './household-queries.ts'
import { jsonBody, queryParams } from './validate.ts'

const ListQuery = z.object({
  status: z.enum(['open', 'resolved', 'all']).default('open'),
  household: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})

const ResolveBody = z.union([
  z.object({ candidate: z.number().int().min(0) }).strict(),
  z.object({ value: z.json() }).strict(),
])

export function conflictRoutes(
  app: Hono<AppEnv>,
  deps: { db: Db; access: Access; relay: Relay | undefined; audit: Audit },
): void {
  const { db, access } = deps
  const conflicts = createConflictStore(db)

  app.get('/api/conflicts', (c) => {
    const user = requireRole(c, 'admin', 'supervisor', 'observer')
    const q = queryParams(c, ListQuery)
    const list = conflicts.list({
      ...(q.status !== 'all' ? { status: q.status } : {}),
      ...(q.household ? { householdId: q.household } : {}),
      ...(user.role === 'supervisor' ? { householdIds: access.householdIdsInScope(user) } : {}),
      limit: q.limit,
    })
    return c.json({
      conflicts: list.map((conflict) => {
        const h = getHousehold(db, conflict.householdId)
        return {
          ...conflict,
          headName: h?.headName ?? null,
          villageId: h?.villageId ?? null,
          unitCode: h?.unitCode ?? null,
        }
      }),
    })
  })

  app.post('/api/conflicts/:id/resolve', async (c) => {
    const admin = requireRole(c, 'admin')
    const id = c.req.param('id')
    const choice = await jsonBody(c, ResolveBody)
    if (!deps.relay) throw new Error('relay not running: cannot resolve conflicts')
    const result = await deps.relay.resolveConflict(id, choice, admin)
    if (result.ok) {
      deps.audit.record({
        action: 'conflict-resolved',
        actor: admin,
        target: id,
        details: { householdId: result.conflict.householdId, path: result.conflict.path },
      })
      return c.json({ conflict: result.conflict, serverSeq: result.serverSeq })
    }
    switch (result.code) {
      case 'conflict/not-found':
      case 'conflict/already-resolved':
      case 'auth/forbidden':
        throw new ApiError(result.code, result.message, { id })
      case 'conflict/invalid-choice':
        throw new ApiError('request/invalid', result.message, {
          issues: [{ path: Object.keys(choice), message: result.message }],
        })
      default:
        throw new Error(`resolveConflict failed: ${result.code} ${result.message}`)
    }
  })
}
