// User administration: admins list (with search; observers may read it) and create users, change role or commune,
// disable/enable them, reset a password, lift the sign-in delay. Changing, disabling and resetting end sessions.

import type { Hono } from 'hono'
import { z } from 'zod'
import type { Audit } from '../audit/audit-log.ts'
import type { LoginLimiter } from '../auth/login-limiter.ts'
import { PASSWORD_MAX_LENGTH } from '../auth/password-policy.ts'
import {
  createUser,
  findUserRow,
  LastAdminError,
  listUsers,
  NewUserSchema,
  setUserDisabled,
  setUserPassword,
  UnknownPlaceError,
  UserNotFoundError,
  UsernameTakenError,
  WeakPasswordError,
} from '../auth/users.ts'
import { updateUser, UserChangeInvalidError, UserChangeSchema } from '../auth/user-changes.ts'
import type { Db } from '../db/open.ts'
import { requireRole, type AppEnv } from './context.ts'
import { ApiError } from './errors.ts'
import { jsonBody, queryParams } from './validate.ts'

const ListQuery = z.object({ q: z.string().max(200).optional() })
const PasswordResetSchema = z.object({ password: z.string().min(1).max(PASSWORD_MAX_LENGTH) }).strict()

/** Domain errors of the user store → the API's stable codes. */
function asApiError(err: unknown): unknown {
  if (err instanceof UsernameTakenError)
    return new ApiError('user/username-taken', err.message, { username: err.username })
  if (err instanceof UserNotFoundError) return new ApiError('user/not-found', err.message, { username: err.username })
  if (err instanceof UnknownPlaceError) {
    return new ApiError('request/invalid', err.message, { issues: [{ path: [err.field], message: err.message }] })
  }
  if (err instanceof LastAdminError) {
    return new ApiError('user/last-admin', 'the last enabled admin cannot be disabled or demoted', {
      username: err.username,
    })
  }
  if (err instanceof UserChangeInvalidError) {
    return new ApiError('request/invalid', err.message, { issues: [{ path: [err.field], message: err.message }] })
  }
  if (err instanceof WeakPasswordError) {
    return new ApiError('request/invalid', err.message, { issues: [{ path: ['password'], message: err.reason }] })
  }
  return err
}

export function userRoutes(
  app: Hono<AppEnv>,
  deps: { db: Db; now: () => number; limiter: LoginLimiter; audit: Audit; onScopeChanged?: () => void },
): void {
  const { db, now, limiter } = deps

  app.get('/api/users', (c) => {
    requireRole(c, 'admin', 'observer') // observers read the list; every change below is the admin's
    const { q } = queryParams(c, ListQuery)
    const users = listUsers(db, q).map((u) => ({
      ...u,
      signInDelayS: Math.ceil(limiter.accountDelay(u.username) / 1000),
    }))
    return c.json({ users })
  })

  app.post('/api/users', async (c) => {
    const admin = requireRole(c, 'admin')
    const input = await jsonBody(c, NewUserSchema)
    try {
      const user = await createUser(db, input, now)
      deps.audit.record({
        action: 'user-create',
        actor: admin,
        target: user.username,
        details: { role: user.role, unitCode: user.unitCode },
      })
      return c.json({ user }, 201)
    } catch (err) {
      throw asApiError(err)
    }
  })

  app.post('/api/users/:username', async (c) => {
    const admin = requireRole(c, 'admin')
    const username = c.req.param('username')
    const change = await jsonBody(c, UserChangeSchema)
    try {
      const r = updateUser(db, username, change, now())
      deps.audit.record({
        action: 'user-update',
        actor: admin,
        target: username,
        details: {
          ...change,
          sessionsEnded: r.sessionsEnded,
          villagesDropped: r.villagesDropped,
          householdsReleased: r.householdsReleased,
        },
      })
      if (r.villagesDropped.length + r.householdsReleased > 0) deps.onScopeChanged?.()
      return c.json(r)
    } catch (err) {
      throw asApiError(err)
    }
  })

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(`/api/users/:username/${action}`, (c) => {
      const admin = requireRole(c, 'admin')
      const username = c.req.param('username')
      if (disabled && username === admin.username) {
        throw new ApiError('user/own-account', 'an admin cannot disable their own account', { username })
      }
      try {
        const { sessionsEnded } = setUserDisabled(db, username, disabled)
        deps.audit.record({
          action: disabled ? 'user-disable' : 'user-enable',
          actor: admin,
          target: username,
          details: { sessionsEnded },
        })
        return c.json({ username, disabled, sessionsEnded })
      } catch (err) {
        throw asApiError(err)
      }
    })
  }

  app.post('/api/users/:username/password', async (c) => {
    const admin = requireRole(c, 'admin')
    const username = c.req.param('username')
    const { password } = await jsonBody(c, PasswordResetSchema)
    try {
      const { sessionsEnded } = await setUserPassword(db, username, password)
      limiter.unlock(username)
      deps.audit.record({ action: 'user-password-reset', actor: admin, target: username, details: { sessionsEnded } })
      return c.json({ username, sessionsEnded })
    } catch (err) {
      throw asApiError(err)
    }
  })

  app.post('/api/users/:username/unlock', (c) => {
    const admin = requireRole(c, 'admin')
    const username = c.req.param('username')
    if (!findUserRow(db, username)) throw asApiError(new UserNotFoundError(username))
    const wasDelayed = limiter.unlock(username)
    deps.audit.record({ action: 'user-unlock', actor: admin, target: username, details: { wasDelayed } })
    return c.json({ username, wasDelayed })
  })
}
