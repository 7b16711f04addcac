// The sync relay: registers GET /sync and GET /yjs/:householdId, owns the write path
// (checks → group commit → ACK → fan-out) and the admin's conflict resolution written back into the document.
import type { NodeWebSocket } from '@hono/node-ws'
import type { Hono } from 'hono'
import type { Access, User } from '../auth/access.ts'
import type { Db } from '../db/open.ts'
import { sessionToken, type AppEnv } from '../http/context.ts'
import { createConflictStore, settlementNotice, type Conflict, type ConflictStore } from '../store/conflict-store.ts'
import type { DocStore } from '../store/doc-store.ts'
import { createHouseholdWriter, type HouseholdWriter, type HouseholdWriterOptions } from '../store/household-writer.ts'
import type { EditErrorCode, EditResult, HouseholdDoc } from '../../shared/doc/household-doc.ts'
import type { JsonValue } from '../../shared/sync/messages.ts'
import { CloseCode } from '../../shared/sync/limits.ts'
import { createConnectionRegistry } from './connection-registry.ts'
import { createHub, type Hub } from './hub.ts'
import { createLocalFanout, type Fanout, type FanoutMessage } from './fanout.ts'
import { createHouseholdCreation } from './household-creation.ts'
import { createManifestQuery } from './manifest.ts'
import { createUserRateLimiters, relayLimits, type FrameRates, type RelayLimits } from './rate-limit.ts'
import { SyncRouteSocket, YjsRouteSocket, type RouteSocketDeps } from './route-sockets.ts'
import { createScopeGeneration } from './scope-cache.ts'
import { createFrozenCheck } from '../periods/period-store.ts'

export interface RelayDeps {
  db: Db
  access: Access
  docStore: DocStore
  now?: () => number
  /** Group-commit window and test hooks. */
  commit?: HouseholdWriterOptions
  onError?: (e: unknown) => void
  /** The database's epoch sent in WELCOME (P15); changes when data is restored from a backup. */
  epoch?: string
  /** Rate limits, connection caps and idle time (docs/server.md §Limits); unset parts take the defaults. */
  limits?: Partial<Omit<RelayLimits, 'rates'>> & { rates?: Partial<FrameRates> }
  /** The fan-out to other relays (REDIS_URL); default: this relay alone. */
  fanout?: Fanout
  /** A message from another relay, after the relay acted on it (the live console follows its commits). */
  onRemote?: (m: FanoutMessage) => void
}

/** How long after its settlement a reconnecting writer's phone is still told of a resolved or dismissed conflict. */
export const SETTLED_NOTICE_MS = 14 * 24 * 3_600_000

export type ResolveResult =
  /** serverSeq is null for a dismissal (nothing written). */
  | { ok: true; conflict: Conflict; serverSeq: number | null }
  | {
      ok: false
      code:
        | 'conflict/not-found'
        | 'conflict/already-resolved'
        | 'auth/forbidden'
        | 'conflict/invalid-choice'
        | 'sync/internal'
      message: string
    }

export type ServerEditResult =
  | { ok: true; serverSeq: number }
  | {
      ok: false
      code: 'household/not-found' | EditErrorCode | 'sync/overloaded' | 'period/closed'
      message: string
      path?: string
    }

export interface Relay {
  routes(app: Hono<AppEnv>, upgradeWebSocket: NodeWebSocket['upgradeWebSocket']): void
  resolveConflict(
    conflictId: number | string,
    choice: { candidate: number } | { value: unknown },
    admin: User,
  ): Promise<ResolveResult>
  /** Closes an open conflict whose values mean the same: nothing is written; the devices holding it are told. */
  dismissConflict(conflictId: number | string, admin: User): ResolveResult
  /**
   * A server-side intent on a household (review steps): written under SERVER_CLIENT_ID, committed, then fanned out to
   * every device holding it. `by` is recorded as the author in the field history.
   */
  serverEdit(
    householdId: string,
    by: User,
    edit: (doc: HouseholdDoc) => EditResult,
    inTransaction?: () => void,
  ): Promise<ServerEditResult>
  /** Assignments changed (a move): every live connection looks its scope up again before its next household frame. */
  scopeChanged(): void
  /**
   * The current review period changed: every socket closes with SERVER_SHUTDOWN, so devices reconnect and their next
   * MANIFEST lists the new period's records (and the old ones as removed, P17). Returns how many sockets closed.
   */
  periodChanged(): number
  flush(): Promise<void>
  close(code?: number): Promise<void>
  readonly conflicts: ConflictStore
  readonly writer: HouseholdWriter
  readonly hub: Hub
  connectionCount(): number
  /** Closes sockets idle beyond the limit now (the relay also does it every idleCheckMs); returns how many. */
  sweepIdle(): number
}

