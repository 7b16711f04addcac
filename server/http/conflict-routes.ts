// Conflicts the relay detected (concurrent edits of one field): GET /api/conflicts (admin, observer; supervisors
// for their unit) and POST /api/conflicts/:id/resolve (admin only; the relay writes the chosen value).

import type { Hono } from 'hono'
import { z } from 'zod'
import type { RelayPort } from '../app.ts'
import { householdScope } from '../auth/access.ts'
import type { Db } from '../db/open.ts'
import { requireRole, type AppEnv } from './context.ts'
import { ApiError } from './errors.ts'
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

interface ConflictDbRow {
  id: string
  householdId: string
  path: string
  baseJson: string | null
  candidatesJson: string
  keptJson: string | null
  status: 'open' | 'resolved'
  resolvedBy: string | null
  resolutionJson: string | null
  createdAt: number
  resolvedAt: number | null
  headName: string | null
  villageId: string | null
  unitCode: string | null
}

const COLUMNS = `c.id, c.household_id AS householdId, c.path, c.base_json AS baseJson, c.candidates_json AS candidatesJson,
  c.kept_json AS keptJson, c.status, c.resolved_by AS resolvedBy, c.resolution_json AS resolutionJson,
  c.created_at AS createdAt, c.resolved_at AS resolvedAt, h.head_name AS headName, h.village_id AS villageId,
  h.unit_code AS unitCode`

const parse = (s: string | null): unknown => (s === null ? null : (JSON.parse(s) as unknown))

function toConflict(r: ConflictDbRow) {
  const { baseJson, candidatesJson, keptJson, resolutionJson, ...rest } = r
  return {
    ...rest,
    base: parse(baseJson),
    candidates: parse(candidatesJson) as unknown[],
    kept: parse(keptJson),
    resolution: parse(resolutionJson),
  }
}

export function conflictRoutes(app: Hono<AppEnv>, deps: { db: Db; relay: RelayPort | undefined }): void {
  const { db } = deps
  const one = () => db.prepare(`SELECT ${COLUMNS} FROM conflicts c LEFT JOIN households h ON h.id = c.household_id WHERE c.id = ?`)

  app.get('/api/conflicts', (c) => {
    const user = requireRole(c, 'admin', 'supervisor', 'observer')
    const q = queryParams(c, ListQuery)
    const scope = householdScope(user, 'h')
    const where = [scope.sql]
    const params: unknown[] = [...scope.params]
    if (q.status !== 'all') {
      where.push('c.status = ?')
      params.push(q.status)
    }
    if (q.household) {
      where.push('c.household_id = ?')
      params.push(q.household)
    }
    const rows = db
      .prepare(
        `SELECT ${COLUMNS} FROM conflicts c JOIN households h ON h.id = c.household_id
         WHERE ${where.join(' AND ')} ORDER BY c.created_at, c.id LIMIT ?`,
      )
      .all(...params, q.limit) as ConflictDbRow[]
    return c.json({ conflicts: rows.map(toConflict) })
  })

  app.post('/api/conflicts/:id/resolve', async (c) => {
    const admin = requireRole(c, 'admin')
    const id = c.req.param('id')
    const choice = await jsonBody(c, ResolveBody)
    const row = one().get(id) as ConflictDbRow | undefined
    if (!row) throw new ApiError('conflict/not-found', `no conflict ${id}`, { id })
    if (row.status !== 'open') throw new ApiError('conflict/already-resolved', `conflict ${id} is already resolved`, { id })
    if ('candidate' in choice) {
      const candidates = parse(row.candidatesJson) as unknown[]
      if (choice.candidate >= candidates.length) {
        throw new ApiError('request/invalid', 'no such candidate', {
          issues: [{ path: ['candidate'], message: `must be below ${candidates.length}` }],
        })
      }
    }
    if (!deps.relay) throw new Error('relay not running: cannot resolve conflicts')
    const result = await deps.relay.resolveConflict(id, choice, admin)
    const after = one().get(id) as ConflictDbRow
    return c.json({ conflict: toConflict(after), result })
  })
}
