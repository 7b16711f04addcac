// GET /yjs/:householdId — the plain y-websocket protocol for one household, so stock Yjs clients (WebsocketProvider)
// can sync. Updates take the same checks, rate limits and group commit as /sync; there is no ACK in this protocol.
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import type { Access, User } from '../auth/access.ts'
import type { DocStore } from '../store/doc-store.ts'
import { refusalOf } from '../store/household-catch-up.ts'
import type { HouseholdWriter } from '../store/household-writer.ts'
import {
  CloseCode,
  MAX_FRAME_BYTES,
  syncStep1Payload,
  syncStep2Payload,
  readDocPayload,
  updatePayloadWith,
  type DocPayload,
} from '../../shared/sync/protocol.ts'
import type { Socket } from './device-connection.ts'
import type { Hub, Subscriber } from './hub.ts'
import { DEFAULT_RELAY_LIMITS, takeToken, type BucketOwner, type FrameKind, type RelayLimits } from './rate-limit.ts'
import { answerHolds, lookUpScope, type Scope, type ScopeAnswer } from './scope-cache.ts'
import { own, SignedIn } from './signed-in.ts'
import { wireBytes } from './wire-bytes.ts'

const MESSAGE_AUTH = 2
const MESSAGE_QUERY_AWARENESS = 3

export interface YjsConnectionDeps {
  access: Access
  docStore: DocStore
  writer: HouseholdWriter
  hub: Hub
  onError(e: unknown): void
  now?: () => number
  /** Token buckets per frame kind, per connection (the same settings as /sync). */
  limits?: Pick<RelayLimits, 'rates'>
  /** Changes when assignments change (Relay.scopeChanged): the cached scope answer is dropped at once. */
  scopeGeneration?(): number
}

/** y-protocols auth "permission denied" (the stock provider logs it and keeps the socket). */
function permissionDenied(reason: string): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MESSAGE_AUTH)
  encoding.writeVarUint(enc, 0)
  encoding.writeVarString(enc, reason)
  return encoding.toUint8Array(enc)
}

function isEmptyUpdate(update: Uint8Array): boolean {
  try {
    const u = Y.decodeUpdate(update)
    return u.structs.length === 0 && u.ds.clients.size === 0
  } catch {
    return false
  }
}

/** One /yjs socket: state in fields, behaviour on the prototype (an idle socket costs no closures). */
export class YjsConnection extends SignedIn<YjsConnectionDeps> implements Subscriber, BucketOwner {
  readonly householdId: string
  private readonly socket: Socket
  /** This connection's token buckets per frame kind (rate-limit.ts), made on the first frame. */
  buckets: number[] | null = null
  private isOpen = false
  /** The scope answer and the scope generation it was looked up under (scope-cache.ts). */
  private scopeAnswer: ScopeAnswer | null = null
  private scopeGeneration = 0

  constructor(user: User, householdId: string, socket: Socket, deps: YjsConnectionDeps, token?: string) {
    super(deps, user, token)
    this.householdId = own(householdId)
    this.socket = socket
  }

  open(): void {
    this.isOpen = true
    this.deps.hub.subscribe(this.householdId, this)
    let stateVector: Uint8Array
    try {
      stateVector = this.serverStateVector()
    } catch (e) {
      return this.failed(e)
    }
    this.send(syncStep1Payload(stateVector))
  }

  receive(bytes: Uint8Array): void {
    if (!this.isOpen) return
    if (bytes.length > MAX_FRAME_BYTES) {
      this.socket.close(CloseCode.TOO_LARGE, 'sync/too-large')
      return this.closed()
    }
    if (this.overBudget('frame') || this.revoked()) return
    // An auth message or an awareness query: nothing for the relay to act on.
    if (bytes[0] === MESSAGE_QUERY_AWARENESS || bytes[0] === MESSAGE_AUTH) return
    const message = readDocPayload(bytes)
    if (message.kind === 'invalid') {
      this.socket.close(CloseCode.PROTOCOL_ERROR, 'sync/malformed')
      return this.closed()
    }
    try {
      this.handle(message, bytes)
    } catch (e) {
      this.failed(e)
    }
  }

  /**
   * The database could not answer (a read, a scope look-up, loading the household): the server's failure, not the
   * client's. Reported and closed with 1011; the stock provider reconnects and syncs again what was not committed.
   */
  private failed(e: unknown): void {
    this.deps.onError(e)
    this.socket.close(CloseCode.INTERNAL_ERROR, 'sync/internal')
    this.closed()
  }