export function createRelay(deps: RelayDeps): Relay {
  const now = deps.now ?? Date.now
  const onError = deps.onError ?? ((e: unknown) => console.error('[relay]', e))
  const fanout = deps.fanout ?? createLocalFanout('local')
  const writer = createHouseholdWriter(deps.db, deps.docStore, {
    now,
    onCommitError: (e) => onError(e),
    frozen: createFrozenCheck(deps.db, now),
    ...deps.commit,
    ...(fanout.shared
      ? {
          shared: true,
          // Other relays' commits reach othersCommitted below while the fan-out is subscribed and caught up.
          announced: () => {
            const r = fanout.readiness?.()
            return r !== undefined && r.subscribed && r.caughtUp
          },
        }
      : {}),
  })
  const hub = createHub({
    fanout,
    rows: deps.docStore,
    onRemote(m) {
      if (m.kind === 'commit') writer.othersCommitted(m.householdId, m.serverSeq, m.update)
      // Another relay moved assignments or changed the current period: act as if it happened here.
      if (m.kind === 'invalidate' && m.what === 'scope') scopeGeneration.moved()
      if (m.kind === 'invalidate' && m.what === 'period')
        registry.closeEvery(CloseCode.SERVER_SHUTDOWN, 'sync/period-changed')
      deps.onRemote?.(m)
    },
    // Messages may have been lost (a reconnect): resident docs are read from the database again before their next check.
    onResync: () => writer.othersUnknown(),
  })
  const conflicts = createConflictStore(deps.db)
  const manifest = createManifestQuery(deps.db)
  const limits = relayLimits(deps.limits)
  const registry = createConnectionRegistry({
    maxPerUser: limits.maxConnectionsPerUser,
    idleMs: limits.idleMs,
    idleCheckMs: limits.idleCheckMs,
    now,
  })
  /** Conflicts whose resolution is waiting for its commit: a second resolution must not overwrite the first. */
  const resolving = new Set<number>()
  const userRate = createUserRateLimiters(limits.rates, now)
  const createHousehold = createHouseholdCreation(deps.db, writer)
  const scopeGeneration = createScopeGeneration(() => deps.access.scopeVersion(), now)
  const connDeps = {
    access: deps.access,
    docStore: deps.docStore,
    writer,
    hub,
    manifest,
    now,
    epoch: deps.epoch ?? '',
    onError,
    limits,
    userRate,
    createHousehold,
    scopeGeneration: () => scopeGeneration.current(),
    conflictNotices: (user: User, ids: readonly string[]) =>
      conflicts.noticesFor(user.id, ids, now() - SETTLED_NOTICE_MS),
  }

  const sockets: RouteSocketDeps = { registry, connections: connDeps }

  function authenticated(c: Parameters<typeof sessionToken>[0]): User | null {
    const token = sessionToken(c)
    return token ? deps.access.authenticate(token) : null
  }

  /** Writes an open conflict's chosen value and marks it resolved, in one commit; answers after the commit. */
  async function resolveOpen(
    conflict: Conflict,
    conflictId: number,
    value: JsonValue,
    admin: User,
    kind: 'candidate' | 'value',
  ): Promise<ResolveResult> {
    let marked = false
    const result = writer.setField(
      conflict.householdId,
      conflict.path,
      value,
      admin.id,
      () => {
        marked = conflicts.markResolved(conflictId, admin.id, value, now(), kind)
      },
      String(conflictId),
    )
    if (result.kind !== 'accepted')
      return {
        ok: false,
        code: 'conflict/invalid-choice',
        message: result.kind === 'rejected' ? result.reason : 'resync',
      }
    const c = await result.committed
    if (!marked) marked = conflicts.markResolved(conflictId, admin.id, value, now(), kind) // value already current: nothing to commit
    if (c.update !== null) hub.publish(conflict.householdId, c.update, c.serverSeq, null)
    const settled = conflicts.get(conflictId) as Conflict
    hub.publishConflict(settlementNotice(settled, admin.displayName)) // tells the devices who settled it (P12)
    return { ok: true, conflict: settled, serverSeq: c.serverSeq }
  }

  /** Why an open conflict cannot be settled now (unknown, not admin, settled or being resolved), or the conflict. */
  function openConflict(rawId: number | string, admin: User): ResolveResult | { ok: 'open'; conflict: Conflict } {
    const conflictId = Number(rawId) // conflict ids are integers; the API and CONFLICT frames carry them as text
    if (admin.role !== 'admin') return { ok: false, code: 'auth/forbidden', message: 'only admins resolve conflicts' }
    const conflict = Number.isSafeInteger(conflictId) ? conflicts.get(conflictId) : null
    if (!conflict) return { ok: false, code: 'conflict/not-found', message: `no conflict ${String(rawId)}` }
    if (conflict.status !== 'open' || resolving.has(conflictId))
      return { ok: false, code: 'conflict/already-resolved', message: `conflict ${conflictId} is ${conflict.status}` }
    return { ok: 'open', conflict }
  }

  return {
    conflicts,
    writer,
    hub,
    connectionCount: () => registry.size(),
    sweepIdle: () => registry.sweepIdle(),
    routes(app, upgradeWebSocket) {
      const unauthenticated = { code: 'sync/unauthenticated', message: 'sign in first', details: null }
      app.get(
        '/sync',
        async (c, next) => {
          const user = authenticated(c)
          // A browser cannot read the status of a refused upgrade (it looks like a network failure and the phone would
          // retry forever): accept it and close at once with the named code 4401 instead. Plain HTTP gets a 401.
          if (!user && c.req.header('upgrade')?.toLowerCase() !== 'websocket') return c.json(unauthenticated, 401)
          c.set('user', user)
          await next()
        },
        upgradeWebSocket((c) => new SyncRouteSocket(sockets, c.get('user') as User | null, sessionToken(c) ?? '')),
      )
      app.get(
        '/yjs/:householdId',
        async (c, next) => {
          const user = authenticated(c)
          if (!user) return c.json(unauthenticated, 401)
          const id = c.req.param('householdId')
          if (!deps.docStore.exists(id))
            return c.json({ code: 'sync/not-found', message: `no household ${id}`, details: null }, 404)
          if (!deps.access.canRead(user, id))
            return c.json({ code: 'sync/forbidden', message: 'not in your area', details: null }, 403)
          c.set('user', user)
          await next()
        },
        upgradeWebSocket(
          (c) =>
            new YjsRouteSocket(
              sockets,
              c.get('user') as User,
              sessionToken(c) ?? '',
              c.req.param('householdId') as string,
            ),
        ),
      )
    },
    async resolveConflict(rawId, choice, admin) {
      const found = openConflict(rawId, admin)
      if (found.ok !== 'open') return found
      const conflict = found.conflict
      const conflictId = conflict.id
      let value: JsonValue
      if ('candidate' in choice) {
        const cand = conflict.candidates[choice.candidate]
        if (!cand) return { ok: false, code: 'conflict/invalid-choice', message: `no candidate ${choice.candidate}` }
        value = cand.value
      } else {
        value = choice.value as JsonValue
      }
      resolving.add(conflictId)
      try {
        return await resolveOpen(conflict, conflictId, value, admin, 'candidate' in choice ? 'candidate' : 'value')
      } finally {
        resolving.delete(conflictId)
      }
    },
    dismissConflict(rawId, admin) {
      const found = openConflict(rawId, admin)
      if (found.ok !== 'open') return found
      if (!conflicts.markDismissed(found.conflict.id, admin.id, now()))
        return { ok: false, code: 'conflict/already-resolved', message: `conflict ${found.conflict.id} is settled` }
      const dismissed = conflicts.get(found.conflict.id) as Conflict
      hub.publishConflict(settlementNotice(dismissed, admin.displayName))
      return { ok: true, conflict: dismissed, serverSeq: null }
    },
    async serverEdit(householdId, by, edit, inTransaction) {
      const result = writer.serverEdit(householdId, by.id, edit, inTransaction)
      if (result.kind === 'refused')
        return { ok: false, code: result.error.code, message: result.error.reason, path: result.error.path }
      if (result.kind === 'rejected') {
        if (result.code === 'sync/not-found') return { ok: false, code: 'household/not-found', message: result.reason }
        if (result.code === 'sync/period-closed') return { ok: false, code: 'period/closed', message: result.reason }
        return { ok: false, code: 'sync/overloaded', message: result.reason }
      }
      if (result.kind === 'resync') throw new Error(`server edit of ${householdId} left pending structs`)
      const c = await result.committed
      if (c.update !== null) hub.publish(householdId, c.update, c.serverSeq, null)
      return { ok: true, serverSeq: c.serverSeq }
    },
    scopeChanged() {
      scopeGeneration.moved()
      fanout.publish({ kind: 'invalidate', what: 'scope' })
    },
    periodChanged() {
      fanout.publish({ kind: 'invalidate', what: 'period' })
      return registry.closeEvery(CloseCode.SERVER_SHUTDOWN, 'sync/period-changed')
    },
    flush: () => writer.flush(),
    async close(code: number = CloseCode.SERVER_SHUTDOWN) {
      registry.closeAll(code, 'server shutting down')
      hub.close()
      await writer.close()
    },
  }
}
