// The report queries: aggregates of the committed summary rows (with the report facts of migration 016) of one period,
// per commune or per village, joined to each record's predecessors for the movement tables. All SQL of reports is here.

import { createPendingFactsStore } from './pending-facts-store.ts'
import type { Db, Statement } from '../db/open.ts'

export interface PeriodRow {
  id: string
  standard: string
  status: 'open' | 'closed'
  previousId: string | null
  closedAt: number | null
}

/** Where a report looks: the whole city, one commune, or one village of a commune. */
export type Scope = { unit: null; village: null } | { unit: string; village: string | null }

/** Bits of the deprivation mask a report counts (I01…I14). */
export const INDICATOR_BITS = 14

/**
 * One group of records with a movement: same area (of the current record), category, previous category and earlier
 * history. Poor and near-poor records carry their report facts; the others (previous poor / near-poor that left the
 * lists) carry zeros.
 */
export interface CategoryGroup {
  unit: string
  village: string
  category: string
  previous: string | null
  /** Poor / near-poor in a period before the previous one. */
  poorBefore: number
  nearPoorBefore: number
  n: number
  members: number
  ethnicMinority: number
  meritorious: number
  noWorkingCapacity: number
  socialProtection: number
  /** Deprived households per indicator bit (d0 = I01 …). */
  d: number[]
}

/** Records of an area by status and category. */
export interface CountRow {
  unit: string
  village: string
  status: string
  category: string
  n: number
}

export interface AreaCount {
  unit: string
  village: string
  key: string
  n: number
}

export interface ReportStore {
  period(id: string): PeriodRow | undefined
  /** The periods before `id`, most recent first (at most `max`). */
  earlierPeriods(id: string, max?: number): string[]
  /** Every record of the period by area, status and category. */
  counts(period: string, scope: Scope): CountRow[]
  /** When the last commit to a record of the period in the area happened (ms), null before any. */
  lastCommitAt(period: string, scope: Scope): number | null
  /** This period's poor and near-poor records, with their predecessors' categories (`depth` periods back). */
  listGroups(period: string, depth: number, scope: Scope): CategoryGroup[]
  /** Records now neither poor nor near-poor whose predecessor in `previous` was one of them. */
  leftGroups(period: string, previous: string, scope: Scope): CategoryGroup[]
  /** Poor and near-poor records by their causes (key = category + '|' + comma-separated causes). */
  causes(period: string, scope: Scope): AreaCount[]
  /** Poor / near-poor records of `previous` with no record in the period after (key = category), by their old area. */
  gone(previous: string, scope: Scope): AreaCount[]
  unitName(code: string): string | undefined
  unitNames(): Map<string, string>
  villageNames(unit: string): Map<string, string>
  /** Whether report facts of records committed before migration 016 are still being recomputed (fact-reprojection.ts). */
  factsPending(): boolean
}

function where(alias: string, scope: Scope): string {
  if (scope.unit === null) return `${alias}.period = ?`
  if (scope.village === null) return `${alias}.unit_code = ? AND ${alias}.period = ?`
  return `${alias}.village_id = ? AND ${alias}.unit_code = ? AND ${alias}.period = ?`
}

function params(period: string, scope: Scope): string[] {
  if (scope.unit === null) return [period]
  if (scope.village === null) return [scope.unit, period]
  return [scope.village, scope.unit, period]
}

const scopeKey = (scope: Scope): string => (scope.unit === null ? 'city' : scope.village === null ? 'unit' : 'village')

const LISTS = `('poor', 'near_poor')`

/** This period's poor and near-poor records, grouped, with `depth` predecessors joined (p1 … p<depth>). */
export function listGroupsSql(depth: number, scope: Scope): string {
  const joins: string[] = []
  for (let i = 1; i <= depth; i++)
    joins.push(`LEFT JOIN households p${i} ON p${i}.id = ${i === 1 ? 'h' : `p${i - 1}`}.previous_id`)
  const before = (cat: string): string =>
    depth < 2
      ? '0'
      : `CASE WHEN ${Array.from({ length: depth - 1 }, (_, i) => `p${i + 2}.category = '${cat}'`).join(' OR ')} THEN 1 ELSE 0 END`
  const bits = Array.from({ length: INDICATOR_BITS }, (_, k) => `SUM((h.deprivation_mask >> ${k}) & 1) AS d${k}`)
  return `SELECT h.unit_code AS unit, h.village_id AS village, h.category AS category,
      ${depth >= 1 ? 'p1.category' : 'NULL'} AS previous, (${before('poor')}) AS poorBefore,
      (${before('near_poor')}) AS nearPoorBefore, COUNT(*) AS n, SUM(h.member_count) AS members,
      SUM(h.ethnic_minority) AS ethnicMinority, SUM(h.meritorious) AS meritorious,
      SUM(h.no_working_capacity) AS noWorkingCapacity, SUM(h.social_protection) AS socialProtection, ${bits.join(', ')}
    FROM households h ${joins.join(' ')}
    WHERE ${where('h', scope)} AND h.category IN ${LISTS}
    GROUP BY 1, 2, 3, 4, 5, 6`
}

/**
 * Records that left both lists, found from the side that is smaller: the city's previous poor and near-poor records
 * (then their successors), or a commune's / village's records (then their predecessors).
 */
