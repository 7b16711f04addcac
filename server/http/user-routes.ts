// Minimal user administration: GET /api/users and POST /api/users, admin only.

import type { Hono } from 'hono'
import { createUser, listUsers, NewUserSchema, UnknownPlaceError, UsernameTakenError } from '../auth/users.ts'
import type { Db } from '../db/open.ts'
import { requireRole, type AppEnv } from './context.ts'
import { ApiError } from './errors.ts'
import { jsonBody } from './validate.ts'

export function userRoutes(app: Hono<AppEnv>, deps: { db: Db; now: () => number }): void {
  const { db, now } = deps

  app.get('/api/users', (c) => {
    requireRole(c, 'admin')
    return c.json({ users: listUsers(db) })
  })

  app.post('/api/users', async (c) => {
    requireRole(c, 'admin')
    const input = await jsonBody(c, NewUserSchema)
    try {
      const user = await createUser(db, input, now)
      return c.json({ user }, 201)
    } catch (err) {
      if (err instanceof UsernameTakenError) {
        throw new ApiError('user/username-taken', err.message, { username: err.username })
      }
      if (err instanceof UnknownPlaceError) {
        throw new ApiError('request/invalid', err.message, { issues: [{ path: [err.field], message: err.message }] })
      }
      throw err
    }
  })
}
