// GET /api/lists?period&unit&village&list — a commune's detailed list (poor, near-poor, escaped poor, escaped near-poor)
// for public posting and signature: verified-or-later records of the area, their movement flag and their members, read
// from the committed household documents. Supervisors their commune, admins and observers any; enumerators none.

import type { Hono } from 'hono'
import { z } from 'zod'
import type { Db } from '../db/open.ts'
import { currentPeriod } from '../db/reference-data.ts'
import { requireRole, type AppEnv } from '../http/context.ts'
import { ApiError } from '../http/errors.ts'
import { consoleUnit } from '../http/progress-routes.ts'
import { queryParams } from '../http/validate.ts'
import type { DocStore } from '../store/doc-store.ts'
import type { PostingList } from '../../shared/reports/posting-list-types.ts'
import { createListDocuments } from './list-documents.ts'
import { createListStore } from './list-store.ts'
import {
  compareListHouseholds,
  FINAL_STATUSES,
  LIST_CATEGORIES,
  LIST_KINDS,
  listMove,
  POSTING_STATUSES,
  type ListHousehold,
} from './posting-list.ts'

const ListQuery = z.object({
  period: z.string().min(1).max(16).optional(),
  unit: z.string().min(1).max(16).optional(),
  village: z.string().min(1).max(64).optional(),
  list: z.enum(LIST_KINDS),
})

export function listRoutes(app: Hono<AppEnv>, deps: { db: Db; docStore?: DocStore | undefined }): void {
  const store = createListStore(deps.db)
  const documents = deps.docStore ? createListDocuments(deps.docStore) : null

  app.get('/api/lists', (c) => {
    const user = requireRole(c, 'supervisor', 'admin', 'observer')
    const q = queryParams(c, ListQuery)
    const unitCode = consoleUnit(user, q.unit)
    const periodId = q.period ?? currentPeriod(deps.db)
    const period = store.period(periodId)
    if (!period) throw new ApiError('period/not-found', `no period ${periodId}`, { period: periodId })
    const unit = store.unit(unitCode)
    if (!unit) throw new ApiError('unit/not-found', `no unit ${unitCode}`, { unit: unitCode })
    // A village of another commune answers like a missing one: the list never leaks another commune's names.
    const village = q.village === undefined ? null : (store.village(q.village, unitCode) ?? null)
    if (q.village !== undefined && village === null)
      throw new ApiError('village/not-found', `no village ${q.village} in ${unitCode}`, { village: q.village })
    if (!documents) throw new ApiError('internal', 'no document store')

    const households: ListHousehold[] = []
    const candidates = store.candidates({
      period: period.id,
      unit: unit.code,
      village: village?.id,
      statuses: POSTING_STATUSES,
      categories: LIST_CATEGORIES[q.list],
    })
    for (const { record, earlier } of candidates) {
      const move = listMove(q.list, record.category, earlier)
      const doc = move === null ? null : documents.read(record.id, record.serverSeq)
      if (move === null || doc === null) continue
      households.push({
        id: record.id,
        villageId: record.villageId,
        villageName: record.villageName,
        headName: doc.members[0]?.name ?? '',
        status: record.status,
        move,
        ...doc,
      })
    }
    households.sort(compareListHouseholds)
    const final = households.length > 0 && households.every((h) => FINAL_STATUSES.includes(h.status))
    const body: PostingList = {
      list: q.list,
      period,
      unit,
      village,
      draft: !final,
      households,
      totals: { households: households.length, members: households.reduce((n, h) => n + h.members.length, 0) },
    }
    return c.json(body)
  })
}
