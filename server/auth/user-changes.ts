// Changing a user's role, commune or display name (POST /api/users/:username): a new role or commune ends their
// sessions and takes away the assignments outside it, leaving release grants as a move does. SQL only here.

import { z } from 'zod'
import type { Db } from '../db/open.ts'
import { deleteUserSessions } from './sessions.ts'
import {
  findUserRow,
  refuseLastAdmin,
  ROLES,
  toUser,
  UnknownPlaceError,
  UserNotFoundError,
  type User,
} from './users.ts'

export const UserChangeSchema = z
  .object({
    role: z.enum(ROLES).optional(),
    unitCode: z.string().min(1).max(16).nullable().optional(),
    displayName: z.string().trim().min(1).max(120).optional(),
  })
  .strict()
  .refine((c) => c.role !== undefined || c.unitCode !== undefined || c.displayName !== undefined, {
    message: 'change at least one of role, unitCode, displayName',
    path: ['role'],
  })
export type UserChange = z.infer<typeof UserChangeSchema>

/** A change that leaves the user without what their role needs (a supervisor or enumerator without a commune). */
export class UserChangeInvalidError extends Error {
  constructor(
    readonly field: 'unitCode',
    message: string,
  ) {
    super(message)
  }
}

export interface UserChangeResult {
  user: User
  sessionsEnded: number
  /** Village assignments the user lost (outside their new commune, or no longer an enumerator). */
  villagesDropped: string[]
  /** Households assigned to the user one by one that went back to their village's enumerators. */
  householdsReleased: number
}

/**
 * Changes role, commune or display name. A new role or commune ends the user's sessions. An enumerator keeps only the
 * assignments inside their commune (another role keeps none); what they lose leaves a release grant, as a move does,
 * so the edits their phone holds still arrive.
 */
export function updateUser(db: Db, username: string, change: UserChange, now: number): UserChangeResult {
  return db.transaction((): UserChangeResult => {
    const row = findUserRow(db, username)
    if (!row) throw new UserNotFoundError(username)
    const role = change.role ?? row.role
    const wanted = change.unitCode !== undefined ? change.unitCode : row.unit_code
    const unitCode = role === 'admin' || role === 'observer' ? null : wanted
    const moved = role !== row.role || unitCode !== row.unit_code
    // Accounts made before communes were required keep working until their role or commune is changed.
    if (moved && (role === 'supervisor' || role === 'enumerator') && !unitCode) {
      throw new UserChangeInvalidError('unitCode', `a ${role} needs a commune`)
    }
    if (unitCode && !db.prepare('SELECT 1 FROM units WHERE code = ?').get(unitCode)) {
      throw new UnknownPlaceError('unitCode', unitCode)
    }
    if (row.role === 'admin' && role !== 'admin') refuseLastAdmin(db, row.id, username)
    const displayName = change.displayName ?? row.display_name
    db.prepare('UPDATE users SET role = ?, unit_code = ?, display_name = ? WHERE id = ?').run(
      role,
      unitCode,
      displayName,
      row.id,
    )
    if (!moved)
      return {
        user: toUser({ ...row, display_name: displayName }),
        sessionsEnded: 0,
        villagesDropped: [],
        householdsReleased: 0,
      }
    const sessionsEnded = deleteUserSessions(db, row.id)
    const keepUnit = role === 'enumerator' ? unitCode : null
    const dropped = db
      .prepare(
        `SELECT a.village_id FROM assignments a JOIN villages v ON v.id = a.village_id
         WHERE a.user_id = ? AND v.unit_code IS DISTINCT FROM ? ORDER BY a.village_id`,
      )
      .pluck()
      .all(row.id, keepUnit) as string[]
    const grant = db.prepare(
      `INSERT INTO released_households (household_id, user_id, released_at) VALUES (?, ?, ?)
       ON CONFLICT (household_id, user_id) DO UPDATE SET released_at = excluded.released_at`,
    )
    const inVillage = db.prepare('SELECT id FROM households WHERE village_id = ? AND assignee_id IS NULL').pluck()
    for (const v of dropped) {
      for (const h of inVillage.all(v) as string[]) grant.run(h, row.id, now)
      db.prepare('DELETE FROM assignments WHERE user_id = ? AND village_id = ?').run(row.id, v)
    }
    const own = db
      .prepare('SELECT id FROM households WHERE assignee_id = ? AND unit_code IS DISTINCT FROM ?')
      .pluck()
      .all(row.id, keepUnit) as string[]
    for (const h of own) {
      grant.run(h, row.id, now)
      db.prepare('UPDATE households SET assignee_id = NULL WHERE id = ?').run(h)
    }
    return {
      user: toUser({ ...row, role, unit_code: unitCode, display_name: displayName }),
      sessionsEnded,
      villagesDropped: dropped,
      householdsReleased: own.length,
    }
  })()
}
