// Binds each Yjs client id to the user who first wrote with it, so nobody can write under someone else's id.
// Bindings are claimed in memory at once (two users racing for one id in the same commit window) and persisted at commit;
// a claim whose update is then not committed is released, so it never blocks anyone.
import type { Db } from '../db/open.ts'
import { isReservedClientId } from '../../shared/doc/keys.ts'

export const SERVER_USER = 'server'

export interface ClientIdBindings {
  /** The first client id not bound to userId, or null when the user may write with all of them. */
  refused(clientIds: readonly number[], userId: string): number | null
  /** How many of `clientIds` nobody has written with yet (checked against MAX_NEW_CLIENT_IDS_PER_UPDATE before claim). */
  unbound(clientIds: readonly number[]): number
  /** Claim unbound ids for this user (in memory); returns the ids that are new and must be persisted. */
  claim(clientIds: readonly number[], userId: string): number[]
  /** Gives up claims of an update that will not be committed (only ids still claimed by this user, never persisted ones). */
  release(clientIds: readonly number[], userId: string): void
  /** In the commit transaction. */
  persist(clientIds: readonly number[], userId: string, deviceId: string, at: number): void
}

/** Thrown in the commit transaction when another relay bound a client id to another user first (rolls it back). */
export class ClientIdTakenError extends Error {
  readonly code = 'sync/client-id-taken'
  constructor(readonly clientId: number) {
    super(`client id ${clientId} belongs to another user`)
    this.name = 'ClientIdTakenError'
  }
}

export function createClientIdBindings(db: Db): ClientIdBindings {
  const owner = new Map<number, string>()
  const select = db.prepare('SELECT user_id FROM client_ids WHERE client_id = ?').pluck()
  const insert = db.prepare(
    'INSERT INTO client_ids (client_id, user_id, device_id, first_seen) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  )

  function ownerOf(id: number): string | undefined {
    if (isReservedClientId(id)) return SERVER_USER // 0–15: the server's own ids (protocol P13)
    let u = owner.get(id)
    if (u === undefined) {
      u = select.get(id) as string | undefined
      if (u !== undefined) owner.set(id, u)
    }
    return u
  }

  return {
    refused(clientIds, userId) {
      for (const id of clientIds) {
        const u = ownerOf(id)
        if (u !== undefined && u !== userId) return id
      }
      return null
    },
    unbound(clientIds) {
      let n = 0
      for (const id of clientIds) if (ownerOf(id) === undefined) n++
      return n
    },
    claim(clientIds, userId) {
      const fresh: number[] = []
      for (const id of clientIds) {
        if (ownerOf(id) === undefined) {
          owner.set(id, userId)
          fresh.push(id)
        }
      }
      return fresh
    },
    release(clientIds, userId) {
      for (const id of clientIds) if (owner.get(id) === userId && select.get(id) === undefined) owner.delete(id)
    },
    persist(clientIds, userId, deviceId, at) {
      for (const id of clientIds) {
        if (insert.run(id, userId, deviceId, at).changes > 0) continue
        // Bound meanwhile by another relay on the same database: to another user, the update may not be stored.
        const bound = select.get(id) as string | undefined
        if (bound === undefined || bound === userId) continue
        owner.set(id, bound)
        throw new ClientIdTakenError(id)
      }
    },
  }
}
