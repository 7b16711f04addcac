// The conflict queue (concurrent edits of one field): GET /api/conflicts (filtered, paged, in words; admins and
// observers see all, supervisors their unit), POST /api/conflicts/:id/resolve and POST /api/conflicts/resolve (bulk,
// per-item results) — admin only; the relay writes the chosen value and tells the devices.

import type { Hono } from 'hono'
import { z } from 'zod'
import { householdScope, type Access } from '../auth/access.ts'
import type { Audit } from '../audit/audit-log.ts'
import { inWords } from '../conflicts/queue-words.ts'
import { settleConflict, type SettleChoice } from '../conflicts/settle.ts'
import type { Db } from '../db/open.ts'
import type { Relay, ResolveResult } from '../relay/index.ts'
import { createConflictStore } from '../store/conflict-store.ts'
import type { DocStore } from '../store/doc-store.ts'
import { requireRole, type AppEnv } from './context.ts'
import { ApiError } from './errors.ts'
import { jsonBody, queryParams } from './validate.ts'

const DAY_MS = 86_400_000
const MAX_BULK = 200

const time = z.coerce.number().int().min(0)
const ListQuery = z.object({
  status: z.enum(['open', 'resolved', 'dismissed', 'all']).default('open'),
  unit: z.string().max(32).optional(),
  village: z.string().max(100).optional(),
  household: z.string().max(100).optional(),
  /** A path, `*` for any member: `members.*.birthDate`. */
  field: z.string().max(200).optional(),
  openedBefore: time.optional(),
  openedAfter: time.optional(),
  olderThanDays: z.coerce.number().int().min(0).max(3650).optional(),
  /** A candidate's author (user id). */
  author: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
})

const Choice = z.union([
  z.object({ candidate: z.number().int().min(0) }).strict(),
  z.object({ value: z.json() }).strict(),
  z.object({ keep: z.enum(['newest', 'kept']) }).strict(),
  z.object({ dismiss: z.literal(true) }).strict(),
])
const BulkBody = z
  .object({
    items: z
      .array(z.intersection(z.object({ id: z.number().int().min(1) }), z.record(z.string(), z.unknown())))
      .min(1)
      .max(MAX_BULK),
  })
  .strict()

export function conflictRoutes(
  app: Hono<AppEnv>,
  deps: {
    db: Db
    access: Access
    relay: Relay | undefined
    audit: Audit
    docStore?: DocStore | undefined
    now?: () => number
  },
): void {
  const conflicts = createConflictStore(deps.db)
  const now = deps.now ?? Date.now

  function relayOf(): Relay {
    if (!deps.relay) throw new Error('relay not running: cannot resolve conflicts')
    return deps.relay
  }

  app.get('/api/conflicts', (c) => {
    const user = requireRole(c, 'admin', 'supervisor', 'observer')
    const q = queryParams(c, ListQuery)
    const before = [q.openedBefore, q.olderThanDays === undefined ? undefined : now() - q.olderThanDays * DAY_MS]
      .filter((x) => x !== undefined)
      .reduce<number | undefined>((a, b) => (a === undefined ? b : Math.min(a, b)), undefined)
    const page = conflicts.page({
      scope: householdScope(user, 'h'),
      ...(q.status !== 'all' ? { status: q.status } : {}),
      ...(q.unit ? { unitCode: q.unit } : {}),
      ...(q.village ? { villageId: q.village } : {}),
      ...(q.household ? { householdId: q.household } : {}),
      ...(q.field ? { field: q.field } : {}),
      ...(before !== undefined ? { openedBefore: before } : {}),
      ...(q.openedAfter !== undefined ? { openedAfter: q.openedAfter } : {}),
      ...(q.author ? { author: q.author } : {}),
      limit: q.limit,
      offset: q.offset,
    })
    return c.json({
      conflicts: inWords(page.conflicts, conflicts, deps.docStore),
      total: page.total,
      limit: q.limit,
      offset: q.offset,
    })
  })

  /** The API error of a failed settlement (the same codes for one and for each item of a bulk request). */
  function failure(result: Extract<ResolveResult, { ok: false }>, id: string | number, choice: unknown): ApiError {
    switch (result.code) {
      case 'conflict/not-found':
      case 'conflict/already-resolved':
      case 'auth/forbidden':
        return new ApiError(result.code, result.message, { id })
      case 'conflict/invalid-choice':
        return new ApiError('request/invalid', result.message, {
          issues: [{ path: Object.keys(choice as object), message: result.message }],
        })
      default:
        throw new Error(`resolveConflict failed: ${result.code} ${result.message}`)
    }
  }

  app.post('/api/conflicts/:id/resolve', async (c) => {
    const admin = requireRole(c, 'admin')
    const id = c.req.param('id')
    const choice = (await jsonBody(c, Choice)) as SettleChoice
    const result = await settleConflict({ relay: relayOf(), audit: deps.audit }, id, choice, admin)
    if (!result.ok) throw failure(result, id, choice)
    return c.json({ conflict: result.conflict, serverSeq: result.serverSeq })
  })

  // Many at once: each item is settled on its own (all or nothing per item); one bad item never stops the others.
  app.post('/api/conflicts/resolve', async (c) => {
    const admin = requireRole(c, 'admin')
    const body = await jsonBody(c, BulkBody)
    const relay = relayOf()
    const results = []
    for (const item of body.items) {
      const { id, ...rest } = item
      const parsed = Choice.safeParse(rest)
      if (!parsed.success) {
        results.push({ id, ok: false, code: 'request/invalid', message: 'choose candidate, value, keep or dismiss' })
        continue
      }
      const result = await settleConflict({ relay, audit: deps.audit }, id, parsed.data as SettleChoice, admin)
      if (result.ok) results.push({ id, ok: true, status: result.conflict.status, serverSeq: result.serverSeq })
      else {
        const e = failure(result, id, parsed.data)
        results.push({ id, ok: false, code: e.code, message: e.message })
      }
    }
    return c.json({ results })
  })
}
