// Signing in and out: POST /api/login, POST /api/logout, GET /api/me.
// Login is throttled per username; unknown usernames cost the same scrypt work as known ones.

import type { Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import type { LoginLimiter } from '../auth/login-limiter.ts'
import { dummyHash, verifyPassword } from '../auth/password.ts'
import { createSession, deleteSession, SESSION_TTL_MS } from '../auth/sessions.ts'
import { findUserRow, toUser } from '../auth/users.ts'
import type { Db } from '../db/open.ts'
import { requireUser, SESSION_COOKIE, type AppEnv } from './context.ts'
import { ApiError } from './errors.ts'
import { jsonBody } from './validate.ts'

const LoginSchema = z
  .object({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(200),
    deviceId: z.string().min(1).max(100).optional(),
  })
  .strict()

export function sessionRoutes(app: Hono<AppEnv>, deps: { db: Db; limiter: LoginLimiter; now: () => number }): void {
  const { db, limiter, now } = deps
  let unknownUserHash: Promise<string> | null = null

  app.post('/api/login', async (c) => {
    const body = await jsonBody(c, LoginSchema)
    const username = body.username.trim().toLowerCase()
    const wait = limiter.retryAfter(username)
    if (wait > 0) {
      const retryAfterS = Math.ceil(wait / 1000)
      c.header('Retry-After', String(retryAfterS))
      throw new ApiError('rate/limited', 'too many failed sign-ins for this username; try later', { retryAfterS })
    }
    const row = findUserRow(db, username)
    unknownUserHash ??= dummyHash()
    const ok = await verifyPassword(body.password, row?.password_hash ?? (await unknownUserHash))
    if (!row || !ok || row.disabled !== 0) {
      limiter.fail(username)
      throw new ApiError('auth/invalid-credentials', 'wrong username or password')
    }
    limiter.succeed(username)
    const session = createSession(db, row.id, { deviceId: body.deviceId ?? null, now: now() })
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
      secure: new URL(c.req.url).protocol === 'https:',
    })
    return c.json({ token: session.token, user: toUser(row), expiresAt: session.expiresAt })
  })

  app.post('/api/logout', (c) => {
    requireUser(c)
    const token = c.get('token')
    if (token) deleteSession(db, token)
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.json({ ok: true })
  })

  app.get('/api/me', (c) => c.json({ user: requireUser(c) }))
}
