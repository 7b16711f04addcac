// What every socket of a signed-in user shares (/sync, /yjs, /live): whether the session it opened under still stands
// (logout, expiry, a disabled account end it), re-checked at most every SCOPE_CACHE_MS on the injected clock.
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
    this.checkedAt = t
    if (this.deps.access.authenticate(token)?.id === this.user.id) return true
    this.token = null
    return false
  }
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
