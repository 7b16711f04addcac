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

/**
 * Where each kind's bucket sits in a limiter's numbers (two each: tokens, last refill): the kinds a connection uses
 * first come first (every connection takes frames, a /sync one a MANIFEST); a user's limiter counts only MANIFESTs.
 */
type Slots = Readonly<Record<FrameKind, number>>
const CONNECTION_SLOTS: Slots = { frame: 0, manifest: 1, read: 2, update: 3, awareness: 4, manifestPerUser: 5 }
const USER_SLOTS: Slots = { manifestPerUser: 0, frame: 1, manifest: 2, read: 3, update: 4, awareness: 5 }

/**
 * Token buckets kept by their owner (a connection, a user's limiter): tokens and last refill time of each kind up to the
 * highest used, in slot order, made on the first take. An array of numbers holds them unboxed, where an object per
 * bucket and its fields cost several times as much per connection. A negative token count is a bucket never taken from.
 */
export interface BucketOwner {
  buckets: number[] | null
}

/**
 * Takes one token of `kind` at time `t`; false when its bucket is empty (a frozen clock never refills). A bucket is
 * made full on its kind's first take — the same as full since its owner was made, as it never holds more than its burst.
 */
export function takeToken(
  owner: BucketOwner,
  rates: FrameRates,
  kind: FrameKind,
  t: number,
  slots: Slots = CONNECTION_SLOTS,
): boolean {
  const rate = rates[kind]
  const i = 2 * slots[kind]
  const b = bucketsUpTo(owner, i)
  const held = b[i] as number
  const tokens =
    held < 0 ? rate.burst : Math.min(rate.burst, held + (Math.max(0, t - (b[i + 1] as number)) / 1000) * rate.perSecond)
  b[i + 1] = t
  if (tokens < 1) {
    b[i] = tokens
    return false
  }
  b[i] = tokens - 1
  return true
}

/** The owner's numbers, long enough to hold the bucket at `i` (never-used buckets in between marked unused). */
function bucketsUpTo(owner: BucketOwner, i: number): number[] {
  const old = owner.buckets
  if (old !== null && old.length > i) return old
  const b = new Array<number>(i + 2)
  for (let k = 0; k < b.length; k += 2) {
    b[k] = old !== null && k < old.length ? (old[k] as number) : -1
    b[k + 1] = old !== null && k < old.length ? (old[k + 1] as number) : 0
  }
  owner.buckets = b
  return b
}

class TokenBuckets implements RateLimiter, BucketOwner {
  buckets: number[] | null = null
  private readonly rates: FrameRates
  private readonly now: () => number
  private readonly slots: Slots

  constructor(rates: FrameRates, now: () => number, slots: Slots) {
    this.rates = rates
    this.now = now
    this.slots = slots
  }

  take(kind: FrameKind): boolean {
    return takeToken(this, this.rates, kind, this.now(), this.slots)
  }
}

/** Token buckets, one per frame kind; nothing is allocated before the first take. */
export function createRateLimiter(rates: FrameRates, now: () => number): RateLimiter {
  return new TokenBuckets(rates, now, CONNECTION_SLOTS)
}

/** The per-user buckets (rates.manifestPerUser): one limiter per user id, shared by every connection of that user. */
export function createUserRateLimiters(rates: FrameRates, now: () => number): (userId: string) => RateLimiter {
  const byUser = new Map<string, RateLimiter>() // bounded by the number of accounts
  return (userId) => {
    let limiter = byUser.get(userId)
    if (!limiter) byUser.set(userId, (limiter = new TokenBuckets(rates, now, USER_SLOTS)))
    return limiter
  }
}
