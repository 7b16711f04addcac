// Signing in and out: POST /api/login, POST /api/logout, GET /api/me.
// Every attempt is counted by the limiter before its password is checked (a device the account used before has its own
// budget); unknown usernames cost the same scrypt work.

import type { Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import type { Audit } from '../audit/audit-log.ts'
import type { LoginLimiter } from '../auth/login-limiter.ts'
import { dummyHash, verifyPassword } from '../auth/password.ts'
import { createSession, deleteSession, isKnownDevice, SESSION_TTL_MS } from '../auth/sessions.ts'
import { findUserRow, toUser } from '../auth/users.ts'
import type { Db } from '../db/open.ts'
import { clientAddress } from './client-address.ts'
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

export interface SessionRouteDeps {
  db: Db
  limiter: LoginLimiter
  now: () => number
  /** The cookie gets `Secure` (the server serves TLS itself or sits behind a TLS proxy). */
  secureCookies: boolean
  /** Take the caller's address from the proxy's X-Forwarded-For. */
  trustProxy: boolean
  audit: Audit
}

/** "4 min" / "45 s": how long, for logs and API clients; the app words it from details.retryAfterS. */
function waitText(seconds: number): string {
  return seconds >= 90 ? `${Math.ceil(seconds / 60)} min` : `${seconds} s`
}

export function sessionRoutes(app: Hono<AppEnv>, deps: SessionRouteDeps): void {
  const { db, limiter, now } = deps
  let unknownUserHash: Promise<string> | null = null

  app.post('/api/login', async (c) => {
    const body = await jsonBody(c, LoginSchema)
    const username = body.username.trim().toLowerCase()
    const row = findUserRow(db, username)
    const device =
      row && body.deviceId !== undefined && isKnownDevice(db, row.id, body.deviceId) ? body.deviceId : undefined
    const admission = limiter.begin(username, clientAddress(c, deps.trustProxy), device)
    if (!admission.ok) {
      const retryAfterS = Math.max(1, Math.ceil(admission.retryAfterMs / 1000))
      c.header('Retry-After', String(retryAfterS))
      const whose =
        admission.scope === 'account'
          ? 'this account'
          : admission.scope === 'address'
            ? 'this network address'
            : 'the server'
      throw new ApiError(
        'rate/limited',
        `too many failed sign-ins for ${whose}; try again in ${waitText(retryAfterS)}`,
        {
          retryAfterS,
          scope: admission.scope,
        },
      )
    }
    const { attempt } = admission
    let ok = false
    try {
      unknownUserHash ??= dummyHash()
      ok = (await verifyPassword(body.password, row?.password_hash ?? (await unknownUserHash))) && row?.disabled === 0
    } finally {
      if (!ok) attempt.failed() // also when the check itself threw
    }
    const address = clientAddress(c, deps.trustProxy)
    if (!ok || !row) {
      deps.audit.record({
        action: 'login-failed',
        actor: null,
        address,
        target: username,
        details: { reason: row?.disabled ? 'disabled' : 'invalid-credentials' },
      })
      throw new ApiError('auth/invalid-credentials', 'wrong username or password')
    }
    attempt.succeeded()
    const session = createSession(db, row.id, { deviceId: body.deviceId ?? null, now: now() })
    deps.audit.record({
      action: 'login',
      actor: { id: row.id, username: row.username },
      address,
      details: { deviceId: body.deviceId ?? null },
    })
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
      secure: deps.secureCookies || new URL(c.req.url).protocol === 'https:',
    })
    return c.json({ token: session.token, user: toUser(row), expiresAt: session.expiresAt })
  })

  app.post('/api/logout', (c) => {
    requireUser(c)
    const token = c.get('token')
    if (token) deleteSession(db, token)
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: deps.secureCookies })
    return c.json({ ok: true })
  })

  app.get('/api/me', (c) => c.json({ user: requireUser(c) }))
}
