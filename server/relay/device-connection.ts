// One device's multiplexed /sync connection (docs/sync-protocol.md): HELLO → MANIFEST → per-household DOC traffic,
// with exactly one ACK or household-scoped ERROR per client update, in order, and ACKs only after the commit.
// A class: state in fields, behaviour on the prototype, queues made on first use — an idle phone costs its fields only.
import type { User } from '../auth/access.ts'
import type { DocStore } from '../store/doc-store.ts'
import type { RecordedConflict } from '../store/projections.ts'
import {
  checkHello,
  CloseCode,
  docUpdateFrame,
  encodeMessage,
  encodeMessageWith,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  type SyncErrorCode,
  type SyncMessage,
} from '../../shared/sync/protocol.ts'
import { BATCH_TARGET_BYTES, createBootstrapStream, type BootstrapStream } from './bootstrap-stream.ts'
import { FRAME_COST, onDoc, type ReplySlot } from './doc-frames.ts'
import { conflictNotice, onManifest } from './manifest-frames.ts'
import type { Subscriber } from './hub.ts'
import { inboundMessage } from './inbound-batch.ts'
import { outgoingMessages } from '../../shared/sync/session-socket.ts'
import { DEFAULT_RELAY_LIMITS, takeToken, type BucketOwner, type FrameKind } from './rate-limit.ts'
import { HouseholdScopes, type Scope } from './scope-cache.ts'
import { SignedIn } from './signed-in.ts'
import { wireBytes } from './wire-bytes.ts'
import type { DeviceConnectionDeps, Socket } from './connection-deps.ts'

export { SCOPE_CACHE_MS } from './scope-cache.ts'
export { sessionCheck } from './signed-in.ts'
export { conflictNotice } from './manifest-frames.ts'
export type { DeviceConnectionDeps, Socket } from './connection-deps.ts'

/**
 * Work one turn of the event loop may spend on a connection's frames, counted as bytes sent plus a fixed cost per frame:
 * a BATCH of 5,000 step1s is answered over many turns (and only while the socket drains), so /api/health keeps answering.
 */
