// Per-connection limits of the relay: token buckets per frame kind (injected clock), connection caps and idle time.
// Reads are bounded like writes: one frame from a valid login must not make the server stream or compute without end.

export interface Rate {
  perSecond: number
  burst: number
}

/** What each bucket counts on one connection (/sync or /yjs). */
export interface FrameRates {
  /** Every WebSocket message (a BATCH counts once here; its inner frames count in their own buckets). */
  frame: Rate
  /** MANIFEST frames (each may start a bootstrap of the user's whole area). */
  manifest: Rate
  /**
   * MANIFEST frames of one user, all their connections together: a new socket must not bring a fresh budget, or
   * reconnecting in a loop would bootstrap the area without end.
   */
  manifestPerUser: Rate
  /** Reads of one household: a DOC step1 (/sync) or a y-websocket sync step1 (/yjs). */
  read: Rate
  /** Client updates: DOC step2/update (/sync), sync step2/update (/yjs). */
  update: Rate
  /** y-websocket awareness messages (/yjs; /sync drops them, P7). */
  awareness: Rate
}

export type FrameKind = keyof FrameRates

export interface RelayLimits {
  rates: FrameRates
  /** Open /sync + /yjs sockets per user; a new one beyond this closes that user's oldest (TOO_MANY_CONNECTIONS). */
  maxConnectionsPerUser: number
  /** A socket with no message from the client for this long is closed (IDLE_TIMEOUT). */
  idleMs: number
  /** How often open sockets are checked for idleness. */
  idleCheckMs: number
  /** Frames received and not yet processed on one /sync connection (reads wait for the socket to drain). */
  maxQueuedFrames: number
}

export const DEFAULT_RATES: FrameRates = {
  frame: { perSecond: 400, burst: 4_000 },
  manifest: { perSecond: 1 / 30, burst: 2 },
  manifestPerUser: { perSecond: 1 / 2, burst: 30 },
  read: { perSecond: 500, burst: 20_000 },
  update: { perSecond: 200, burst: 2_000 },
  awareness: { perSecond: 5, burst: 20 },
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  rates: DEFAULT_RATES,
  maxConnectionsPerUser: 8,
  idleMs: 15 * 60_000,
  idleCheckMs: 30_000,
  maxQueuedFrames: 20_000,
}

/** Fills the gaps of a partial setting with the defaults (rates per kind). */
export function relayLimits(
  partial: Partial<Omit<RelayLimits, 'rates'>> & { rates?: Partial<FrameRates> } = {},
): RelayLimits {
  return { ...DEFAULT_RELAY_LIMITS, ...partial, rates: { ...DEFAULT_RATES, ...partial.rates } }
}

export interface RateLimiter {
  /** Takes one token of `kind`; false when the bucket is empty (the frame is over its budget). */
  take(kind: FrameKind): boolean
}

/** One token bucket per frame kind, refilled from `now()` (a frozen clock never refills). */
export function createRateLimiter(rates: FrameRates, now: () => number): RateLimiter {
  const start = now()
  // A plain object, not a Map: one per connection, and a Map's table costs more than the few buckets it holds.
  const buckets: Partial<Record<FrameKind, { tokens: number; at: number }>> = {}
  return {
    take(kind) {
      const rate = rates[kind]
      const t = now()
      const b = (buckets[kind] ??= { tokens: rate.burst, at: start })
      b.tokens = Math.min(rate.burst, b.tokens + (Math.max(0, t - b.at) / 1000) * rate.perSecond)
      b.at = t
      if (b.tokens < 1) return false
      b.tokens -= 1
      return true
    },
  }
}

/** The per-user buckets (rates.manifestPerUser): one limiter per user id, shared by every connection of that user. */
export function createUserRateLimiters(rates: FrameRates, now: () => number): (userId: string) => RateLimiter {
  const byUser = new Map<string, RateLimiter>() // bounded by the number of accounts
  return (userId) => {
    let limiter = byUser.get(userId)
    if (!limiter) byUser.set(userId, (limiter = createRateLimiter(rates, now)))
    return limiter
  }
}
