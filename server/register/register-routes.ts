// POST /api/register/imports?period=P[&dryRun=1] (admin only): the body is the register CSV (text/csv), read as it
// streams in up to REGISTER_MAX_BYTES; answers the import report (200 when ok, 422 with the errors otherwise).
// GET /api/register/imports?period=P lists earlier imports. One import runs at a time.

import type { Hono } from 'hono'
import { z } from 'zod'
import type { Audit } from '../audit/audit-log.ts'
import type { Db } from '../db/open.ts'
import { requireRole, type AppEnv } from '../http/context.ts'
import { ApiError } from '../http/errors.ts'
import { queryParams } from '../http/validate.ts'
import type { Relay } from '../relay/index.ts'
import type { DocStore } from '../store/doc-store.ts'
import { RegisterFileError } from './register-csv.ts'
import { importRegister } from './register-import.ts'
import { createRegisterStore } from './register-store.ts'

/** 100,000 register rows are about 12 MB; the limit leaves room for long addresses. */
export const REGISTER_MAX_BYTES = 64 * 1024 * 1024
export const REGISTER_PATH = '/api/register/imports'
const CSV_TYPES = new Set(['text/csv', 'text/plain', 'application/vnd.ms-excel', 'application/octet-stream'])

const ImportQuery = z.object({
  period: z.string().min(1).max(16),
  dryRun: z.enum(['0', '1', 'true', 'false']).optional(),
  name: z.string().max(200).optional(),
})

export interface RegisterRouteDeps {
  db: Db
  docStore: DocStore | undefined
  relay: Relay | undefined
  audit: Audit
  now: () => number
}

export function registerRoutes(app: Hono<AppEnv>, deps: RegisterRouteDeps): void {
  let running = false

  app.get(REGISTER_PATH, (c) => {
    requireRole(c, 'admin')
    const { period } = queryParams(c, z.object({ period: z.string().min(1).max(16) }))
    return c.json({ imports: createRegisterStore(deps.db).imports(period) })
  })

  app.post(REGISTER_PATH, async (c) => {
    const admin = requireRole(c, 'admin')
    const q = queryParams(c, ImportQuery)
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
    if (!type || !CSV_TYPES.has(type))
      throw new ApiError('request/unsupported-type', 'send the register as text/csv', { contentType: type ?? null })
    const declared = Number(c.req.header('content-length') ?? 0)
    if (declared > REGISTER_MAX_BYTES)
      throw new ApiError('register/too-large', `the file is above ${REGISTER_MAX_BYTES} bytes`, {
        limit: REGISTER_MAX_BYTES,
      })
    const body = c.req.raw.body
    if (!body) throw new ApiError('register/empty', 'the file is empty')
    if (!deps.docStore || !deps.relay) throw new Error('register import needs the relay and the document store')
    if (running) throw new ApiError('register/busy', 'another register import is running; try again when it ends')
    running = true
    const relay = deps.relay
    try {
      const report = await importRegister(
        {
          db: deps.db,
          docStore: deps.docStore,
          writer: relay.writer,
          audit: deps.audit,
          now: deps.now,
          publish: (id, update, seq) => relay.hub.publish(id, update, seq, null),
        },
        body,
        {
          period: q.period,
          actor: admin,
          dryRun: q.dryRun === '1' || q.dryRun === 'true',
          fileName: q.name ?? null,
          maxBytes: REGISTER_MAX_BYTES,
        },
      )
      return c.json(report, report.ok ? 200 : 422)
    } catch (err) {
      if (err instanceof RegisterFileError)
        throw new ApiError(
          err.code,
          err.message,
          err.code === 'register/too-large' ? { limit: REGISTER_MAX_BYTES } : null,
        )
      throw err
    } finally {
      running = false
    }
  })
}
