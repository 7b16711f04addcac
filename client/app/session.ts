// Signing in: online once (POST /api/login), then the session and a password verifier stay on the device so the
// app unlocks offline with the same password. Results are data with stable codes; the UI maps them to text.

import { checkPassword, createVerifier, type PasswordVerifier } from './password-verifier.ts'
import type { SummaryDb } from '../storage/summary-db.ts'

export interface SessionUser {
  id: string
  username: string
  role: 'enumerator' | 'supervisor' | 'admin' | 'observer'
  unitCode: string | null
  displayName: string
}

export interface StoredSession {
  token: string
  user: SessionUser
  verifier: PasswordVerifier
  loggedInAt: number
  expiresAt: number | null
}

export type LoginFailure =
  'auth/invalid-credentials' | 'auth/offline' | 'auth/rate-limited' | 'auth/server' | 'auth/unsynced-other-user'

/** A refused sign-in; a rate-limited one says how long to wait (the server's details.retryAfterS). */
export interface LoginRefusal {
  code: LoginFailure
  retryAfterS?: number
}

export type LoginResult = { ok: true; session: StoredSession; userChanged: boolean } | ({ ok: false } & LoginRefusal)

/** How to say a wait: "a moment" under 10 s, whole seconds up to 90 s, then whole minutes (rounded up). */
export function waitToSay(seconds: number): { unit: 'moment' | 'seconds' | 'minutes'; n: number } {
  if (seconds < 10) return { unit: 'moment', n: Math.ceil(seconds) }
  return seconds >= 90 ? { unit: 'minutes', n: Math.ceil(seconds / 60) } : { unit: 'seconds', n: Math.ceil(seconds) }
}

async function retryAfterS(res: Response): Promise<number | undefined> {
  const body = (await res.json().catch(() => null)) as { details?: { retryAfterS?: unknown } } | null
  const s = body?.details?.retryAfterS ?? Number(res.headers.get('retry-after'))
  return typeof s === 'number' && Number.isFinite(s) && s > 0 ? s : undefined
}

const SESSION_KEY = 'session'
/** The user whose households are stored on the device (kept after logout, so the same user keeps their data). */
const OWNER_KEY = 'owner'

export class SessionStore {
  constructor(
    private readonly summary: SummaryDb,
    private readonly fetchFn: typeof fetch = (...a) => fetch(...a),
    private readonly baseUrl = '',
    private readonly now: () => number = Date.now,
  ) {}

  load(): Promise<StoredSession | undefined> {
    return this.summary.getSetting<StoredSession>(SESSION_KEY)
  }

  owner(): Promise<string | undefined> {
    return this.summary.getSetting<string>(OWNER_KEY)
  }

  /**
   * Online login. `unsynced` is what the device still holds unsent: another user may not sign in over it.
   * The verifier is derived before the session is stored, so a stored session can always be unlocked.
   */
  async login(username: string, password: string, deviceId: string, unsynced: number): Promise<LoginResult> {
    let res: Response
    try {
      res = await this.fetchFn(`${this.baseUrl}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password, deviceId }),
      })
    } catch {
      return { ok: false, code: 'auth/offline' }
    }
    if (res.status === 429) {
      const wait = await retryAfterS(res)
      return { ok: false, code: 'auth/rate-limited', ...(wait !== undefined ? { retryAfterS: wait } : {}) }
    }
    if (res.status === 401 || res.status === 400 || res.status === 403)
      return { ok: false, code: 'auth/invalid-credentials' }
    if (!res.ok) return { ok: false, code: 'auth/server' }
    const body = (await res.json()) as { token: string; user: SessionUser; expiresAt?: number }
    const owner = await this.owner()
    const userChanged = owner !== undefined && owner !== body.user.id
    if (userChanged && unsynced > 0) {
      // Sign the new session out again: the device keeps the other user's unsynced work.
      void this.fetchFn(`${this.baseUrl}/api/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${body.token}` },
      }).catch(() => undefined)
      return { ok: false, code: 'auth/unsynced-other-user' }
    }
    const session: StoredSession = {
      token: body.token,
      user: body.user,
      verifier: await createVerifier(password),
      loggedInAt: this.now(),
      expiresAt: body.expiresAt ?? null,
    }
    await this.summary.setSetting(SESSION_KEY, session)
    await this.summary.setSetting(OWNER_KEY, body.user.id)
    return { ok: true, session, userChanged }
  }

  /** Offline unlock with the password of the last online login. */
  unlock(session: StoredSession, password: string): Promise<boolean> {
    return checkPassword(password, session.verifier)
  }

  /** Forget the session (the caller has checked nothing is unsynced). The server session is revoked when reachable. */
  async logout(session: StoredSession): Promise<void> {
    await this.summary.deleteSetting(SESSION_KEY)
    await this.fetchFn(`${this.baseUrl}/api/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}` },
    }).catch(() => undefined)
  }
}
