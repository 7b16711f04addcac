// SQL of the register import: places the rows must name, which register household became which household document,
// the personal IDs already recorded in a period, and one record per import.

import type { Db } from '../db/open.ts'
import { foldForSearch } from '../../shared/text/fold.ts'

export interface ImportRecord {
  id: string
  period: string
  userId: string
  username: string
  at: number
  fileSha256: string
  fileName: string | null
  rows: number
  created: number
  proposals: number
  unchanged: number
}

export interface RegisterStore {
  periodExists(period: string): boolean
  referenceDate(period: string): string | null
  /** Unit code → area type. */
  units(): Map<string, 'urban' | 'rural'>
  /** `${unit}\u0000${folded village name}` and `${unit}\u0000${village id}` → village id. */
  villages(): Map<string, string>
  /** household_code → household id, for the period. */
  mappedHouseholds(period: string): Map<string, string>
  /** Personal IDs recorded in the period's households (from their search text) → household id. */
  personalIds(period: string): Map<string, string>
  mapHousehold(period: string, code: string, householdId: string, importId: string): void
  recordImport(r: ImportRecord): void
  imports(period: string): ImportRecord[]
}

export const villageKey = (unit: string, village: string): string => `${unit}\u0000${foldForSearch(village)}`

/** The village a register row names in its unit, by name (diacritics and case folded) or by id. */
export function findVillage(villages: ReadonlyMap<string, string>, unit: string, village: string): string | undefined {
  return villages.get(villageKey(unit, village)) ?? villages.get(`${unit}\u0000${village}`)
}

export function createRegisterStore(db: Db): RegisterStore {
  const insertMapping = db.prepare(
    'INSERT INTO register_households (period, household_code, household_id, import_id) VALUES (?, ?, ?, ?)',
  )
  const insertImport =
    db.prepare(`INSERT INTO register_imports (id, period, user_id, username, at, file_sha256, file_name, rows, created, proposals, unchanged)
    VALUES (@id, @period, @userId, @username, @at, @fileSha256, @fileName, @rows, @created, @proposals, @unchanged)`)
  return {
    periodExists: (period) => db.prepare('SELECT 1 FROM periods WHERE id = ?').get(period) !== undefined,
    referenceDate: (period) =>
      (db.prepare('SELECT reference_date FROM periods WHERE id = ?').pluck().get(period) as string | undefined) ?? null,
    units: () =>
      new Map(
        (db.prepare('SELECT code, area_type FROM units').all() as { code: string; area_type: 'urban' | 'rural' }[]).map(
          (u) => [u.code, u.area_type],
        ),
      ),
    villages() {
      const out = new Map<string, string>()
      for (const v of db.prepare('SELECT id, unit_code, name FROM villages').all() as {
        id: string
        unit_code: string
        name: string
      }[]) {
        out.set(villageKey(v.unit_code, v.name), v.id)
        out.set(`${v.unit_code}\u0000${v.id}`, v.id)
      }
      return out
    },
    mappedHouseholds: (period) =>
      new Map(
        (
          db.prepare('SELECT household_code, household_id FROM register_households WHERE period = ?').all(period) as {
            household_code: string
            household_id: string
          }[]
        ).map((r) => [r.household_code, r.household_id]),
      ),
    personalIds(period) {
      const out = new Map<string, string>()
      const rows = db.prepare('SELECT id, search_text FROM households WHERE period = ?').iterate(period) as Iterable<{
        id: string
        search_text: string
      }>
      for (const r of rows)
        for (const m of r.search_text.matchAll(/(?<!\d)(\d{12}|\d{9})(?!\d)/g)) out.set(m[1] as string, r.id)
      return out
    },
    mapHousehold: (period, code, householdId, importId) => void insertMapping.run(period, code, householdId, importId),
    recordImport: (r) => void insertImport.run(r),
    imports: (period) =>
      db
        .prepare(
          `SELECT id, period, user_id AS userId, username, at, file_sha256 AS fileSha256, file_name AS fileName, rows, created, proposals, unchanged
          FROM register_imports WHERE period = ? ORDER BY at DESC`,
        )
        .all(period) as ImportRecord[],
  }
}
