// Cached scope answers (read, write) of a connection's households. With the relay's scope generation — moved by an
// assignment change on this relay, another relay's notice, or the database's scope version (migration 021, read every
// SCOPE_VERSION_POLL_MS) — an answer is kept until the generation moves, re-checked at least every SCOPE_ANSWER_MAX_MS;
// without one, and for an answer that only a release grant gives (it runs out with time), for SCOPE_CACHE_MS.
// A /sync connection makes its cache on its first household frame: an idle phone in sync never needs one.
import type { Access, User } from '../auth/access.ts'

/**
 * How long a connection trusts a scope answer no generation vouches for (and its session check): an assignment
 * revoked without the generation moving, or a release grant running out, takes effect within this time.
 */
export const SCOPE_CACHE_MS = 2_000

/** How often a relay reads the database's scope version: a change made elsewhere takes effect within this time. */
export const SCOPE_VERSION_POLL_MS = 250

/** The longest an answer the generation vouches for is kept (a backstop: the version misses no change it counts). */
export const SCOPE_ANSWER_MAX_MS = 60_000

export interface Scope {
  read: boolean
  write: boolean
}

export interface ScopeAnswer extends Scope {
  /** When it was looked up (the connection's clock). */
  at: number
}

/** Whether an answer looked up at `at` is still trusted at `t` (a clock that went back trusts nothing). */
export function trusted(at: number, t: number, ms = SCOPE_CACHE_MS): boolean {
  return t - at < ms && t >= at
}

/**
 * Whether `answer` still holds at `t`, its generation unchanged. `generations`: whether a scope generation watches
 * the answers (then only a grant-only answer, readable no more but writable, expires with time).
 */
export function answerHolds(answer: ScopeAnswer, t: number, generations: boolean): boolean {
  const grantOnly = answer.write && !answer.read
  return trusted(answer.at, t, generations && !grantOnly ? SCOPE_ANSWER_MAX_MS : SCOPE_CACHE_MS)
}

/**
 * The relay's scope generation: bumped by `moved()` (a change this relay made or was told of) and whenever the
 * database's scope version, read at most every SCOPE_VERSION_POLL_MS of `now`, is not the one seen last.
 */
export function createScopeGeneration(version: () => number, now: () => number): { current(): number; moved(): void } {
  let generation = 0
  let seen = version()
  let readAt = now()
  return {
    current() {
      const t = now()
      if (!trusted(readAt, t, SCOPE_VERSION_POLL_MS)) {
        const v = version() // when it throws (the database is down), the next call reads again: nothing is trusted
        readAt = t
        if (v !== seen) {
          seen = v
          generation++
        }
      }
      return generation
    },
    moved() {
      generation++
    },
  }
}

export function lookUpScope(access: Access, user: User, householdId: string, t: number): ScopeAnswer {
  const { read, write } = access.scope(user, householdId) // one look-up for both answers
  return { read, write, at: t }
}

/** The scope of the households one /sync connection sends frames about (a device holds at most a few thousand). */
export class HouseholdScopes {
  private readonly answers = new Map<string, ScopeAnswer>()
  private generation: number
  private readonly access: Access
  private readonly user: User
  private readonly currentGeneration: (() => number) | undefined

  constructor(access: Access, user: User, generation?: () => number) {
    this.access = access
    this.user = user
    this.currentGeneration = generation
    this.generation = generation?.() ?? 0
  }

  of(householdId: string, t: number): Scope {
    const generation = this.currentGeneration?.() ?? 0
    if (generation !== this.generation) {
      this.generation = generation
      this.answers.clear()
    }
    const answers = this.answers
    const hit = answers.get(householdId)
    if (hit !== undefined && answerHolds(hit, t, this.currentGeneration !== undefined)) return hit
    const entry = lookUpScope(this.access, this.user, householdId, t)
    if (answers.size >= 4_096) answers.clear() // bounded: a device holds at most a few thousand households
    answers.set(householdId, entry)
    return entry
  }

  /** The next frame about `householdId` looks its scope up again (a household the device just created). */
  forget(householdId: string): void {
    this.answers.delete(householdId)
  }
}
