// Review periods over HTTP: admins open a period (carrying the previous list), make one current and close one; admins,
// supervisors and observers read the counts per period; anyone who may read a household reads its chain of records.

import type { Hono } from 'hono'
import type { Access } from '../auth/access.ts'
import type { Audit } from '../audit/audit-log.ts'
import type { Db } from '../db/open.ts'
import { requireRole, requireUser, type AppEnv } from '../http/context.ts'
import { ApiError } from '../http/errors.ts'
import { readableHousehold } from '../http/household-routes.ts'
import { jsonBody } from '../http/validate.ts'
import type { DocStore } from '../store/doc-store.ts'
import { createPeriodService, OpenPeriodInput, PeriodError, type PeriodService } from './period-service.ts'
import { createPeriodStore } from './period-store.ts'

export interface PeriodRouteDeps {
  db: Db
  access: Access
  docStore: DocStore | undefined
  audit: Audit
  now: () => number
  /** The current period changed (the relay reconnects the devices so they sync the new period). */
  onCurrentChanged?: () => void
}

const asApiError = (e: unknown): unknown => (e instanceof PeriodError ? new ApiError(e.code, e.message) : e)

export function periodRoutes(app: Hono<AppEnv>, deps: PeriodRouteDeps): void {
  const store = createPeriodStore(deps.db)
  let service: PeriodService | null = null
  const lifecycle = (): PeriodService => {
    if (!deps.docStore) throw new Error('opening review periods needs the document store')
    return (service ??= createPeriodService({ db: deps.db, docStore: deps.docStore, audit: deps.audit, now: deps.now }))
  }
  async function run<T>(step: () => T | Promise<T>): Promise<T> {
    try {
      return await step()
    } catch (e) {
      throw asApiError(e)
    }
  }

  app.post('/api/periods', async (c) => {
    const admin = requireRole(c, 'admin')
    const input = await jsonBody(c, OpenPeriodInput)
    return c.json(await run(() => lifecycle().open(input, admin)), 201)
  })

  app.post('/api/periods/:id/carry', async (c) => {
    const admin = requireRole(c, 'admin')
    return c.json(await run(() => lifecycle().carry(c.req.param('id'), admin)))
  })

  app.post('/api/periods/:id/current', async (c) => {
    const admin = requireRole(c, 'admin')
    const before = store.current()
    const period = await run(() => lifecycle().makeCurrent(c.req.param('id'), admin))
    if (before !== period.id) deps.onCurrentChanged?.()
    return c.json({ period })
  })

  app.post('/api/periods/:id/close', async (c) => {
    const admin = requireRole(c, 'admin')
    return c.json({ period: await run(() => lifecycle().close(c.req.param('id'), admin)) })
  })

  app.get('/api/periods/counts', (c) => {
    const user = requireRole(c, 'admin', 'supervisor', 'observer')
    return c.json({ counts: store.counts(user) })
  })

  app.get('/api/households/:id/periods', (c) => {
    const user = requireUser(c)
    const id = c.req.param('id')
    readableHousehold(deps.db, deps.access, user, id)
    const records = store
      .chain(id)
      .filter((r) => r.id === id || deps.access.canRead(user, r.id))
      .map((r) => ({ ...r, certified: r.status === 'certified' }))
    return c.json({ records })
  })
}
