// Conflicts recorded by the relay (concurrent edits of one field): the admins' queue (filtered, paged, scoped) and
// the settlement of one conflict (resolved with a candidate or a typed value, or dismissed as equal).
// Writing the chosen value into the document is the relay's job (resolveConflict); this file is only the table.
import type { Db } from '../db/open.ts'
import type { JsonValue } from '../../shared/sync/messages.ts'
import type { ConflictCandidateRow, RecordedConflict } from './projections.ts'

export type ConflictStatus = 'open' | 'resolved' | 'dismissed'
export type ResolutionKind = 'candidate' | 'value' | 'dismissed'

export interface Conflict {
  id: number
  householdId: string
  path: string
  base: JsonValue | null
  candidates: ConflictCandidateRow[]
  kept: JsonValue | null
  status: ConflictStatus
  resolvedBy: string | null
  resolution: JsonValue | null
  resolutionKind: ResolutionKind | null
  createdAt: number
  resolvedAt: number | null
}

export interface ConflictFilter {
  status?: ConflictStatus
  householdId?: string
  /** Only conflicts of these households (the caller's scope). */
  householdIds?: readonly string[]
  limit?: number
}

/** The queue's filters; `scope` is the caller's household condition on alias `h` (server/auth/access.ts householdScope). */
export interface QueueFilter {
  scope: { sql: string; params: unknown[] }
  status?: ConflictStatus
  unitCode?: string
  villageId?: string
  householdId?: string
  /** A field path; `*` stands for any member (or photo, proposal) id: `members.*.birthDate`. */
  field?: string
  openedBefore?: number
  openedAfter?: number
  /** The user id of a candidate's author. */
  author?: string
  limit: number
  offset: number
}

export interface QueueEntry extends Conflict {
  headName: string | null
  unitCode: string | null
  villageId: string | null
}

export interface ConflictStore {
  list(filter?: ConflictFilter): Conflict[]
  /** One page of the queue, newest first, and how many match in all. */
  page(filter: QueueFilter): { conflicts: QueueEntry[]; total: number }
  get(id: number): Conflict | null
  /** Display names of users by id (authors and resolvers shown in the queue). */
  displayNames(ids: readonly string[]): Map<string, string>
  /** Marks an open conflict resolved; false when it is not open. Call inside the transaction that writes the value. */
  markResolved(id: number, by: string, value: JsonValue, at: number, kind?: 'candidate' | 'value'): boolean
  /** Marks an open conflict dismissed (its values mean the same; nothing is written); false when it is not open. */
  markDismissed(id: number, by: string, at: number): boolean
  /** Conflicts of these households with a value by `userId`: open ones, and those settled since `since` (P12). */
  noticesFor(userId: string, householdIds: readonly string[], since: number): RecordedConflict[]
}

/** A conflict as the CONFLICT notice carries it; settled ones name who settled it. */
export function settlementNotice(c: Conflict, byName: string): RecordedConflict {
  const notice: RecordedConflict = {
    id: c.id,
    householdId: c.householdId,
    path: c.path,
    candidates: c.candidates,
    kept: c.kept,
  }
  if (c.status === 'open') return notice
  return {
    ...notice,
    settled: {
      status: c.status,
      by: byName,
      value: c.status === 'dismissed' ? null : c.resolution,
      at: c.resolvedAt ?? 0,
    },
  }
}

interface Row {
  id: number
  household_id: string
  path: string
  base_json: string | null
  candidates_json: string
  kept_json: string | null
  status: ConflictStatus
  resolved_by: string | null
  resolution_json: string | null
  resolution_kind: ResolutionKind | null
  created_at: number
  resolved_at: number | null
}

const parse = (s: string | null): JsonValue | null => (s === null ? null : (JSON.parse(s) as JsonValue))

function toConflict(r: Row): Conflict {
  return {
    id: r.id,
    householdId: r.household_id,
    path: r.path,
    base: parse(r.base_json),
    candidates: JSON.parse(r.candidates_json) as ConflictCandidateRow[],
    kept: parse(r.kept_json),
    status: r.status,
    resolvedBy: r.resolved_by,
    resolution: parse(r.resolution_json),
    resolutionKind: r.resolution_kind,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
  }
}

/** `members.*.birthDate` → a LIKE pattern (`_` and `%` in the path taken literally). */
function fieldPattern(field: string): string {
  return field.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%')
}

