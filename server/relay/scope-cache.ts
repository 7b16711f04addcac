// A /yjs connection's cached scope answer for its household (read, write), trusted for SCOPE_CACHE_MS as on /sync and
// dropped at once when assignments change (the relay's scope generation): two SQLite lookups per frame and per fan-out
// otherwise.
import type { Access, User } from '../auth/access.ts'
import { SCOPE_CACHE_MS } from './device-connection.ts'

export interface Scope {
  read: boolean
  write: boolean
}

export function createScopeCache(
  access: Access,
  user: User,
  householdId: string,
  now: () => number,
  generation?: () => number,
): () => Scope {
  let cached: (Scope & { at: number; generation: number }) | null = null
  return () => {
    const t = now()
    const g = generation?.() ?? 0
    if (cached !== null && cached.generation === g && t - cached.at < SCOPE_CACHE_MS && t >= cached.at) return cached
    cached = {
      read: access.canRead(user, householdId),
      write: access.canWrite(user, householdId),
      at: t,
      generation: g,
    }
    return cached
  }
}
