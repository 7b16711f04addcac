// Review periods at rest: the lifecycle columns of `periods` (migration 011), the households a new period carries,
// the links between a household's records across periods, and per-period counts. SQL only here.

import { householdScope, type User } from '../auth/access.ts'
import type { Db } from '../db/open.ts'
import type { Period, PeriodCounts, PeriodStatus } from '../../shared/periods/period.ts'

export type { Period, PeriodCounts, PeriodStatus } from '../../shared/periods/period.ts'

/** What a carried record is built from: the previous record's committed place. */
export interface CarrySource {
  id: string
  unitCode: string
  villageId: string
}

/** One record of a household's chain across periods. */
export interface PeriodRecord {
  period: string
  id: string
  standard: string
  category: string
  status: string
  /** Steps from the asked record: negative for earlier periods, positive for later ones. */
  offset: number
}

export interface PeriodStore {
  get(id: string): Period | null
  list(): Period[]
  current(): string | undefined
  /** In the caller's transaction. False: the id exists (another relay may have opened it since the caller looked). */
  insert(p: {
    id: string
    standard: string
    referenceDate: string
    previousId: string | null
    openedAt: number
  }): boolean
  makeCurrent(id: string): void
  close(id: string, at: number): void
  /**
   * The next `limit` records of `from` (ids above `after`, in id order) that `to` must carry and has not carried yet:
   * poor and near-poor by their committed category, and households found in the field that were admitted.
   */
  carryBatch(from: string, to: string, after: string, limit: number): CarrySource[]
  /** In the caller's transaction, right after the record is created. */
  linkPrevious(householdId: string, previousId: string): void
  /** Whether the household's record belongs to a closed period (its edits are refused). */
  householdFrozen(householdId: string): boolean
  /** The chain of `householdId`'s records through previous_id, both ways, earliest first (at most `depth` each way). */
  chain(householdId: string, depth?: number): PeriodRecord[]
  /** Households, poor, near-poor and carried records per period, within the user's scope. */
  counts(user: User): PeriodCounts[]
}

interface PeriodRow {
  id: string
  standard: string
  referenceDate: string
  isCurrent: number
  status: PeriodStatus
  previousId: string | null
  openedAt: number | null
  closedAt: number | null
}

const PERIOD_COLUMNS = `id, standard, reference_date AS referenceDate, is_current AS isCurrent, status,
  previous_id AS previousId, opened_at AS openedAt, closed_at AS closedAt`

const toPeriod = (r: PeriodRow): Period => ({ ...r, isCurrent: r.isCurrent !== 0 })

/** Bumped by every close through a PeriodStore of the same database: a frozen check drops its cached answer at once. */
const closeGeneration = new WeakMap<Db, number>()

/** Closed periods are re-read at least this often, for a close by another process (the command line). */
export const CLOSED_PERIODS_RECHECK_MS = 1000
/** Households whose period a frozen check remembers (a household never changes period); cleared when full. */
const MAX_REMEMBERED_HOUSEHOLDS = 50_000

/**
 * `householdFrozen` for the per-update path: the closed periods are held in memory (re-read after a close in this
 * process, at once, or from another process, within CLOSED_PERIODS_RECHECK_MS), so while no period is closed the
 * check asks SQLite nothing, and otherwise only a household's period, once.
 */
export function createFrozenCheck(db: Db, now: () => number = Date.now): (householdId: string) => boolean {
  const closedIds = db.prepare(`SELECT id FROM periods WHERE status = 'closed'`).pluck()
  const periodOf = db.prepare('SELECT period FROM households WHERE id = ?').pluck()
  let closed = new Set<string>()
  let generation = -1
  let readAt = 0
  const periods = new Map<string, string>()
  return (householdId) => {
    const g = closeGeneration.get(db) ?? 0
    const t = now()
    if (g !== generation || t - readAt >= CLOSED_PERIODS_RECHECK_MS || t < readAt) {
      closed = new Set(closedIds.all() as string[])
      generation = g
      readAt = t
    }
    if (closed.size === 0) return false
    let period = periods.get(householdId)
    if (period === undefined) {
      period = periodOf.get(householdId) as string | undefined
      if (period === undefined) return false
      if (periods.size >= MAX_REMEMBERED_HOUSEHOLDS) periods.clear()
      periods.set(householdId, period)
    }
    return closed.has(period)
  }
}

/** A chain is a household's records over review periods (one a year): 50 each way is decades. */
const MAX_CHAIN_DEPTH = 50

