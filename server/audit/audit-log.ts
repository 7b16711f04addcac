// The audit log of administrative actions (logins, failed logins, imports, resolutions, status changes, user changes,
// reassignments, village changes, unit list replacement): one row per action, written by routes through the small `Audit` interface — SQL lives only here.

import type { Db } from '../db/open.ts'
import { foldForSearch } from '../../shared/text/fold.ts'

export const AUDIT_ACTIONS = [
  'login',
  'login-failed',
  'register-import',
  'conflict-resolved',
  'conflict-dismissed',
  'status-change',
  'user-create',
  'user-disable',
  'user-enable',
  'user-password-reset',
  'user-unlock',
  'user-update',
  'reassignment',
  'village-create',
  'village-rename',
  'village-merge',
  'village-assign',
  'village-unassign',
  'units-replace',
  'report-export',
  'period-open',
  'period-carry',
  'period-current',
  'period-close',
  'b1-table-load',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

export interface AuditEvent {
  action: AuditAction
  /** Who acted (null for a failed login by an unknown user). */
  actor: { id: string; username: string } | null
  address?: string | null
  /** What the action was about: a username, a household id, a conflict id, an import id. */
  target?: string | null
  details?: Record<string, unknown>
}

/** What routes see: one call per action, inside the action's transaction where there is one. */
export interface Audit {
  record(event: AuditEvent): void
}

export interface AuditEntry {
  id: number
  at: number
  action: AuditAction
  userId: string | null
  username: string | null
  address: string | null
  target: string | null
  details: Record<string, unknown>
}

export interface AuditQuery {
  q?: string
  action?: AuditAction
  user?: string
  from?: number
  to?: number
  /** Entries with an id below this one (the previous page's nextCursor). */
  cursor?: number
  limit: number
}

export interface AuditLog extends Audit {
  search(query: AuditQuery): { entries: AuditEntry[]; nextCursor: number | null }
}

interface Row {
  id: number
  at: number
  action: AuditAction
  user_id: string | null
  username: string | null
  address: string | null
  target: string | null
  details_json: string
}

const toEntry = (r: Row): AuditEntry => ({
  id: r.id,
  at: r.at,
  action: r.action,
  userId: r.user_id,
  username: r.username,
  address: r.address,
  target: r.target,
  details: JSON.parse(r.details_json) as Record<string, unknown>,
})

export function createAuditLog(db: Db, now: () => number = Date.now): AuditLog {
  // Whether search_text holds a word (a plain substring, not a LIKE pattern): each engine has its own function.
  const contains = db.dialect === 'postgres' ? 'strpos(search_text, ?) > 0' : 'instr(search_text, ?) > 0'
  const insert = db.prepare(
    'INSERT INTO audit_log (at, action, user_id, username, address, target, details_json, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  )
  return {
    record(e) {
      const details = JSON.stringify(e.details ?? {})
      const search = foldForSearch(
        [e.action, e.actor?.username ?? '', e.address ?? '', e.target ?? '', details].join(' '),
      )
      insert.run(
        now(),
        e.action,
        e.actor?.id ?? null,
        e.actor?.username ?? null,
        e.address ?? null,
        e.target ?? null,
        details,
        search,
      )
    },
    search(query) {
      const where: string[] = []
      const params: (string | number)[] = []
      if (query.q) {
        for (const word of foldForSearch(query.q).split(' ').filter(Boolean)) {
          where.push(contains)
          params.push(word)
        }
      }
      if (query.action) {
        where.push('action = ?')
        params.push(query.action)
      }
      if (query.user) {
        where.push('username = ?')
        params.push(query.user.trim().toLowerCase())
      }
      if (query.from !== undefined) {
        where.push('at >= ?')
        params.push(query.from)
      }
      if (query.to !== undefined) {
        where.push('at < ?')
        params.push(query.to)
      }
      if (query.cursor !== undefined) {
        where.push('id < ?')
        params.push(query.cursor)
      }
      const sql = `SELECT id, at, action, user_id, username, address, target, details_json FROM audit_log
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`
      const rows = db.prepare(sql).all(...params, query.limit + 1) as Row[]
      const more = rows.length > query.limit
      const entries = rows.slice(0, query.limit).map(toEntry)
      return { entries, nextCursor: more ? (entries[entries.length - 1]?.id ?? null) : null }
    },
  }
}
