// Users and their village assignments: the queries behind login, `/api/users` and `cli user`: create, list and search,
// disable/enable and password reset (both end the user's sessions). Role and commune changes: user-changes.ts.

import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { foldForSearch } from '../../shared/text/fold.ts'
import { isUniqueViolation } from '../db/errors.ts'
import type { Db } from '../db/open.ts'
import { hashPassword } from './password.ts'
import { guessable, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from './password-policy.ts'
import { deleteUserSessions } from './sessions.ts'

export const ROLES = ['enumerator', 'supervisor', 'admin', 'observer'] as const
export type Role = (typeof ROLES)[number]

/** The authenticated person, as routes and the relay see them. */
export interface User {
  id: string
  username: string
  role: Role
  unitCode: string | null
  displayName: string
}

export interface UserRow {
  id: string
  username: string
  password_hash: string
  role: Role
  unit_code: string | null
  display_name: string
  created_at: number
  disabled: number
}

export function toUser(row: Pick<UserRow, 'id' | 'username' | 'role' | 'unit_code' | 'display_name'>): User {
  return { id: row.id, username: row.username, role: row.role, unitCode: row.unit_code, displayName: row.display_name }
}

export const NewUserSchema = z
  .object({
    username: z
      .string()
      .min(2)
      .max(64)
      .regex(/^[a-z0-9._-]+$/, 'lowercase letters, digits, dot, dash, underscore'),
    password: z
      .string()
      .min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`)
      .max(PASSWORD_MAX_LENGTH),
    role: z.enum(ROLES),
    unitCode: z.string().min(1).max(16).nullish(),
    villages: z.array(z.string().min(1).max(64)).max(200).optional(),
    displayName: z.string().min(1).max(120).optional(),
  })
  .strict()
  .superRefine((u, ctx) => {
    // The length is the schema's own check above; this adds the deny-list and the username.
    const weak = guessable(u.password, u.username)
    if (weak) ctx.addIssue({ code: 'custom', path: ['password'], message: weak })
    if (u.role === 'supervisor' && !u.unitCode) {
      ctx.addIssue({ code: 'custom', path: ['unitCode'], message: 'a supervisor needs a unit' })
    }
    if (u.role === 'enumerator' && !u.unitCode && (u.villages ?? []).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['villages'],
        message: 'an enumerator needs a unit or at least one village',
      })
    }
  })
export type NewUser = z.infer<typeof NewUserSchema>

export class UsernameTakenError extends Error {
  constructor(readonly username: string) {
    super(`username "${username}" is taken`)
  }
}

export class UnknownPlaceError extends Error {
  constructor(
    readonly field: 'unitCode' | 'villages',
    readonly value: string,
  ) {
    super(`unknown ${field === 'unitCode' ? 'unit' : 'village'} "${value}"`)
  }
}

/** Inserts a user with a hashed password and their assignments. Validates input; throws on taken names/unknown places. */
export async function createUser(db: Db, input: NewUser, now: () => number = Date.now): Promise<User> {
  const u = NewUserSchema.parse(input)
  const hash = await hashPassword(u.password)
  const villages = u.villages ?? []
  const id = randomUUID()
  const unitCode = u.unitCode ?? null
  db.transaction(() => {
    if (db.prepare('SELECT 1 FROM users WHERE username = ?').get(u.username)) throw new UsernameTakenError(u.username)
    if (unitCode && !db.prepare('SELECT 1 FROM units WHERE code = ?').get(unitCode)) {
      throw new UnknownPlaceError('unitCode', unitCode)
    }
    const villageUnit = db.prepare('SELECT unit_code FROM villages WHERE id = ?').pluck()
    for (const v of villages) {
      const unit = villageUnit.get(v) as string | undefined
      // An enumerator of a commune works only in its villages.
      if (unit === undefined || (unitCode && u.role === 'enumerator' && unit !== unitCode)) {
        throw new UnknownPlaceError('villages', v)
      }
    }
    try {
      db.prepare(
        `INSERT INTO users (id, username, password_hash, role, unit_code, display_name, created_at, disabled)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0)`,
      ).run(id, u.username, hash, u.role, unitCode, u.displayName ?? u.username, now())
    } catch (e) {
      // Another relay on the same database took the name since the lookup above.
      if (isUniqueViolation(e)) throw new UsernameTakenError(u.username)
      throw e
    }
    const assign = db.prepare('INSERT INTO assignments (user_id, village_id) VALUES (?, ?)')
    for (const v of new Set(villages)) assign.run(id, v)
  })()
  return { id, username: u.username, role: u.role, unitCode, displayName: u.displayName ?? u.username }
}

export function findUserRow(db: Db, username: string): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined
}

export interface UserListing extends User {
  disabled: boolean
  createdAt: number
  villages: string[]
}

/** Every user, or those whose username or display name holds each word of `q` (diacritics ignored). */
export function listUsers(db: Db, q = ''): UserListing[] {
  const rows = db
    .prepare(
      `SELECT u.id, u.username, u.role, u.unit_code, u.display_name, u.disabled, u.created_at,
              (SELECT string_agg(a.village_id, ',') FROM assignments a WHERE a.user_id = u.id) AS villages
       FROM users u ORDER BY u.username`,
    )
    .all() as (UserRow & { villages: string | null })[]
  const words = foldForSearch(q).split(' ').filter(Boolean)
  return rows
    .filter((r) => {
      const text = foldForSearch(`${r.username} ${r.display_name}`)
      return words.every((w) => text.includes(w))
    })
    .map((r) => ({
      ...toUser(r),
      disabled: r.disabled !== 0,
      createdAt: r.created_at,
      villages: r.villages ? r.villages.split(',').sort() : [],
    }))
}

export class UserNotFoundError extends Error {
  constructor(readonly username: string) {
    super(`no user "${username}"`)
  }
}

export class WeakPasswordError extends Error {
  constructor(readonly reason: string) {
    super(`password: ${reason}`)
  }
}

function userId(db: Db, username: string): string {
  const id = db.prepare('SELECT id FROM users WHERE username = ?').pluck().get(username) as string | undefined
  if (id === undefined) throw new UserNotFoundError(username)
  return id
}

/** Disabling or demoting the only enabled admin would leave nobody to administer the system. */
export class LastAdminError extends Error {
  constructor(readonly username: string) {
    super(`${username} is the last enabled admin`)
  }
}

export function refuseLastAdmin(db: Db, id: string, username: string): void {
  const others = db
    .prepare("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?")
    .pluck()
    .get(id) as number
  const self = db.prepare("SELECT 1 FROM users WHERE id = ? AND role = 'admin' AND disabled = 0").get(id)
  if (self && others === 0) throw new LastAdminError(username)
}

/** Disables or enables sign-in; disabling ends every session of the user (live sockets are re-checked by the relay). */
export function setUserDisabled(db: Db, username: string, disabled: boolean): { id: string; sessionsEnded: number } {
  return db.transaction(() => {
    const id = userId(db, username)
    if (disabled) refuseLastAdmin(db, id, username)
    db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, id)
    return { id, sessionsEnded: disabled ? deleteUserSessions(db, id) : 0 }
  })()
}

/** Sets a new password (the policy applies) and ends every session of the user. */
export async function setUserPassword(
  db: Db,
  username: string,
  password: string,
): Promise<{ id: string; sessionsEnded: number }> {
  userId(db, username)
  const weak = passwordProblem(password, username)
  if (weak) throw new WeakPasswordError(weak)
  const hash = await hashPassword(password)
  return db.transaction(() => {
    const id = userId(db, username)
    db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, id)
    return { id, sessionsEnded: deleteUserSessions(db, id) }
  })()
}