export const SLICE_BUDGET = 256 * 1024
/** A connection that cannot drain this much is too slow to keep: it will resync through the manifest. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024

type Phase = 'hello' | 'manifest' | 'ready' | 'closed'

// Timer callbacks take the connection as their argument: no closure per connection.
function helloExpired(c: DeviceConnection): void {
  if (c.phase === 'hello') c.fail(CloseCode.HELLO_TIMEOUT, 'sync/malformed', 'no HELLO in time')
}
function flushLater(c: DeviceConnection): void {
  c.flushOutgoing()
}
function pumpLater(c: DeviceConnection): void {
  c.pump()
}

export class DeviceConnection extends SignedIn<DeviceConnectionDeps> implements Subscriber, BucketOwner {
  phase: Phase = 'hello'
  deviceId = ''
  readonly socket: Socket
  /** This connection's token buckets per frame kind (rate-limit.ts), made on the first frame. */
  buckets: number[] | null = null
  /** Households the device holds (fan-out): one id bare, a Set from the second (a Set costs more than the id). */
  private held: string | Set<string> | null = null
  /** Answers to client updates, released strictly in the order the updates arrived; made on the first update. */
  replies: ReplySlot[] | null = null
  /**
   * Frames received and not yet handled, in arrival order (inner frames of a BATCH one by one, P9); while there are,
   * a pump is running or scheduled.
   */
  private inbox: SyncMessage[] | null = null
  private inboxNext = 0
  /** Scope answers per household (scope-cache.ts), made on the first household frame. */
  private scopes: HouseholdScopes | null = null
  private helloTimer: NodeJS.Timeout | null
  /**
   * Frames for the device, in order, written together once this turn's work is done: the ACKs of one group commit,
   * the fan-out of many commits and step2 + HEAD answers leave as one uncompressed BATCH (P9), not a message each.
   * While there are, a flush is scheduled.
   */
  private outgoing: Uint8Array[] | null = null
  /** Made when there are households to send (a phone in sync never needs one), let go once they are sent. */
  private bootstrap: BootstrapStream | null = null

  constructor(user: User, socket: Socket, deps: DeviceConnectionDeps, token?: string) {
    super(deps, user, token)
    this.socket = socket
    this.helloTimer = setTimeout(helloExpired, deps.helloTimeoutMs ?? 10_000, this)
  }

  get docStore(): DocStore {
    return this.deps.docStore
  }

  /** Takes a token of `kind` from this connection's buckets; false when it is over its budget. */
  take(kind: FrameKind): boolean {
    return takeToken(this, (this.deps.limits ?? DEFAULT_RELAY_LIMITS).rates, kind, this.deps.now())
  }

  receive(bytes: Uint8Array): void {
    if (this.phase === 'closed') return
    let signedIn: boolean
    try {
      signedIn = this.sessionValid()
    } catch (e) {
      return void this.uncheckable(e) // the frame is not handled; the device sends it again after reconnecting
    }
    if (!signedIn)
      return this.fail(CloseCode.UNAUTHENTICATED, 'sync/unauthenticated', 'the session has ended; sign in again')
    if (bytes.length > MAX_FRAME_BYTES)
      return this.fail(CloseCode.TOO_LARGE, 'sync/too-large', `frame of ${bytes.length} bytes`)
    if (!this.take('frame'))
      return this.fail(
        CloseCode.OVERLOADED,
        'sync/overloaded',
        'too many frames on this connection; reconnect with backoff',
      )
    const unpacked = inboundMessage(bytes, this.phase === 'hello')
    if (!unpacked.ok) return this.fail(unpacked.close, unpacked.code, unpacked.reason)
    const frames = unpacked.frames
    const pumping = this.inbox !== null
    const inbox = this.inbox ?? []
    if (inbox.length - this.inboxNext + frames.length > (this.deps.limits ?? DEFAULT_RELAY_LIMITS).maxQueuedFrames) {
      return this.fail(
        CloseCode.OVERLOADED,
        'sync/overloaded',
        'too many frames waiting on this connection; reconnect with backoff',
      )
    }
    for (const f of frames) inbox.push(f)
    this.inbox = inbox
    if (!pumping) this.pump()
  }

  /**
   * Handles queued frames in order until the turn's SLICE_BUDGET is spent or the socket holds more than it can drain
   * soon; then continues on a later turn. Frames keep their order across turns (ACKs, step2 + HEAD, P8, P10).
   */
  pump(): void {
    let budget = SLICE_BUDGET
    try {
      while (this.inbox !== null && this.inboxNext < this.inbox.length && this.phase !== 'closed') {
        if (budget <= 0 || this.socket.buffered() > BATCH_TARGET_BYTES) {
          if (this.inboxNext > 4_096) {
            this.inbox = this.inbox.slice(this.inboxNext) // a connection that never drains its inbox must not keep what it handled
            this.inboxNext = 0
          }
          if (budget <= 0) setImmediate(pumpLater, this)
          else setTimeout(pumpLater, 20, this)
          return
        }
        const m = this.inbox[this.inboxNext++]!
        budget -= this.handle(m)
      }
    } catch (e) {
      // a frame the server could not handle (the manifest's query failed, or a defect): the server's fault, not the
      // device's; it reconnects with backoff and sends the frame again
      this.serverFailed(e, 'unexpected server failure on this connection')
    }
    this.inbox = null
    this.inboxNext = 0
  }

  /** Handles one frame (never a BATCH: receive() unpacks those); returns its cost for the turn's budget. */
  private handle(m: SyncMessage): number {
    if (this.phase === 'closed') return 0
    if (this.phase === 'hello') return this.hello(m)
    switch (m.type) {
      case 'manifest':
        return onManifest(this, m)
      case 'doc':
        return onDoc(this, m.householdId, m.payload)
      default:
        return (this.fail(CloseCode.PROTOCOL_ERROR, 'sync/malformed', `unexpected ${m.type} from a device`), 0)
    }
  }

  private hello(m: SyncMessage): number {
    if (m.type !== 'hello')
      return (this.fail(CloseCode.PROTOCOL_ERROR, 'sync/malformed', 'first frame must be HELLO'), 0)
    const ok = checkHello(m)
    if (!ok.ok) {
      this.socket.send(encodeMessage(ok.error)) // now: the close follows at once
      this.socket.close(CloseCode.VERSION, 'sync/version-unsupported')
      return (this.closed(), 0)
    }
    this.deviceId = m.deviceId
    this.phase = 'manifest'
    if (this.helloTimer !== null) clearTimeout(this.helloTimer)
    this.helloTimer = null
    this.send({
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      userId: this.user.id,
      serverTime: this.deps.now(),
      epoch: this.deps.epoch,
    })
    return FRAME_COST
  }

  /** Sends the households' state (P14), in slices on later turns; those already held or queued are skipped. */
  sendHouseholds(ids: readonly string[]): void {
    const stream = (this.bootstrap ??= createBootstrapStream(this))
    stream.add(ids)
  }

  flushOutgoing(): void {
    const frames = this.outgoing
    this.outgoing = null
    if (this.phase === 'closed' || frames === null) return
    for (const message of outgoingMessages(frames, 2, wireBytes)) this.socket.send(message)
    if (this.socket.buffered() > MAX_BUFFERED_BYTES)
      this.fail(CloseCode.OVERLOADED, 'sync/overloaded', 'connection too slow to drain')
  }

  sendFrames(frames: readonly Uint8Array[]): void {
    if (this.phase === 'closed' || frames.length === 0) return
    if (this.outgoing === null) {
      this.outgoing = []
      setImmediate(flushLater, this)
    }
    for (const f of frames) this.outgoing.push(f)
  }

  send(m: SyncMessage): void {
    if (this.phase === 'closed') return
    if (m.type === 'batch' && !m.compressed) return this.sendFrames(m.frames)
    if (m.type !== 'batch') return this.sendFrames([encodeMessageWith(m, wireBytes)])
    this.flushOutgoing() // a deflated bootstrap BATCH cannot nest in another: what was queued before it goes first
    this.socket.send(encodeMessage(m))
    if (this.socket.buffered() > MAX_BUFFERED_BYTES)
      this.fail(CloseCode.OVERLOADED, 'sync/overloaded', 'connection too slow to drain')
  }

  fail(code: number, errorCode: SyncErrorCode, message: string): void {
    if (this.phase === 'closed') return
    const queued = this.outgoing
    this.outgoing = null
    if (queued !== null) for (const m of outgoingMessages(queued, 2, wireBytes)) this.socket.send(m)
    this.socket.send(encodeMessage({ type: 'error', code: errorCode, message }))
    this.socket.close(code, errorCode)
    this.closed()
  }

  closed(): void {
    if (this.helloTimer !== null) clearTimeout(this.helloTimer)
    this.helloTimer = null
    if (this.phase === 'closed') return
    this.phase = 'closed'
    const held = this.held
    this.held = null
    if (typeof held === 'string') this.deps.hub.unsubscribe(held, this)
    else if (held !== null) for (const id of held) this.deps.hub.unsubscribe(id, this)
    this.inbox = null
    this.inboxNext = 0
    this.outgoing = null
  }

  isClosed(): boolean {
    return this.phase === 'closed'
  }

  bootstrapFailed(e: unknown): void {
    this.serverFailed(e, 'the server cannot read households now; retry later')
  }

  bootstrapDone(): void {
    this.bootstrap = null
  }

  holds(householdId: string): boolean {
    const held = this.held
    return held === householdId || (held instanceof Set && held.has(householdId))
  }

  /** `head`: the committed seq the device holds or is being sent (fan-out sends it everything after). */
  hold(householdId: string, head: number): void {
    const held = this.held
    if (held === null) this.held = householdId
    else if (held === householdId) return
    else if (typeof held === 'string') this.held = new Set([held, householdId])
    else if (held.has(householdId)) return
    else held.add(householdId)
    this.deps.hub.subscribe(householdId, this, head)
  }

  /** The device no longer holds the household (scope revoked): it leaves fan-out. */
  private release(householdId: string): void {
    const held = this.held
    if (held === householdId) this.held = null
    else if (!(held instanceof Set) || !held.delete(householdId)) return
    this.deps.hub.unsubscribe(householdId, this)
  }

  /**
   * Read: the household is in the user's area. Write: also a household moved away from them whose release grant
   * stands — the edits the device made before the move are stored, nothing is sent to it (docs/server.md "Assignments").
   */
  scopeOf(householdId: string): Scope {
    this.scopes ??= new HouseholdScopes(this.deps.access, this.user, this.deps.scopeGeneration)
    return this.scopes.of(householdId, this.deps.now())
  }

  /** The next frame about `householdId` looks its scope up again (a household the device just created). */
  forgetScope(householdId: string): void {
    this.scopes?.forget(householdId)
  }

  /** The session or the access could not be checked (the database failed). */
  private uncheckable(e: unknown): false {
    this.serverFailed(e, 'the server cannot check access now; retry later')
    return false
  }

  /** The database failed: reported, and the connection closes with 1011; the device reconnects with backoff. */
  private serverFailed(e: unknown, message: string): void {
    this.deps.onError(e)
    this.fail(CloseCode.INTERNAL_ERROR, 'sync/internal', message)
  }

  /** Fan-out re-checks scope (cached, scope-cache.ts): a revoked household stops flowing and leaves the hub. */
  private stillReadable(householdId: string): boolean {
    let signedIn: boolean
    let readable: boolean
    try {
      signedIn = this.sessionValid()
      readable = signedIn && this.scopeOf(householdId).read
    } catch (e) {
      // Nothing is sent; the device catches up through its MANIFEST. Thrown on, it would stop the fan-out to everyone
      // after this connection.
      return this.uncheckable(e)
    }
    if (!signedIn) {
      this.fail(CloseCode.UNAUTHENTICATED, 'sync/unauthenticated', 'the session has ended; sign in again')
      return false
    }
    if (readable) return true
    this.release(householdId)
    return false
  }

  committed(householdId: string, update: Uint8Array, serverSeq: number): void {
    if (!this.stillReadable(householdId)) return
    // DOC update + HEAD, in one BATCH with everything else this turn sends the device (P9, P10).
    this.sendFrames([
      docUpdateFrame(householdId, update, wireBytes),
      encodeMessageWith({ type: 'head', householdId, serverSeq }, wireBytes),
    ])
  }

  conflict(c: RecordedConflict): void {
    if (!this.stillReadable(c.householdId)) return
    this.send(conflictNotice(c))
  }
}
