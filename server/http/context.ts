// Per-request context shared by the API routes: who is calling, and guards that throw stable errors.
// The session token may come as `Authorization: Bearer`, the session cookie, or `?token=` on WebSocket upgrades only
// (a token in a URL ends up in logs and histories; browsers cannot set headers on an upgrade).

import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import type { Access, Role, User } from '../auth/access.ts'
import { ApiError } from './errors.ts'

export const SESSION_COOKIE = 'rasoat_session'

export interface AppEnv {
  Variables: { user: User | null; token: string | null }
}
export type AppContext = Context<AppEnv>

export function sessionToken(c: Context): string | null {
  const header = c.req.header('authorization')
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || null
  const cookie = getCookie(c, SESSION_COOKIE)
  if (cookie) return cookie
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') return null
  return c.req.query('token') || null
}

/** Resolves the session (if any) into c.var.user; never refuses — routes decide with requireUser/requireRole. */
export function identify(access: Access): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = sessionToken(c)
    c.set('token', token)
    c.set('user', token ? access.authenticate(token) : null)
    await next()
  }
}

export function requireUser(c: AppContext): User {
  const user = c.get('user')
  if (!user) throw new ApiError('auth/unauthenticated', 'sign in first')
  return user
}

export function requireRole(c: AppContext, ...roles: Role[]): User {
  const user = requireUser(c)
  if (!roles.includes(user.role)) {
    throw new ApiError('auth/forbidden', `role ${user.role} may not do this`, { role: user.role, allowed: roles })
  }
  return user
}
