// SQL behind the reference-list resources: units and the villages a user may see (with household counts for a period).
// Routes pass plain values in and get rows out (review periods: server/periods/period-store.ts).

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
