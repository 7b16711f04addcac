// What every socket of a signed-in user shares (/sync, /yjs, /live): whether the session it opened under still stands
// (logout, expiry, a disabled account end it), re-checked at most every SCOPE_CACHE_MS on the injected clock, once for
// all the sockets of that session.
import type { Access, User } from '../auth/access.ts'
import { SCOPE_CACHE_MS } from './scope-cache.ts'

/** Where the session is checked, and the clock (Date.now without one). */
export interface SessionDeps {
  access: Access
  now?(): number
}

/**
 * The session check as fields and a prototype method: connections extend it, so an open socket costs three fields
 * instead of a closure and its context. Without a token (tests building connections by hand) nothing is re-checked.
 */
export class SignedIn<D extends SessionDeps = SessionDeps> {
  readonly user: User
  readonly deps: D
  /** undefined: nothing to re-check; null: the session has ended (for good). */
  private token: string | null | undefined
  private checkedAt: number

  constructor(deps: D, user: User, token: string | undefined) {
    this.deps = deps
    this.user = user
    this.token = token === undefined ? undefined : own(token)
    this.checkedAt = this.clock()
  }

  /** The connection's clock: the injected one, or Date.now. */
  clock(): number {
    return this.deps.now === undefined ? Date.now() : this.deps.now()
  }

  sessionValid(): boolean {
    const token = this.token
    if (token === undefined) return true
    if (token === null) return false
    const t = this.clock()
    if (t - this.checkedAt < SCOPE_CACHE_MS && t >= this.checkedAt) return true
    const check = checkSession(this.deps.access, token, t)
    this.checkedAt = check.at
    if (check.userId === this.user.id) return true
    this.token = null
    return false
  }
}

/** The last look-up of a session: when (on the clock of the socket that made it) and whose it was (null: none). */
interface SessionCheck {
  at: number
  userId: string | null
}

/** Sessions whose last look-up is kept, per Access; past this the map starts again (a look-up costs ~10 µs). */
const MAX_SESSION_CHECKS = 20_000
const sessionChecks = new WeakMap<Access, Map<string, SessionCheck>>()

/**
 * The session of `token`, looked up at most every SCOPE_CACHE_MS for all the sockets that share it: a phone on /yjs
 * holds one socket per household, each of which would otherwise look it up on its own. A look-up made on another clock
 * (a test's) is never trusted: it is only reused when `t` falls within SCOPE_CACHE_MS after it.
 */
function checkSession(access: Access, token: string, t: number): SessionCheck {
  let checks = sessionChecks.get(access)
  if (checks === undefined) sessionChecks.set(access, (checks = new Map()))
  const last = checks.get(token)
  if (last !== undefined && t - last.at < SCOPE_CACHE_MS && t >= last.at) return last
  const check: SessionCheck = { at: t, userId: access.authenticate(token)?.id ?? null }
  if (checks.size >= MAX_SESSION_CHECKS) checks.clear()
  checks.set(token, check)
  return check
}

/** The session check on its own, for a socket that keeps its state in a closure (the live console). */
export function sessionCheck(access: Access, user: User, token: string | undefined, now: () => number): () => boolean {
  const s = new SignedIn({ access, now }, user, token)
  return () => s.sessionValid()
}

/**
 * A copy of a string kept by a long-lived object: a token or id cut from the request's URL or cookie header is a slice
 * of that string in V8 and would keep all of it alive for as long as the socket is open.
 */
export function own(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8')
}
