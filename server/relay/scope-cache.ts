// Cached scope answers (read, write) of a connection's households, trusted for SCOPE_CACHE_MS and dropped at once when
// assignments change (the relay's scope generation): a SQLite look-up per household frame and per fan-out otherwise.
// A /sync connection makes its cache on its first household frame: an idle phone in sync never needs one.
import type { Access, User } from '../auth/access.ts'

/**
 * How long a connection trusts its last scope answer for a household (and its session check). An assignment revoked
 * (or a household moved) takes effect on the connection within this time.
 */
export const SCOPE_CACHE_MS = 2_000

export interface Scope {
  read: boolean
  write: boolean
}

export interface ScopeAnswer extends Scope {
  /** When it was looked up (the connection's clock). */
  at: number
}

/** Whether an answer looked up at `at` is still trusted at `t` (a clock that went back trusts nothing). */
export function trusted(at: number, t: number): boolean {
  return t - at < SCOPE_CACHE_MS && t >= at
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
    if (hit !== undefined && trusted(hit.at, t)) return hit
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