export function leftGroupsSql(scope: Scope): string {
  const head = `SELECT s.unit_code AS unit, s.village_id AS village, s.category AS category, p.category AS previous,
      0 AS poorBefore, 0 AS nearPoorBefore, COUNT(*) AS n`
  if (scope.unit === null)
    return `${head} FROM households p JOIN households s ON s.previous_id = p.id
      WHERE p.period = ? AND p.category IN ${LISTS} AND s.category NOT IN ${LISTS} GROUP BY 1, 2, 3, 4`
  return `${head} FROM households s JOIN households p ON p.id = s.previous_id
      WHERE ${where('s', scope)} AND s.category NOT IN ${LISTS} AND p.category IN ${LISTS} GROUP BY 1, 2, 3, 4`
}

const toGroup = (r: Record<string, number | string | null>): CategoryGroup => ({
  unit: r.unit as string,
  village: r.village as string,
  category: r.category as string,
  previous: r.previous as string | null,
  poorBefore: r.poorBefore as number,
  nearPoorBefore: r.nearPoorBefore as number,
  n: r.n as number,
  members: (r.members as number | undefined) ?? 0,
  ethnicMinority: (r.ethnicMinority as number | undefined) ?? 0,
  meritorious: (r.meritorious as number | undefined) ?? 0,
  noWorkingCapacity: (r.noWorkingCapacity as number | undefined) ?? 0,
  socialProtection: (r.socialProtection as number | undefined) ?? 0,
  d: Array.from({ length: INDICATOR_BITS }, (_, k) => (r[`d${k}`] as number | undefined) ?? 0),
})

export function createReportStore(db: Db): ReportStore {
  const periodStmt = db.prepare(
    `SELECT id, standard, status, previous_id AS previousId, closed_at AS closedAt FROM periods WHERE id = ?`,
  )
  const cache = new Map<string, Statement<unknown[]>>()
  const stmt = (key: string, sql: () => string): Statement<unknown[]> => {
    let s = cache.get(key)
    if (!s) cache.set(key, (s = db.prepare<unknown[]>(sql())))
    return s
  }
  // SQLite is told the covering index of the counts (no statistics on a fresh database); PostgreSQL has no index hints.
  const progressIndex = db.dialect === 'postgres' ? '' : 'INDEXED BY households_progress'
  const unitNameStmt = db.prepare('SELECT name FROM units WHERE code = ?').pluck()
  const unitsStmt = db.prepare('SELECT code, name FROM units')
  const villagesStmt = db.prepare('SELECT id, name FROM villages WHERE unit_code = ?')

  const pendingFacts = createPendingFactsStore(db)

  return {
    factsPending: () => pendingFacts.anyPending(),
    period: (id) => periodStmt.get(id) as PeriodRow | undefined,
    earlierPeriods(id, max = 10) {
      const out: string[] = []
      let p = periodStmt.get(id) as PeriodRow | undefined
      while (p?.previousId && out.length < max && !out.includes(p.previousId) && p.previousId !== id) {
        out.push(p.previousId)
        p = periodStmt.get(p.previousId) as PeriodRow | undefined
      }
      return out
    },
    counts(period, scope) {
      return stmt(
        `n${scopeKey(scope)}`,
        // Read from the covering index alone, in its order (no sort); the last commit time is one more pass below.
        () => `SELECT h.unit_code AS unit, h.village_id AS village, h.status AS status, h.category AS category,
            COUNT(*) AS n FROM households h ${progressIndex} WHERE ${where('h', scope)}
          GROUP BY 1, 2, 3, 4`,
      ).all(...params(period, scope)) as CountRow[]
    },
    lastCommitAt(period, scope) {
      return stmt(`t${scopeKey(scope)}`, () => `SELECT MAX(h.updated_at) FROM households h WHERE ${where('h', scope)}`)
        .pluck()
        .get(...params(period, scope)) as number | null
    },
    listGroups(period, depth, scope) {
      const rows = stmt(`g${depth}${scopeKey(scope)}`, () => listGroupsSql(depth, scope)).all(
        ...params(period, scope),
      ) as Record<string, number | string | null>[]
      return rows.map(toGroup)
    },
    leftGroups(period, previous, scope) {
      const rows = stmt(`l${scopeKey(scope)}`, () => leftGroupsSql(scope)).all(
        ...(scope.unit === null ? [previous] : params(period, scope)),
      ) as Record<string, number | string | null>[]
      return rows.map(toGroup)
    },
    causes(period, scope) {
      return stmt(
        `c${scopeKey(scope)}`,
        () => `SELECT h.unit_code AS unit, h.village_id AS village, h.category || '|' || h.causes AS key, COUNT(*) AS n
          FROM households h WHERE ${where('h', scope)} AND h.category IN ${LISTS} AND h.causes <> ''
          GROUP BY 1, 2, 3`,
      ).all(...params(period, scope)) as AreaCount[]
    },
    gone(previous, scope) {
      return stmt(
        `x${scopeKey(scope)}`,
        () => `SELECT p.unit_code AS unit, p.village_id AS village, p.category AS key, COUNT(*) AS n
          FROM households p WHERE ${where('p', scope)} AND p.category IN ${LISTS}
            AND NOT EXISTS (SELECT 1 FROM households s WHERE s.previous_id = p.id)
          GROUP BY 1, 2, 3`,
      ).all(...params(previous, scope)) as AreaCount[]
    },
    unitName: (code) => unitNameStmt.get(code) as string | undefined,
    unitNames: () => new Map((unitsStmt.all() as { code: string; name: string }[]).map((u) => [u.code, u.name])),
    villageNames: (unit) =>
      new Map((villagesStmt.all(unit) as { id: string; name: string }[]).map((v) => [v.id, v.name])),
  }
}
