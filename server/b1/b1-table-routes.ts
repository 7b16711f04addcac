// GET /api/b1-tables (anyone signed in, read-only): the active Phiếu B1 point tables in full (phones keep them for
// offline scoring) and, for the console's roles, every load with who and when. POST /api/b1-tables (admin): load one table file, all or nothing.

import type { Hono } from 'hono'
import { z } from 'zod'
import type { Audit } from '../audit/audit-log.ts'
import type { Db } from '../db/open.ts'
import { requireRole, requireUser, type AppEnv } from '../http/context.ts'
import { ApiError } from '../http/errors.ts'
import { jsonBody } from '../http/validate.ts'
import { loadB1Table } from '../../shared/rules/b1-table-schema.ts'
import { STANDARDS } from '../../shared/rules/standards.ts'
import type { DocStore } from '../store/doc-store.ts'
import { reclassifyStandard } from './b1-reclassify.ts'
import { createB1TableStore } from './b1-table-store.ts'

export const B1_TABLES_PATH = '/api/b1-tables'

export interface B1TableRouteDeps {
  db: Db
  audit: Audit
  now: () => number
  /** Stored households are reclassified with a newly loaded table (in the background) when present. */
  docStore?: DocStore | undefined
  logError?: (err: unknown) => void
  /** Told which households' categories the reclassification changed (the live console feed). */
  onReclassified?: (householdIds: readonly string[]) => void
}

export function b1TableRoutes(app: Hono<AppEnv>, deps: B1TableRouteDeps): void {
  const store = createB1TableStore(deps.db)
  // One reclassification at a time, in load order.
  let reclassifying: Promise<unknown> = Promise.resolve()

  app.get(B1_TABLES_PATH, (c) => {
    const user = requireUser(c)
    // Phones need only the tables; who loaded what (admin usernames) is for the console's roles.
    return c.json({ active: store.active(), loads: user.role === 'enumerator' ? [] : store.list() })
  })

  app.post(B1_TABLES_PATH, async (c) => {
    const admin = requireRole(c, 'admin')
    const json = await jsonBody(c, z.unknown())
    const r = loadB1Table(
      json,
      STANDARDS.map((s) => s.id),
    )
    if (!r.ok)
      throw new ApiError('b1-table/invalid', 'the point table has errors; nothing was loaded', { errors: r.errors })
    const { table } = r
    const out = deps.db.transaction(() => {
      const loaded = store.load(table, admin.id, deps.now())
      deps.audit.record({
        action: 'b1-table-load',
        actor: { id: admin.id, username: admin.username },
        target: `${table.standard}/${table.areaType}`,
        details: { version: table.version, replacedVersion: loaded.replaced?.version ?? null, id: loaded.row.id },
      })
      return loaded
    })()
    const docStore = deps.docStore
    if (docStore) {
      reclassifying = reclassifying
        .then(() => reclassifyStandard(deps.db, docStore, table.standard, deps.onReclassified))
        .catch((err: unknown) => (deps.logError ?? console.error)(err))
    }
    return c.json(out, 201)
  })
}
