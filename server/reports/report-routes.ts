// GET /api/reports (JSON), /api/reports/export.xlsx and /api/reports/<table>.csv: the official report of a period
// over the city, a commune or a village. Supervisors see their own commune only; admins and observers any area.

import { PassThrough, Readable } from 'node:stream'
import type { Hono } from 'hono'
import { z } from 'zod'
import type { Audit } from '../audit/audit-log.ts'
import type { User } from '../auth/users.ts'
import type { Db } from '../db/open.ts'
import { currentPeriod } from '../db/reference-data.ts'
import { requireRole, type AppContext, type AppEnv } from '../http/context.ts'
import { ApiError } from '../http/errors.ts'
import { queryParams } from '../http/validate.ts'
import { buildReport, type Report } from './report.ts'
import { fileName, tableCsv, writeXlsx } from './report-export.ts'
import { createReportStore } from './report-store.ts'
import { TABLE_IDS } from './report-tables.ts'

const code = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/)
const ReportQuery = z.object({
  period: code.max(16).optional(),
  unit: code.max(16).optional(),
  village: code.optional(),
})

export function reportRoutes(app: Hono<AppEnv>, deps: { db: Db; audit: Audit }): void {
  const store = createReportStore(deps.db)

  /** Who took which figures out of the system, and in which file. */
  function recordExport(user: User, r: Report, details: Record<string, unknown>): void {
    deps.audit.record({
      action: 'report-export',
      actor: { id: user.id, username: user.username },
      target: [r.period, r.area.unit ?? 'city', r.area.village].filter((x) => x !== null).join('/'),
      details: { ...details, state: r.state },
    })
  }

  function reportOf(c: AppContext, user = requireRole(c, 'supervisor', 'admin', 'observer')): Report {
    const q = queryParams(c, ReportQuery)
    let unit = q.unit ?? null
    if (user.role === 'supervisor') {
      if (user.unitCode === null || (unit !== null && unit !== user.unitCode))
        throw new ApiError('auth/forbidden', 'only your own unit', { unit })
      unit = user.unitCode
    }
    if (q.village !== undefined && unit === null)
      throw new ApiError('request/invalid', 'a village needs its unit', {
        issues: [{ path: 'unit', message: 'required with village' }],
      })
    return buildReport(store, { period: q.period ?? currentPeriod(deps.db), unit, village: q.village ?? null })
  }

  app.get('/api/reports', (c) => c.json(reportOf(c)))

  app.get('/api/reports/export.xlsx', (c) => {
    const user = requireRole(c, 'supervisor', 'admin', 'observer')
    const report = reportOf(c, user)
    recordExport(user, report, { format: 'xlsx' })
    const out = new PassThrough()
    writeXlsx(report, out).catch((e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))))
    return new Response(Readable.toWeb(out) as ReadableStream<Uint8Array>, {
      headers: {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="${fileName(report, 'xlsx')}"`,
        'cache-control': 'no-store',
      },
    })
  })

  app.get('/api/reports/:file{[a-z-]+\\.csv}', (c) => {
    const user = requireRole(c, 'supervisor', 'admin', 'observer')
    const id = c.req.param('file').replace(/\.csv$/, '')
    if (!(TABLE_IDS as readonly string[]).includes(id))
      throw new ApiError('report/unknown-table', `no table ${id}`, { table: id, tables: TABLE_IDS })
    const report = reportOf(c, user)
    const table = report.tables.find((t) => t.id === id)
    if (!table) throw new ApiError('report/unknown-table', `no table ${id}`, { table: id })
    recordExport(user, report, { format: 'csv', table: id })
    return c.body(tableCsv(table), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName(report, 'csv', id)}"`,
    })
  })
}
