// Moving households and whole villages between enumerators (supervisors within their commune, admins anywhere), and
// who holds what per commune. A move is validated whole before anything changes; the previous enumerators keep a
// release grant so the edits their devices hold still arrive (docs/server.md "Assignments").

import type { Hono } from 'hono'
import { z } from 'zod'
import type { Audit } from '../audit/audit-log.ts'
import type { User } from '../auth/access.ts'
import type { Db } from '../db/open.ts'
import { createAssignmentStore, type AssignmentStore, type Move } from '../store/assignment-store.ts'
import { requireRole, type AppEnv } from './context.ts'
import { ApiError } from './errors.ts'
import { jsonBody, queryParams } from './validate.ts'

const id = z.string().min(1).max(128)
const MoveBody = z
  .object({
    households: z.array(id).max(5_000).default([]),
    villages: z.array(id).max(200).default([]),
    from: id.optional(),
    to: id,
  })
  .strict()
  .refine((b) => b.households.length + b.villages.length > 0, {
    message: 'name at least one household or village',
    path: ['households'],
  })

const ListQuery = z.object({ unit: z.string().min(1).max(16).optional() })

/** Refuses the whole move (nothing changed) unless every part of it may happen. */
function checkMove(store: AssignmentStore, user: User, m: Move): void {
  const unit = user.role === 'supervisor' ? (user.unitCode ?? '') : null
  const outside = (u: string): boolean => unit !== null && u !== unit
  const target = store.person(m.to)
  if (!target || target.role !== 'enumerator' || target.disabled) {
    throw new ApiError('assignment/not-an-enumerator', `${m.to} is not an active enumerator`, { to: m.to })
  }
  if (unit !== null && !store.enumeratorInUnit(m.to, unit)) {
    throw new ApiError('assignment/out-of-scope', 'the enumerator works in another commune', { to: m.to })
  }
  const missing = m.households.filter((h) => store.household(h) === undefined)
  if (missing.length > 0)
    throw new ApiError('household/not-found', `${missing.length} unknown households`, { ids: missing.slice(0, 50) })
  const noVillage = m.villages.filter((v) => store.village(v) === undefined)
  if (noVillage.length > 0)
    throw new ApiError('village/not-found', `${noVillage.length} unknown villages`, { ids: noVillage.slice(0, 50) })
  const foreign = [
    ...m.households.filter((h) => outside(store.household(h)!.unitCode)),
    ...m.villages.filter((v) => outside(store.village(v)!.unitCode)),
  ]
  if (foreign.length > 0)
    throw new ApiError('assignment/out-of-scope', 'households or villages outside your commune', {
      ids: foreign.slice(0, 50),
    })
  if (m.from === null) return
  const from = m.from
  const notHeld = [
    ...m.households.filter((h) => !store.holders(store.household(h)!).includes(from)),
    ...m.villages.filter((v) => !store.villageEnumerators(v).includes(from)),
  ]
  if (notHeld.length > 0)
    throw new ApiError('assignment/not-held', `${from} does not hold ${notHeld.length} of them`, {
      from,
      ids: notHeld.slice(0, 50),
    })
}

export function assignmentRoutes(
  app: Hono<AppEnv>,
  deps: { db: Db; now: () => number; audit?: Audit; onMoved?: () => void },
): void {
  const store = createAssignmentStore(deps.db)

  app.post('/api/assignments/move', async (c) => {
    const user = requireRole(c, 'supervisor', 'admin')
    const body = await jsonBody(c, MoveBody)
    const m: Move = {
      households: [...new Set(body.households)],
      villages: [...new Set(body.villages)],
      from: body.from ?? null,
      to: body.to,
    }
    checkMove(store, user, m)
    const counts = store.move(m, deps.now())
    deps.audit?.record({
      action: 'reassignment',
      actor: user,
      target: m.to,
      details: { from: m.from, households: m.households.slice(0, 500), villages: m.villages, moved: counts },
    })
    deps.onMoved?.()
    return c.json({ to: m.to, ...counts })
  })

  app.get('/api/assignments', (c) => {
    const user = requireRole(c, 'supervisor', 'admin')
    const q = queryParams(c, ListQuery)
    const unit = q.unit ?? (user.role === 'supervisor' ? user.unitCode : undefined)
    if (!unit)
      throw new ApiError('request/invalid', 'name a unit', { issues: [{ path: ['unit'], message: 'required' }] })
    if (user.role === 'supervisor' && unit !== user.unitCode)
      throw new ApiError('auth/forbidden', 'another commune', { unit })
    return c.json(store.list(unit))
  })
}
