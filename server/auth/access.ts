// Who may read or write which household: the one place roles and area scope are decided.
// Enumerators: households assigned to them (one by one, or through their villages); supervisors: their unit; admins and
// observers: everything. A household moved away stays writable, not readable, for its previous enumerator (release grant).

import type { Db } from '../db/open.ts'
import { hashToken } from './sessions.ts'
import { toUser, type User, type UserRow } from './users.ts'

export type { User, Role } from './users.ts'

export interface Access {
  authenticate(token: string): User | null
  canRead(user: User, householdId: string): boolean
  /** Also true, for an enumerator, on a household moved away from them while its release grant stands. */
  canWrite(user: User, householdId: string): boolean
  /** canRead and canWrite in one look-up (the relay's per-connection scope cache asks for both on every miss). */
  scope(user: User, householdId: string): { read: boolean; write: boolean }
  householdIdsInScope(user: User, period?: string): string[]
  /**
   * A number that moves whenever an answer of canRead, canWrite or scope may have changed, except by time alone (a
   * release grant running out): migration 021's counter of assignment, place and release-grant changes.
   */
  scopeVersion(): number
}

export interface HouseholdScope {
  sql: string
  params: unknown[]
  /** True when the scope alone selects a small part of the city (one unit or a few villages). */
  narrow: boolean
}

/** SQL condition (with its parameters) restricting a households table alias to the user's scope. */
export function householdScope(user: User, alias = 'h'): HouseholdScope {
  switch (user.role) {
    case 'admin':
    case 'observer':
      return { sql: '1 = 1', params: [], narrow: false }
    case 'supervisor':
      return { sql: `${alias}.unit_code = ?`, params: [user.unitCode ?? ''], narrow: true }
    case 'enumerator':
      // A household's own assignee overrides its village's enumerators (migration 009). Two index-bound halves (by
      // assignee, by village; `|| ''` keeps SQLite off the assignee index for the NULL test, as a unary + would, and
      // PostgreSQL reads it too): an OR of the two made SQLite walk the whole period.
      return {
        sql: `${alias}.id IN (SELECT a.id FROM households a WHERE a.assignee_id = ?
          UNION ALL SELECT v.id FROM households v WHERE v.village_id IN (SELECT village_id FROM assignments WHERE user_id = ?) AND v.assignee_id || '' IS NULL)`,
        params: [user.id, user.id],
        narrow: true,
      }
  }
}

/** How long a release grant lets the previous assignee's devices push edits made before a move, unless acknowledged. */
export const DEFAULT_RELEASE_GRANT_MS = 30 * 24 * 3_600_000

export interface AccessOptions {
  /** Lifetime of a release grant (docs/server.md "Assignments"); default DEFAULT_RELEASE_GRANT_MS. */
  releaseGrantMs?: number
}

/** SQL condition restricting a villages table alias to the villages the user may see. */
export function villageScope(user: User, alias = 'v'): { sql: string; params: unknown[] } {
  switch (user.role) {
    case 'admin':
    case 'observer':
      return { sql: '1 = 1', params: [] }
    case 'supervisor':
      return { sql: `${alias}.unit_code = ?`, params: [user.unitCode ?? ''] }
    case 'enumerator':
      return { sql: `${alias}.id IN (SELECT village_id FROM assignments WHERE user_id = ?)`, params: [user.id] }
  }
}

export function createAccess(db: Db, now: () => number = Date.now, options: AccessOptions = {}): Access {
  const grantMs = options.releaseGrantMs ?? DEFAULT_RELEASE_GRANT_MS
  const sessionUser = db.prepare(
    `SELECT u.id, u.username, u.role, u.unit_code, u.display_name
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0`,
  )
  // One look-up answers every role: the household's place and whether the user is assigned to its village.
  const householdPlace = db.prepare(
    `SELECT h.unit_code, h.village_id, h.assignee_id,
       CASE WHEN EXISTS (SELECT 1 FROM assignments a WHERE a.user_id = ? AND a.village_id = h.village_id) THEN 1 ELSE 0 END
         AS assigned
     FROM households h WHERE h.id = ?`,
  )
  const released = db.prepare(
    'SELECT 1 FROM released_households WHERE household_id = ? AND user_id = ? AND released_at > ?',
  )
  const version = db.prepare('SELECT n FROM scope_version WHERE id = 1').pluck()

  function inScope(user: User, householdId: string): boolean {
    if (user.role === 'admin' || user.role === 'observer') return true
    const h = householdPlace.get(user.id, householdId) as
      { unit_code: string; village_id: string; assignee_id: string | null; assigned: number } | undefined
    if (!h) return false
    if (user.role === 'supervisor') return user.unitCode !== null && h.unit_code === user.unitCode
    if (h.assignee_id !== null) return h.assignee_id === user.id
    return h.assigned === 1
  }

  function writable(user: User, householdId: string, readable: boolean): boolean {
    if (user.role === 'observer' || user.role === 'supervisor') return false
    if (readable) return true
    // Moved away: the edits made before the move may still arrive from the enumerator's devices.
    return user.role === 'enumerator' && released.get(householdId, user.id, now() - grantMs) !== undefined
  }

  return {
    authenticate(token) {
      if (!token || token.length > 200) return null
      const row = sessionUser.get(hashToken(token), now()) as UserRow | undefined
      return row ? toUser(row) : null
    },
    canRead: inScope,
    canWrite: (user, householdId) => writable(user, householdId, inScope(user, householdId)),
    scope(user, householdId) {
      const read = inScope(user, householdId)
      return { read, write: writable(user, householdId, read) }
    },
    scopeVersion: () => Number(version.get()), // a bigint on PostgreSQL
    householdIdsInScope(user, period) {
      const scope = householdScope(user)
      const byPeriod = period === undefined ? '' : ' AND h.period = ?'
      const params = period === undefined ? scope.params : [...scope.params, period]
      return db
        .prepare(`SELECT h.id FROM households h WHERE ${scope.sql}${byPeriod} ORDER BY h.id`)
        .pluck()
        .all(...params) as string[]
    },
  }
}
