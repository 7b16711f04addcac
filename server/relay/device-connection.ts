// One device's multiplexed /sync connection (docs/sync-protocol.md): HELLO → MANIFEST → per-household DOC traffic,
// with exactly one ACK or household-scoped ERROR per client update, in order, and ACKs only after the commit.
import type { Access, User } from '../auth/access.ts'
import type { DocStore } from '../store/doc-store.ts'
import type { HouseholdWriter, SubmitResult } from '../store/household-writer.ts'
import type { RecordedConflict } from '../store/projections.ts'
import {
  checkHello,
  CloseCode,
  decodeMessage,
  docSyncStep1,
  docSyncStep2,
  docUpdate,
  encodeMessage,
  MAX_CONFLICT_CANDIDATES,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  readDocPayload,
  type SyncErrorCode,
  type SyncMessage,
} from '../../shared/sync/protocol.ts'
import * as Y from 'yjs'
import { BATCH_TARGET_BYTES, createBootstrapStream, type BootstrapStream } from './bootstrap-stream.ts'
import type { Hub, Subscriber } from './hub.ts'
import { inboundFrames } from './inbound-batch.ts'
import { outgoingMessages } from '../../shared/sync/session-socket.ts'
import type { CreateHousehold, CreationResult } from './household-creation.ts'
import type { ManifestAnswer } from './manifest.ts'
import { createRateLimiter, DEFAULT_RELAY_LIMITS, type RateLimiter, type RelayLimits } from './rate-limit.ts'

export interface Socket {
  send(bytes: Uint8Array): void
  close(code: number, reason: string): void
  /** Bytes queued in the socket and not yet written. */
  buffered(): number
}

export interface DeviceConnectionDeps {
  access: Access
  docStore: DocStore
  writer: HouseholdWriter
  hub: Hub
  manifest(user: User, entries: readonly [string, number][], deviceId: string): ManifestAnswer
  now(): number
  /** The database's epoch, sent in WELCOME (P15): it changes when the data is restored from a backup. */
  epoch: string
  onError(e: unknown): void
  /** A connection that has not said HELLO by then is closed with HELLO_TIMEOUT (default 10 s). */
  helloTimeoutMs?: number
  /** Token buckets per frame kind and the inbound queue bound, per connection (not per IP: field teams share carrier NAT). */
  limits?: Pick<RelayLimits, 'rates' | 'maxQueuedFrames'>
  /** The user's own buckets, shared by their connections (MANIFESTs per user); without it only per connection. */
  userRate?(userId: string): RateLimiter
  /** Creates a household found in the field from a DOC update for an unknown id (household-creation.ts). */
  createHousehold?: CreateHousehold
  /** Changes when assignments change (Relay.scopeChanged): cached scope answers are dropped at once. */
  scopeGeneration?(): number
  /**
   * Conflicts of these households the user wrote a value of that are open or were settled lately: sent after the
   * MANIFEST reply, so a phone that was offline when a conflict was recorded, resolved or dismissed learns of it (P12).
   */
  conflictNotices?(user: User, householdIds: readonly string[]): RecordedConflict[]
}

/**
 * Work one turn of the event loop may spend on a connection's frames, counted as bytes sent plus a fixed cost per frame:
 * a BATCH of 5,000 step1s is answered over many turns (and only while the socket drains), so /api/health keeps answering.
 */
export const SLICE_BUDGET = 256 * 1024
const FRAME_COST = 256
/** A connection that cannot drain this much is too slow to keep: it will resync through the manifest. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024
/**
 * How long a connection trusts its last scope answer for a household (two SQLite lookups per DOC frame otherwise).
 * An assignment revoked (or a household moved) takes effect on the connection within this time.
 */
export const SCOPE_CACHE_MS = 2_000

export interface DeviceConnection extends Subscriber {
  receive(bytes: Uint8Array): void
  closed(): void
}

/**
 * Whether the connection's session still stands (logout, expiry, a disabled account end it), re-checked at most every
 * SCOPE_CACHE_MS. Without a token (tests building connections by hand) there is nothing to re-check.
 */
export function sessionCheck(access: Access, user: User, token: string | undefined, now: () => number): () => boolean {
  let checkedAt = now()
  let valid = true
  return () => {
    if (token === undefined || !valid) return valid
    const t = now()
    if (t - checkedAt < SCOPE_CACHE_MS && t >= checkedAt) return true
    checkedAt = t
    valid = access.authenticate(token)?.id === user.id
    return valid
  }
}

