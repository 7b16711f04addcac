// Sign-in limits that cannot be raced or turned against an enumerator: every attempt is counted before its password
// is checked; per account a growing delay instead of a lock-out (an admin can lift it); per address and server-wide
// generous budgets of failures, and a cap on password checks in progress (a flood must not queue without end).

export type LimitScope = 'account' | 'address' | 'global'

export interface LoginLimits {
  /** Failures per account answered at once; the delays start after these. */
  freeFailures: number
  /** Wait after the last free failure; doubles with each further failure up to maxDelayMs. */
  firstDelayMs: number
  maxDelayMs: number
  /** An account's failures are forgotten this long after its last one. */
  forgetAfterMs: number
  /** Failed attempts one address may make per window (a carrier NAT is many phones: keep it generous). */
  addressFailures: number
  /** Failed attempts the whole server accepts per window (a spray over many accounts and addresses). */
  globalFailures: number
  windowMs: number
  /** Password checks in progress (running or queued for Node's thread pool), server-wide. */
  maxConcurrent: number
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  freeFailures: 5,
  firstDelayMs: 30_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 24 * 60 * 60_000,
  addressFailures: 100,
  globalFailures: 1_000,
  windowMs: 15 * 60_000,
  maxConcurrent: 64,
}

/** One admitted attempt: report its outcome exactly once (later calls are ignored). */
export interface LoginAttempt {
  succeeded(): void
  failed(): void
}

export type LoginAdmission =
  { ok: true; attempt: LoginAttempt } | { ok: false; scope: LimitScope; retryAfterMs: number }

export interface LoginLimiter {
  /**
   * Counts the attempt now, before any password is checked, or refuses it with how long to wait. `knownDevice`: the
   * attempt comes from a device this account has used before; it gets its own account budget, so failures from
   * elsewhere (someone who only knows the username) do not delay the enumerator's own phone.
   */
  begin(username: string, address: string, knownDevice?: string): LoginAdmission
  /** Milliseconds until the account may try again (0 = now). */
  accountDelay(username: string): number
  /** Forgets the account's failures (admin unlock, password reset). True when the account was being delayed. */
  unlock(username: string): boolean
}

interface Account {
  failures: number
  pending: number
  lastFailureAt: number
}

/** Failures leak out at `capacity` per window; a success gives its reservation back. */
interface Bucket {
  level: number
  at: number
}

const MAX_TRACKED = 50_000

export function createLoginLimiter(opts: Partial<LoginLimits> & { now?: () => number } = {}): LoginLimiter {
  const limits: LoginLimits = { ...DEFAULT_LOGIN_LIMITS, ...opts }
  const now = opts.now ?? Date.now
  const accounts = new Map<string, Account>()
  const addresses = new Map<string, Bucket>()
  const global: Bucket = { level: 0, at: now() }
  let inFlight = 0

  function delayFor(failures: number): number {
    if (failures < limits.freeFailures) return 0
    return Math.min(limits.firstDelayMs * 2 ** (failures - limits.freeFailures), limits.maxDelayMs)
  }

  function account(username: string, t: number): Account | undefined {
    const a = accounts.get(username)
    if (a && a.pending === 0 && t - a.lastFailureAt >= limits.forgetAfterMs) {
      accounts.delete(username)
      return undefined
    }
    return a
  }

  /** Milliseconds until the account may start an attempt; 0 when it may now. */
  function accountWait(a: Account | undefined, t: number): number {
    if (!a) return 0
    if (a.failures + a.pending < limits.freeFailures) return 0
    // Past the free failures one attempt at a time; while one is being checked, assume it fails.
    if (a.pending > 0) return delayFor(a.failures + a.pending)
    return Math.max(0, a.lastFailureAt + delayFor(a.failures) - t)
  }

  function leak(b: Bucket, capacity: number, t: number): void {
    b.level = Math.max(0, b.level - ((t - b.at) * capacity) / limits.windowMs)
    b.at = t
  }

  function bucketWait(b: Bucket | undefined, capacity: number, t: number): number {
    if (!b) return 0
    leak(b, capacity, t)
    if (b.level + 1 <= capacity) return 0
    return Math.ceil(((b.level + 1 - capacity) * limits.windowMs) / capacity)
  }

  function remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key) // re-insert: the Map's order is then least recently used first
    map.set(key, value)
    if (map.size > MAX_TRACKED) {
      const oldest = map.keys().next().value
      if (oldest !== undefined) map.delete(oldest)
    }
  }

  return {
    begin(username, address, knownDevice) {
      const t = now()
      const key = knownDevice === undefined ? username : `${username}\u0000${knownDevice}`
      const a = account(key, t)
      const waitAccount = accountWait(a, t)
      if (waitAccount > 0) return { ok: false, scope: 'account', retryAfterMs: waitAccount }
      const b = addresses.get(address)
      const waitAddress = bucketWait(b, limits.addressFailures, t)
      if (waitAddress > 0) return { ok: false, scope: 'address', retryAfterMs: waitAddress }
      const waitGlobal = bucketWait(global, limits.globalFailures, t)
      if (waitGlobal > 0) return { ok: false, scope: 'global', retryAfterMs: waitGlobal }
      if (inFlight >= limits.maxConcurrent) return { ok: false, scope: 'global', retryAfterMs: 1000 }

      // Reserve everywhere before the caller awaits the password check: parallel attempts see this one.
      const acc = a ?? { failures: 0, pending: 0, lastFailureAt: t }
      acc.pending++
      remember(accounts, key, acc)
      const bucket = b ?? { level: 0, at: t }
      bucket.level++
      remember(addresses, address, bucket)
      global.level++
      inFlight++

      let done = false
      const settle = (ok: boolean): void => {
        if (done) return
        done = true
        inFlight--
        acc.pending--
        if (ok) {
          acc.failures = 0
          // A success is not a failure: give the reservations back.
          bucket.level = Math.max(0, bucket.level - 1)
          global.level = Math.max(0, global.level - 1)
          if (acc.pending === 0 && accounts.get(key) === acc) accounts.delete(key)
        } else {
          acc.failures++
          acc.lastFailureAt = now()
        }
      }
      return { ok: true, attempt: { succeeded: () => settle(true), failed: () => settle(false) } }
    },

    accountDelay(username) {
      const t = now()
      return accountWait(account(username, t), t)
    },

    unlock(username) {
      const t = now()
      let wasDelayed = false
      // The account and its known devices; an attempt still being checked settles on its own, forgotten record.
      for (const key of [...accounts.keys()]) {
        if (key !== username && !key.startsWith(`${username}\u0000`)) continue
        wasDelayed ||= accountWait(account(key, t), t) > 0
        accounts.delete(key)
      }
      return wasDelayed
    },
  }
}
