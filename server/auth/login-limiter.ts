// Login throttling per username (not per IP: whole carrier NATs share one address).
// After `maxFailures` failed attempts inside `windowMs` the username is locked until the window ends.

export interface LoginLimiter {
  /** Milliseconds until the username may try again, or 0 when it may try now. */
  retryAfter(username: string): number
  fail(username: string): void
  succeed(username: string): void
}

export function createLoginLimiter(
  opts: { maxFailures?: number; windowMs?: number; now?: () => number } = {},
): LoginLimiter {
  const maxFailures = opts.maxFailures ?? 5
  const windowMs = opts.windowMs ?? 15 * 60 * 1000
  const now = opts.now ?? Date.now
  const failures = new Map<string, { count: number; since: number }>()

  function current(username: string) {
    const entry = failures.get(username)
    if (entry && now() - entry.since >= windowMs) {
      failures.delete(username)
      return undefined
    }
    return entry
  }

  return {
    retryAfter(username) {
      const e = current(username)
      return e && e.count >= maxFailures ? windowMs - (now() - e.since) : 0
    },
    fail(username) {
      const e = current(username)
      if (e) e.count++
      else failures.set(username, { count: 1, since: now() })
      // Bound memory under a spray of random usernames: drop the oldest entries.
      if (failures.size > 10_000) {
        const oldest = failures.keys().next().value
        if (oldest !== undefined) failures.delete(oldest)
      }
    },
    succeed(username) {
      failures.delete(username)
    },
  }
}
