// Admins and observers read the audit log: GET /api/audit (searchable, paged newest first) and GET /api/audit.csv (the same
// filters, UTF-8 with a BOM so Excel opens Vietnamese text correctly).

import type { Hono } from 'hono'
import Papa from 'papaparse'
import { z } from 'zod'
import { requireRole, type AppEnv } from '../http/context.ts'
import { queryParams } from '../http/validate.ts'
import { AUDIT_ACTIONS, type AuditEntry, type AuditLog, type AuditQuery } from './audit-log.ts'

/** Rows in one CSV export (newest first); narrow the filters for more. */
export const AUDIT_EXPORT_MAX = 100_000

/** A time bound: epoch milliseconds or an ISO date / date-time. */
const instant = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  z.iso.date().transform((s) => Date.parse(`${s}T00:00:00Z`)),
])

const Filters = z.object({
  q: z.string().max(200).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  user: z.string().max(64).optional(),
  from: instant.optional(),
  to: instant.optional(),
})
const PageQuery = Filters.extend({
  cursor: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

function filtersOf(q: z.infer<typeof Filters>): Omit<AuditQuery, 'limit'> {
  return {
    ...(q.q ? { q: q.q } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.user ? { user: q.user } : {}),
    ...(q.from !== undefined ? { from: q.from } : {}),
    ...(q.to !== undefined ? { to: q.to } : {}),
  }
}

export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) => [
    e.id,
    new Date(e.at).toISOString(),
    e.action,
    e.username ?? '',
    e.address ?? '',
    e.target ?? '',
    JSON.stringify(e.details),
  ])
  // escapeFormulae: a value starting with = + - @ must not run as a formula when the file is opened in a spreadsheet.
  return (
    '\uFEFF' +
    Papa.unparse(
      { fields: ['id', 'at', 'action', 'user', 'address', 'target', 'details'], data: rows },
      { escapeFormulae: true, newline: '\r\n' },
    ) +
    '\r\n'
  )
}

export function auditRoutes(app: Hono<AppEnv>, deps: { audit: AuditLog }): void {
  app.get('/api/audit', (c) => {
    requireRole(c, 'admin', 'observer')
    const q = queryParams(c, PageQuery)
    return c.json(
      deps.audit.search({ ...filtersOf(q), ...(q.cursor !== undefined ? { cursor: q.cursor } : {}), limit: q.limit }),
    )
  })

  app.get('/api/audit.csv', (c) => {
    requireRole(c, 'admin', 'observer')
    const q = queryParams(c, Filters)
    const { entries } = deps.audit.search({ ...filtersOf(q), limit: AUDIT_EXPORT_MAX })
    c.header('Content-Type', 'text/csv; charset=utf-8')
    c.header('Content-Disposition', 'attachment; filename="audit.csv"')
    return c.body(auditCsv(entries))
  })
}