export function createDeviceConnection(
  user: User,
  socket: Socket,
  deps: DeviceConnectionDeps,
  token?: string,
): DeviceConnection {
  const sessionValid = sessionCheck(deps.access, user, token, deps.now)
  let phase: 'hello' | 'manifest' | 'ready' | 'closed' = 'hello'
  let deviceId = ''
  const held = new Set<string>()
  /** Answers to client updates, released strictly in the order the updates arrived. */
  const replies: { frames: Uint8Array[] | null }[] = []
  const limits = deps.limits ?? DEFAULT_RELAY_LIMITS
  const rate = createRateLimiter(limits.rates, deps.now)
  const userRate = deps.userRate?.(user.id) ?? null
  /** Frames received and not yet handled, in arrival order (inner frames of a BATCH one by one, P9). */
  let inbox: SyncMessage[] = []
  let inboxNext = 0
  let pumpScheduled = false
  /** householdId → scope answer and when it was looked up (deps.now()); see SCOPE_CACHE_MS. Made on first use. */
  let scope: Map<string, { read: boolean; write: boolean; at: number }> | null = null
  let scopeSeen = deps.scopeGeneration?.() ?? 0
  let helloTimer: NodeJS.Timeout | null = setTimeout(() => {
    if (phase === 'hello') fail(CloseCode.HELLO_TIMEOUT, 'sync/malformed', 'no HELLO in time')
  }, deps.helloTimeoutMs ?? 10_000)

  /**
   * Frames for the device, in order, written together once this turn's work is done: the ACKs of one group commit,
   * the fan-out of many commits and step2 + HEAD answers leave as one uncompressed BATCH (P9), not a message each.
   */
  let outgoing: Uint8Array[] = []
  let outgoingScheduled = false

  function flushOutgoing(): void {
    outgoingScheduled = false
    const frames = outgoing
    outgoing = []
    if (phase === 'closed' || frames.length === 0) return
    for (const message of outgoingMessages(frames, 2)) socket.send(message)
    if (socket.buffered() > MAX_BUFFERED_BYTES)
      fail(CloseCode.OVERLOADED, 'sync/overloaded', 'connection too slow to drain')
  }

  function sendFrames(frames: readonly Uint8Array[]): void {
    if (phase === 'closed') return
    for (const f of frames) outgoing.push(f)
    if (!outgoingScheduled && outgoing.length > 0) {
      outgoingScheduled = true
      setImmediate(flushOutgoing)
    }
  }

  function send(m: SyncMessage): void {
    if (phase === 'closed') return
    if (m.type === 'batch' && !m.compressed) return sendFrames(m.frames)
    if (m.type !== 'batch') return sendFrames([encodeMessage(m)])
    flushOutgoing() // a deflated bootstrap BATCH cannot nest in another: what was queued before it goes first
    socket.send(encodeMessage(m))
    if (socket.buffered() > MAX_BUFFERED_BYTES)
      fail(CloseCode.OVERLOADED, 'sync/overloaded', 'connection too slow to drain')
  }

  function fail(code: number, errorCode: SyncErrorCode, message: string): void {
    if (phase === 'closed') return
    const queued = outgoing
    outgoing = []
    for (const m of outgoingMessages(queued, 2)) socket.send(m)
    socket.send(encodeMessage({ type: 'error', code: errorCode, message }))
    socket.close(code, errorCode)
    closed()
  }

  function closed(): void {
    if (helloTimer !== null) clearTimeout(helloTimer)
    helloTimer = null
    if (phase === 'closed') return
    phase = 'closed'
    for (const id of held) deps.hub.unsubscribe(id, self)
    held.clear()
    inbox = []
    inboxNext = 0
    outgoing = []
  }

  /** `head`: the committed seq the device holds or is being sent (fan-out sends it everything after). */
  function hold(householdId: string, head: number): void {
    if (held.has(householdId)) return
    held.add(householdId)
    deps.hub.subscribe(householdId, self, head)
  }

  /** Made on the first household to send (a phone in sync never needs one). */
  let bootstrap: BootstrapStream | null = null
  function bootstrapOf(): BootstrapStream {
    bootstrap ??= createBootstrapStream({
      docStore: deps.docStore,
      socket,
      send,
      hold,
      holds(id) {
        return held.has(id)
      },
      isClosed() {
        return phase === 'closed'
      },
    })
    return bootstrap
  }

  function releaseReplies(): void {
    while (replies.length > 0 && replies[0]!.frames !== null) {
      const r = replies.shift()!
      sendFrames(r.frames!)
    }
  }

  function reply(): (frames: SyncMessage[]) => void {
    const slot: { frames: Uint8Array[] | null } = { frames: null }
    replies.push(slot)
    return (frames) => {
      slot.frames = frames.map(encodeMessage)
      releaseReplies()
    }
  }

  function householdError(householdId: string, code: SyncErrorCode, message: string): SyncMessage {
    return { type: 'error', code, message, householdId }
  }

  /**
   * Read: the household is in the user's area. Write: also a household moved away from them whose release grant
   * stands — the edits the device made before the move are stored, nothing is sent to it (docs/server.md "Assignments").
   */
  function scopeOf(householdId: string): { read: boolean; write: boolean } {
    const t = deps.now()
    const generation = deps.scopeGeneration?.() ?? 0
    if (generation !== scopeSeen) {
      scopeSeen = generation
      scope?.clear()
    }
    scope ??= new Map()
    const hit = scope.get(householdId)
    if (hit !== undefined && t - hit.at < SCOPE_CACHE_MS && t >= hit.at) return hit
    const read = deps.access.canRead(user, householdId)
    const entry = { read, write: deps.access.canWrite(user, householdId), at: t }
    if (scope.size >= 4_096) scope.clear() // bounded: a device holds at most a few thousand households
    scope.set(householdId, entry)
    return entry
  }

  /** Fan-out re-checks scope (cached, SCOPE_CACHE_MS): a revoked household stops flowing and leaves the hub. */
  function stillReadable(householdId: string): boolean {
    if (!sessionValid()) {
      fail(CloseCode.UNAUTHENTICATED, 'sync/unauthenticated', 'the session has ended; sign in again')
      return false
    }
    if (scopeOf(householdId).read) return true
    if (held.delete(householdId)) deps.hub.unsubscribe(householdId, self)
    return false
  }

  /** Creates a household found in the field; null when the update is not one (then it is an unknown household). */
  function createFound(
    householdId: string,
    update: Uint8Array,
  ): Extract<SubmitResult, { kind: 'accepted' | 'rejected' }> | null {
    let made: CreationResult
    try {
      made = deps.createHousehold!(user, householdId, update, deviceId)
    } catch (e) {
      deps.onError(e)
      return { kind: 'rejected', code: 'sync/internal', reason: 'nothing was stored; retry later' }
    }
    if (made.kind === 'not-a-creation') return null
    if (made.kind === 'resync')
      return { kind: 'rejected', code: 'sync/invalid-update', reason: 'a new household must come complete' }
    if (made.kind === 'accepted') {
      scope?.delete(householdId) // in scope from now on
      hold(householdId, 1) // the device holds everything up to seq 1: its own document
    }
    return made
  }

  /** Handles one DOC frame; returns its cost for the turn's budget (bytes read or written). */
  function onDoc(householdId: string, payload: Uint8Array): number {
    const doc = readDocPayload(payload)
    if (doc.kind === 'awareness') return FRAME_COST // no presence on household documents (P7)
    const isWrite = doc.kind === 'step2' || doc.kind === 'update'
    const answer = isWrite ? reply() : (frames: SyncMessage[]) => sendFrames(frames.map(encodeMessage))
    function refuse(code: SyncErrorCode, message: string): number {
      answer([householdError(householdId, code, message)])
      return FRAME_COST
    }
    if (doc.kind === 'invalid') return refuse('sync/malformed', doc.reason)
    const access = scopeOf(householdId)
    if (
      !access.read &&
      doc.kind === 'update' &&
      deps.createHousehold !== undefined &&
      !deps.docStore.exists(householdId)
    ) {
      // An unknown id may be a household found in the field (household-creation.ts); anything else is answered below.
      if (!rate.take('update'))
        return refuse('sync/overloaded', 'too many updates on this connection; retry with backoff')
      const made = createFound(householdId, doc.update)
      if (made?.kind === 'rejected') return refuse(made.code, made.reason)
      if (made?.kind === 'accepted') {
        void made.committed.then(() => answer([{ type: 'ack', householdId, serverSeq: 1 }]))
        return FRAME_COST + doc.update.length
      }
    }
    if (!access.read && !(isWrite && access.write)) {
      const code = deps.docStore.exists(householdId) || user.role === 'enumerator' ? 'sync/forbidden' : 'sync/not-found'
      return refuse(code, `household ${householdId} is not in your area`)
    }
    if (doc.kind === 'step1') {
      if (!rate.take('read'))
        return refuse('sync/overloaded', 'too many household reads on this connection; retry with backoff')
      // The head before the diff: a commit landing in between (another relay) is in the diff AND fanned out after.
      const head = deps.docStore.head(householdId)
      const diff = deps.docStore.diff(householdId, doc.stateVector)
      if (diff === null || head === null) return refuse('sync/not-found', `household ${householdId} does not exist`)
      hold(householdId, head)
      answer([docSyncStep2(householdId, diff), { type: 'head', householdId, serverSeq: head }])
      return FRAME_COST + diff.length
    }
    if (!access.write) return refuse('sync/read-only', `role ${user.role} may not edit households`)
    if (!rate.take('update'))
      return refuse('sync/overloaded', 'too many updates on this connection; retry with backoff')
    let result: SubmitResult
    try {
      result = deps.writer.submit(householdId, doc.update, { userId: user.id, deviceId })
    } catch (e) {
      deps.onError(e)
      return refuse('sync/internal', 'nothing was stored; retry later')
    }
    if (result.kind === 'rejected') return refuse(result.code, result.reason)
    if (result.kind === 'resync') {
      const state = deps.docStore.readState(householdId)
      const sv = state === null ? new Uint8Array([0]) : Y.encodeStateVectorFromUpdate(state)
      answer([
        docSyncStep1(householdId, sv),
        householdError(
          householdId,
          'sync/missing-dependencies',
          'update depends on content the server lacks; answer the step1',
        ),
      ])
      return FRAME_COST + doc.update.length
    }
    // No hold() here: fan-out (and its HEAD) goes only to connections known to hold everything up to the head —
    // after MANIFEST (unchanged), a bootstrap step2 or a step1 answer — or a HEAD could skip seqs they lack (P10).
    result.committed.then(
      (c) => {
        answer([{ type: 'ack', householdId, serverSeq: c.serverSeq }])
        if (c.update !== null) deps.hub.publish(householdId, c.update, c.serverSeq, self)
        for (const conflict of c.conflicts) deps.hub.publishConflict(conflict)
      },
      (e: unknown) => {
        deps.onError(e)
        answer([householdError(householdId, 'sync/internal', 'nothing was stored; retry later')])
      },
    )
    return FRAME_COST + doc.update.length
  }

  /** Handles one frame (never a BATCH: receive() unpacks those); returns its cost for the turn's budget. */
  function handle(m: SyncMessage): number {
    if (phase === 'closed') return 0
    if (phase === 'hello') {
      if (m.type !== 'hello') return (fail(CloseCode.PROTOCOL_ERROR, 'sync/malformed', 'first frame must be HELLO'), 0)
      const ok = checkHello(m)
      if (!ok.ok) {
        socket.send(encodeMessage(ok.error)) // now: the close follows at once
        socket.close(CloseCode.VERSION, 'sync/version-unsupported')
        return (closed(), 0)
      }
      deviceId = m.deviceId
      phase = 'manifest'
      if (helloTimer !== null) clearTimeout(helloTimer)
      helloTimer = null
      send({ type: 'welcome', protocol: PROTOCOL_VERSION, userId: user.id, serverTime: deps.now(), epoch: deps.epoch })
      return FRAME_COST
    }
    switch (m.type) {
      case 'manifest': {
        // Each MANIFEST may ask for the user's whole area: a phone sends one per connection; beyond a few the socket goes.
        if (!rate.take('manifest') || userRate?.take('manifestPerUser') === false)
          return (fail(CloseCode.OVERLOADED, 'sync/overloaded', 'too many MANIFESTs; reconnect with backoff'), 0)
        const { reply: answer, inScope } = deps.manifest(user, m.entries, deviceId)
        // Unchanged households are in sync now; changed ones join fan-out once their step1 is answered (P10).
        for (const [id, seq] of m.entries) if (inScope.get(id) === seq) hold(id, seq)
        phase = 'ready'
        send(answer)
        const known = m.entries.map(([id]) => id).filter((id) => inScope.has(id))
        if (known.length > 0) for (const c of deps.conflictNotices?.(user, known) ?? []) send(conflictNotice(c))
        if (answer.added.length > 0) bootstrapOf().add(answer.added.map(([id]) => id))
        return FRAME_COST + 16 * (inScope.size + m.entries.length)
      }
      case 'doc':
        return onDoc(m.householdId, m.payload)
      default:
        return (fail(CloseCode.PROTOCOL_ERROR, 'sync/malformed', `unexpected ${m.type} from a device`), 0)
    }
  }

  /**
   * Handles queued frames in order until the turn's SLICE_BUDGET is spent or the socket holds more than it can drain
   * soon; then continues on a later turn. Frames keep their order across turns (ACKs, step2 + HEAD, P8, P10).
   */
  function pump(): void {
    pumpScheduled = false
    let budget = SLICE_BUDGET
    try {
      while (inboxNext < inbox.length && phase !== 'closed') {
        if (budget <= 0 || socket.buffered() > BATCH_TARGET_BYTES) {
          if (inboxNext > 4_096) {
            inbox = inbox.slice(inboxNext) // a connection that never drains its inbox must not keep what it handled
            inboxNext = 0
          }
          pumpScheduled = true
          if (budget <= 0) setImmediate(pump)
          else setTimeout(pump, 20)
          return
        }
        const m = inbox[inboxNext++]!
        budget -= handle(m)
      }
    } catch (e) {
      deps.onError(e)
      fail(CloseCode.PROTOCOL_ERROR, 'sync/internal', 'unexpected server failure on this connection')
    }
    inbox = []
    inboxNext = 0
  }

  const self: DeviceConnection = {
    user,
    receive(bytes) {
      if (phase === 'closed') return
      if (!sessionValid())
        return fail(CloseCode.UNAUTHENTICATED, 'sync/unauthenticated', 'the session has ended; sign in again')
      if (bytes.length > MAX_FRAME_BYTES)
        return fail(CloseCode.TOO_LARGE, 'sync/too-large', `frame of ${bytes.length} bytes`)
      if (!rate.take('frame'))
        return fail(
          CloseCode.OVERLOADED,
          'sync/overloaded',
          'too many frames on this connection; reconnect with backoff',
        )
      const decoded = decodeMessage(bytes)
      if (!decoded.ok) {
        const close =
          decoded.code === 'sync/version-unsupported'
            ? CloseCode.VERSION
            : decoded.code === 'sync/too-large'
              ? CloseCode.TOO_LARGE
              : CloseCode.PROTOCOL_ERROR
        return fail(close, decoded.code, decoded.reason)
      }
      if (phase === 'hello' && decoded.message.type !== 'hello')
        return fail(CloseCode.PROTOCOL_ERROR, 'sync/malformed', 'first frame must be HELLO')
      const unpacked = inboundFrames(decoded.message)
      if (!unpacked.ok) return fail(CloseCode.PROTOCOL_ERROR, unpacked.code, unpacked.reason)
      const frames = unpacked.frames
      if (inbox.length - inboxNext + frames.length > limits.maxQueuedFrames) {
        return fail(
          CloseCode.OVERLOADED,
          'sync/overloaded',
          'too many frames waiting on this connection; reconnect with backoff',
        )
      }
      for (const f of frames) inbox.push(f)
      if (!pumpScheduled) pump()
    },
    closed,
    committed(householdId, update, serverSeq) {
      if (!stillReadable(householdId)) return
      // DOC update + HEAD, in one BATCH with everything else this turn sends the device (P9, P10).
      sendFrames([
        encodeMessage(docUpdate(householdId, update)),
        encodeMessage({ type: 'head', householdId, serverSeq }),
      ])
    },
    conflict(c: RecordedConflict) {
      if (!stillReadable(c.householdId)) return
      send(conflictNotice(c))
    },
  }
  return self
}

/**
 * The CONFLICT notice a phone receives. An open conflict gathers candidates while it waits for an admin; the notice
 * carries the newest MAX_CONFLICT_CANDIDATES of them (the protocol's bound — a phone refuses a longer list as malformed),
 * the admin's list (GET /api/conflicts) has them all.
 */
export function conflictNotice(c: RecordedConflict): Extract<SyncMessage, { type: 'conflict' }> {
  return {
    type: 'conflict',
    householdId: c.householdId,
    conflictId: String(c.id),
    path: c.path,
    candidates: c.candidates
      .slice(-MAX_CONFLICT_CANDIDATES)
      .map((x) => ({ value: x.value, clientId: x.clientId, userId: x.userId })),
    kept: c.kept,
    ...(c.settled ? { settled: c.settled } : {}),
  }
}
