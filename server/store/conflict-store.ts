// Conflicts recorded by the relay (concurrent edits of one field): listing for admins, and marking resolution.
// Writing the chosen value into the document is the relay's job (resolveConflict); this file is only the table.
import type { Db } from '../db/open.ts'
import type { JsonValue } from '../../shared/sync/messages.ts'
import type { ConflictCandidateRow } from './projections.ts'

export interface Conflict {
  id: number
  householdId: string
  path: string
  base: JsonValue | null
  candidates: ConflictCandidateRow[]
  kept: JsonValue | null
  status: 'open' | 'resolved'
  resolvedBy: string | null
  resolution: JsonValue | null
  createdAt: number
  resolvedAt: number | null
}

export interface ConflictFilter {
  status?: 'open' | 'resolved'
  householdId?: string
  /** Only conflicts of these households (the caller's scope). */
  householdIds?: readonly string[]
  limit?: number
}

export interface ConflictStore {
  list(filter?: ConflictFilter): Conflict[]
  get(id: number): Conflict | null
  /** Marks an open conflict resolved; false when it is not open. Call inside the transaction that writes the value. */
  markResolved(id: number, by: string, value: JsonValue, at: number): boolean
}

interface Row {
  id: number
  household_id: string
  path: string
  base_json: string | null
  candidates_json: string
  kept_json: string | null
  status: 'open' | 'resolved'
  resolved_by: string | null
  resolution_json: string | null
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
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
  }
}

export function createConflictStore(db: Db): ConflictStore {
  const byId = db.prepare('SELECT * FROM conflicts WHERE id = ?')
  const resolve = db.prepare(
    `UPDATE conflicts SET status = 'resolved', resolved_by = ?, resolution_json = ?, resolved_at = ? WHERE id = ? AND status = 'open'`,
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
      if (filter.householdIds)
        add('household_id IN (SELECT value FROM json_each(?))', JSON.stringify(filter.householdIds))
      const sql = `SELECT * FROM conflicts ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at, id LIMIT ?`
      return (db.prepare(sql).all(...params, filter.limit ?? 500) as Row[]).map(toConflict)
    },
    get(id) {
      const r = byId.get(id) as Row | undefined
      return r ? toConflict(r) : null
    },
    markResolved(id, by, value, at) {
      return resolve.run(by, JSON.stringify(value), at, id).changes === 1
    },
  }
}