export function createPeriodStore(db: Db): PeriodStore {
  const byId = db.prepare(`SELECT ${PERIOD_COLUMNS} FROM periods WHERE id = ?`)
  const all = db.prepare(`SELECT ${PERIOD_COLUMNS} FROM periods ORDER BY id DESC`)
  const current = db.prepare('SELECT id FROM periods WHERE is_current = 1 ORDER BY id DESC LIMIT 1').pluck()
  const insert = db.prepare(
    `INSERT INTO periods (id, standard, reference_date, is_current, status, previous_id, opened_at)
     VALUES (?, ?, ?, 0, 'open', ?, ?) ON CONFLICT (id) DO NOTHING`,
  )
  const clearCurrent = db.prepare('UPDATE periods SET is_current = 0 WHERE is_current <> 0 AND id <> ?')
  const setCurrent = db.prepare('UPDATE periods SET is_current = 1 WHERE id = ?')
  const close = db.prepare(`UPDATE periods SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'`)
  const carryBatch = db.prepare(
    `SELECT h.id, h.unit_code AS unitCode, h.village_id AS villageId FROM households h
     WHERE h.period = ? AND h.id > ?
       AND (h.category IN ('poor', 'near_poor') OR h.admission = 'approved')
       AND (h.admission IS NULL OR h.admission <> 'rejected')
       AND NOT EXISTS (SELECT 1 FROM households n WHERE n.period = ? AND n.previous_id = h.id)
     ORDER BY h.id LIMIT ?`,
  )
  const link = db.prepare('UPDATE households SET previous_id = ? WHERE id = ?')
  const frozen = db
    .prepare(`SELECT 1 FROM households h JOIN periods p ON p.id = h.period WHERE h.id = ? AND p.status = 'closed'`)
    .pluck()
  const chain = db.prepare(
    `WITH RECURSIVE
       back(id, step) AS (
         SELECT CAST(? AS TEXT), 0
         UNION ALL
         SELECT h.previous_id, back.step - 1 FROM households h JOIN back ON h.id = back.id
         WHERE h.previous_id IS NOT NULL AND back.step > -CAST(? AS INTEGER)),
       fwd(id, step) AS (
         SELECT CAST(? AS TEXT), 0
         UNION ALL
         SELECT h.id, fwd.step + 1 FROM households h JOIN fwd ON h.previous_id = fwd.id WHERE fwd.step < ?)
     SELECT h.period, h.id, p.standard, h.category, h.status, c.step AS "offset"
     FROM (SELECT id, step FROM back UNION SELECT id, step FROM fwd) c
     JOIN households h ON h.id = c.id JOIN periods p ON p.id = h.period
     ORDER BY c.step, h.period, h.id`,
  )
  return {
    get: (id) => {
      const r = byId.get(id) as PeriodRow | undefined
      return r ? toPeriod(r) : null
    },
    list: () => (all.all() as PeriodRow[]).map(toPeriod),
    current: () => current.get() as string | undefined,
    insert: (p) => insert.run(p.id, p.standard, p.referenceDate, p.previousId, p.openedAt).changes === 1,
    makeCurrent(id) {
      db.transaction(() => {
        clearCurrent.run(id)
        setCurrent.run(id)
      })()
    },
    close(id, at) {
      close.run(at, id)
      closeGeneration.set(db, (closeGeneration.get(db) ?? 0) + 1)
    },
    carryBatch: (from, to, after, limit) => carryBatch.all(from, after, to, limit) as CarrySource[],
    linkPrevious: (householdId, previousId) => void link.run(previousId, householdId),
    householdFrozen: (householdId) => frozen.get(householdId) !== undefined,
    chain: (householdId, depth = MAX_CHAIN_DEPTH) =>
      chain.all(householdId, depth, householdId, depth) as PeriodRecord[],
    counts(user) {
      const scope = householdScope(user, 'h')
      return db
        .prepare(
          `SELECT h.period, COUNT(*) AS households, SUM(CASE WHEN h.category = 'poor' THEN 1 ELSE 0 END) AS poor,
                  SUM(CASE WHEN h.category = 'near_poor' THEN 1 ELSE 0 END) AS nearPoor,
                  SUM(CASE WHEN h.previous_id IS NOT NULL THEN 1 ELSE 0 END) AS carried
           FROM households h WHERE ${scope.sql} AND (h.admission IS NULL OR h.admission <> 'rejected')
           GROUP BY h.period ORDER BY h.period DESC`,
        )
        .all(...scope.params) as PeriodCounts[]
    },
  }
}