export function createConflictStore(db: Db): ConflictStore {
  // A JSON array parameter read as a set of values, and "one of conflict c's candidates is by ?": no common form.
  const pg = db.dialect === 'postgres'
  const IN_JSON_ARRAY = pg
    ? 'IN (SELECT jsonb_array_elements_text(CAST(? AS jsonb)))'
    : 'IN (SELECT value FROM json_each(?))'
  const BY_AUTHOR = pg
    ? `EXISTS (SELECT 1 FROM jsonb_array_elements(CAST(c.candidates_json AS jsonb)) AS j(value) WHERE j.value ->> 'userId' = ?)`
    : `EXISTS (SELECT 1 FROM json_each(c.candidates_json) j WHERE json_extract(j.value, '$.userId') = ?)`
  const byId = db.prepare('SELECT * FROM conflicts WHERE id = ?')
  const resolve = db.prepare(
    `UPDATE conflicts SET status = 'resolved', resolved_by = ?, resolution_json = ?, resolved_at = ?, resolution_kind = ?
     WHERE id = ? AND status = 'open'`,
  )
  const dismiss = db.prepare(
    `UPDATE conflicts SET status = 'dismissed', resolved_by = ?, resolution_json = NULL, resolved_at = ?,
       resolution_kind = 'dismissed' WHERE id = ? AND status = 'open'`,
  )
  const names = db.prepare(`SELECT id, display_name AS name FROM users WHERE id ${IN_JSON_ARRAY}`)
  const notices = db.prepare(
    `SELECT c.*, u.display_name AS resolver FROM conflicts c LEFT JOIN users u ON u.id = c.resolved_by
     WHERE c.household_id ${IN_JSON_ARRAY} AND (c.status = 'open' OR c.resolved_at >= ?) AND ${BY_AUTHOR}
     ORDER BY c.id`,
  )
  return {
    list(filter = {}) {
      const where: string[] = []
      const params: unknown[] = []
      const add = (cond: string, param: unknown): void => {
        where.push(cond)
        params.push(param)
      }
      if (filter.status) add('status = ?', filter.status)
      if (filter.householdId) add('household_id = ?', filter.householdId)
      if (filter.householdIds) add(`household_id ${IN_JSON_ARRAY}`, JSON.stringify(filter.householdIds))
      const sql = `SELECT * FROM conflicts ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at, id LIMIT ?`
      return (db.prepare(sql).all(...params, filter.limit ?? 500) as Row[]).map(toConflict)
    },
    page(f) {
      const where: string[] = [`(${f.scope.sql})`]
      const params: unknown[] = [...f.scope.params]
      const add = (cond: string, param: unknown): void => {
        where.push(cond)
        params.push(param)
      }
      if (f.status) add('c.status = ?', f.status)
      if (f.unitCode) add('h.unit_code = ?', f.unitCode)
      if (f.villageId) add('h.village_id = ?', f.villageId)
      if (f.householdId) add('c.household_id = ?', f.householdId)
      if (f.field !== undefined && f.field.includes('*')) add(`c.path LIKE ? ESCAPE '\\'`, fieldPattern(f.field))
      else if (f.field !== undefined) add('c.path = ?', f.field)
      if (f.openedBefore !== undefined) add('c.created_at < ?', f.openedBefore)
      if (f.openedAfter !== undefined) add('c.created_at >= ?', f.openedAfter)
      if (f.author !== undefined) add(BY_AUTHOR, f.author)
      const from = `FROM conflicts c JOIN households h ON h.id = c.household_id WHERE ${where.join(' AND ')}`
      const total = (db.prepare(`SELECT count(*) AS n ${from}`).get(...params) as { n: number }).n
      const rows = db
        .prepare(
          `SELECT c.*, h.head_name AS head_name, h.unit_code AS unit_code, h.village_id AS village_id ${from}
           ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?`,
        )
        .all(...params, f.limit, f.offset) as (Row & { head_name: string; unit_code: string; village_id: string })[]
      return {
        total,
        conflicts: rows.map((r) => ({
          ...toConflict(r),
          headName: r.head_name,
          unitCode: r.unit_code,
          villageId: r.village_id,
        })),
      }
    },
    get(id) {
      const r = byId.get(id) as Row | undefined
      return r ? toConflict(r) : null
    },
    displayNames(ids) {
      const rows = names.all(JSON.stringify([...new Set(ids)])) as { id: string; name: string }[]
      return new Map(rows.map((r) => [r.id, r.name]))
    },
    markResolved(id, by, value, at, kind = 'value') {
      return resolve.run(by, JSON.stringify(value), at, kind, id).changes === 1
    },
    markDismissed(id, by, at) {
      return dismiss.run(by, at, id).changes === 1
    },
    noticesFor(userId, householdIds, since) {
      const rows = notices.all(JSON.stringify(householdIds), since, userId) as (Row & { resolver: string | null })[]
      return rows.map((r) => settlementNotice(toConflict(r), r.resolver ?? r.resolved_by ?? ''))
    },
  }
}
