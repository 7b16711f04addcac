// MANIFEST → MANIFEST_REPLY: which of the user's households changed since the device last synced (protocol §exchange).
// One indexed query over the households summary table, restricted by the same scope SQL the HTTP API uses.
import type { User } from '../auth/access.ts'
import { householdScope } from '../auth/access.ts'
import type { Db, Statement } from '../db/open.ts'
import { currentPeriodQuery } from '../db/reference-data.ts'
import type { ManifestReplyMessage } from '../../shared/sync/messages.ts'
import { createAssignmentStore } from '../store/assignment-store.ts'

export interface ManifestAnswer {
  reply: ManifestReplyMessage
  /** Every household in scope (the connection subscribes to these). */
  inScope: Map<string, number>
}

export function createManifestQuery(
  db: Db,
): (user: User, entries: readonly [string, number][], deviceId?: string) => ManifestAnswer {
  const assignments = createAssignmentStore(db)
  const currentPeriod = currentPeriodQuery(db)
  const statements = new Map<string, Statement<unknown[]>>() // one per scope shape (role), not per manifest
  return (user, entries, deviceId) => {
    const scope = householdScope(user, 'h')
    const period = currentPeriod()
    const byPeriod = period === undefined ? '' : ' AND h.period = ?'
    const params = period === undefined ? scope.params : [...scope.params, period]
    // A household found in the field that the supervisor rejected leaves the phones' lists (migration 007).
    const sql = `SELECT h.id, h.server_seq FROM households h WHERE ${scope.sql}${byPeriod} AND (h.admission IS NULL OR h.admission <> 'rejected')`
    let stmt = statements.get(sql)
    if (!stmt) statements.set(sql, (stmt = db.prepare(sql).raw()))
    const rows = stmt.all(...params) as [string, number][]
    const inScope = new Map(rows)
    const known = new Map(entries)
    const changed: [string, number][] = []
    const added: [string, number][] = []
    const removed: string[] = []
    for (const [id, seq] of entries) {
      const server = inScope.get(id)
      if (server === undefined) removed.push(id)
      // seq > server happens only if the server lost data (restored backup): resync both ways too.
      else if (seq !== server) changed.push([id, server])
    }
    for (const [id, seq] of inScope) if (!known.has(id)) added.push([id, seq])
    // A household moved away that this device no longer lists was removed there: its release grant ends (migration 009).
    if (user.role === 'enumerator' && deviceId) assignments.noteManifest(user.id, deviceId, known)
    return { reply: { type: 'manifest-reply', changed, added, removed }, inScope }
  }
}
