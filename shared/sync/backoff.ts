// Full-jitter exponential backoff (AWS architecture blog): wait a random time in [0, min(cap, base·2^attempt)].
// Spreads 1,200 phones reconnecting after an outage instead of having them retry in lockstep.

export interface BackoffOptions {
  baseMs?: number
  capMs?: number
  random?: () => number
}

export class Backoff {
  attempt = 0
  readonly baseMs: number
  readonly capMs: number
  readonly #random: () => number

  constructor(o: BackoffOptions = {}) {
    this.baseMs = o.baseMs ?? 1000
    this.capMs = o.capMs ?? 60_000
    this.#random = o.random ?? Math.random
  }

  /** Delay before the next attempt; each call widens the window until the cap. */
  next(): number {
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** this.attempt)
    this.attempt = Math.min(this.attempt + 1, 30)
    return Math.floor(this.#random() * ceiling)
  }

  reset(): void {
    this.attempt = 0
  }
}
