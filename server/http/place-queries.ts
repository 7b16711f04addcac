// SQL behind the reference-list resources: units, the villages a user may see (with household counts for a period),
// and the review periods. Routes pass plain values in and get rows out.

import { villageScope, type User } from '../auth/access.ts'
import type { Db } from '../db/open.ts'

export interface UnitRow {
  code: string
  name: string
  kind: string
  areaType: string
}

export interface VillageRow {
  id: string
  unitCode: string
  name: string
  householdCount: number
}

export interface PeriodRow {
  id: string
  standard: string
  referenceDate: string
  isCurrent: boolean
}

export function listUnits(db: Db): UnitRow[] {
  return db.prepare('SELECT code, name, kind, area_type AS areaType FROM units ORDER BY kind, name').all() as UnitRow[]
}

/** Villages in the user's scope, optionally of one unit, each with its number of households in `period`. */
export function listVillages(db: Db, user: User, opts: { period: string; unit?: string | undefined }): VillageRow[] {
  const scope = villageScope(user, 'v')
  const byUnit = opts.unit ? ' AND v.unit_code = ?' : ''
  return db
    .prepare(
      `SELECT v.id, v.unit_code AS unitCode, v.name,
              (SELECT COUNT(*) FROM households h WHERE h.village_id = v.id AND h.period = ?) AS householdCount
       FROM villages v WHERE ${scope.sql}${byUnit} ORDER BY v.unit_code, v.name`,
    )
    .all(opts.period, ...scope.params, ...(opts.unit ? [opts.unit] : [])) as VillageRow[]
}

export function listPeriods(db: Db): PeriodRow[] {
  const rows = db
    .prepare(
      'SELECT id, standard, reference_date AS referenceDate, is_current AS isCurrent FROM periods ORDER BY id DESC',
    )
    .all() as (Omit<PeriodRow, 'isCurrent'> & { isCurrent: number })[]
  return rows.map((p) => ({ ...p, isCurrent: p.isCurrent !== 0 }))
}