  closed(): void {
    if (!this.isOpen) return
    this.isOpen = false
    this.deps.hub.unsubscribe(this.householdId, this)
  }

  committed(_id: string, update: Uint8Array): void {
    if (!this.isOpen || this.revoked()) return
    this.send(updatePayloadWith(update, wireBytes))
  }

  conflict(): void {
    // the plain y-websocket protocol has no conflict notice; the admin screen shows it
  }

  awareness(_id: string, payload: Uint8Array): void {
    if (!this.isOpen || this.revoked()) return
    this.send(payload)
  }

  private send(bytes: Uint8Array): void {
    if (this.isOpen) this.socket.send(bytes)
  }

  /** Takes a token of `kind` from this connection's buckets; false when it is over its budget. */
  private take(kind: FrameKind): boolean {
    return takeToken(this, (this.deps.limits ?? DEFAULT_RELAY_LIMITS).rates, kind, this.clock())
  }

  private scope(): Scope {
    const t = this.clock()
    const g = this.deps.scopeGeneration?.() ?? 0
    const a = this.scopeAnswer
    if (a !== null && this.scopeGeneration === g && answerHolds(a, t, this.deps.scopeGeneration !== undefined)) return a
    this.scopeGeneration = g
    return (this.scopeAnswer = lookUpScope(this.deps.access, this.user, this.householdId, t))
  }

  private serverStateVector(): Uint8Array {
    const state = this.deps.docStore.readState(this.householdId)
    return state === null ? Y.encodeStateVector(new Y.Doc()) : Y.encodeStateVectorFromUpdate(state)
  }

  private write(update: Uint8Array): void {
    const { deps, householdId } = this
    if (!this.scope().write) {
      // The stock provider answers our step1 with its (usually empty) step2: only refuse real changes.
      if (!isEmptyUpdate(update)) this.send(permissionDenied('sync/read-only'))
      return
    }
    const result = deps.writer.submit(householdId, update, { userId: this.user.id, deviceId: `yjs:${this.user.id}` })
    if (result.kind === 'rejected') return this.send(permissionDenied(result.code))
    if (result.kind === 'resync') return this.send(syncStep1Payload(this.serverStateVector()))
    result.committed.then(
      (c) => {
        if (c.update !== null) deps.hub.publish(householdId, c.update, c.serverSeq, this)
        for (const conflict of c.conflicts) deps.hub.publishConflict(conflict)
      },
      (e: unknown) => {
        const refused = refusalOf(e) // the check inside the commit refused it
        if (refused !== null) this.send(permissionDenied(refused.code))
        else deps.onError(e)
      },
    )
  }

  /**
   * Scope is re-checked per message and per fan-out (cached SCOPE_CACHE_MS, dropped when assignments change): a revoked
   * assignment closes the connection.
   */
  private revoked(): boolean {
    let session: boolean
    let readable: boolean
    try {
      session = this.sessionValid()
      readable = session && this.scope().read
    } catch (e) {
      this.failed(e) // the database cannot say (it is down)
      return true
    }
    if (readable) return false
    this.socket.close(
      session ? CloseCode.FORBIDDEN : CloseCode.UNAUTHENTICATED,
      session ? 'sync/forbidden' : 'sync/unauthenticated',
    )
    this.closed()
    return true
  }

  /**
   * Over its budget the socket closes with OVERLOADED: the protocol has no per-update refusal, and the stock provider
   * reconnects and re-sends through step1/step2 whatever was not committed.
   */
  private overBudget(kind: FrameKind): boolean {
    if (this.take(kind)) return false
    this.socket.close(CloseCode.OVERLOADED, 'sync/overloaded')
    this.closed()
    return true
  }

  /** A frame that decoded (readDocPayload: a y-websocket sync or awareness message, nothing after it). */
  private handle(message: Exclude<DocPayload, { kind: 'invalid' }>, bytes: Uint8Array): void {
    if (message.kind === 'awareness') {
      // Presence is for people who edit: read-only users' awareness is not relayed, and nobody's beyond its rate.
      if (!this.take('awareness') || !this.scope().write) return
      return this.deps.hub.publishAwareness(this.householdId, bytes, this)
    }
    if (message.kind === 'step1') {
      if (this.overBudget('read')) return
      const diff = this.deps.docStore.diff(this.householdId, message.stateVector)
      if (diff !== null) this.send(syncStep2Payload(diff))
      return
    }
    if (this.overBudget('update')) return
    this.write(message.update)
  }
}
