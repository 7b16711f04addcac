// One device's multiplexed /sync connection (docs/sync-protocol.md): HELLO → MANIFEST → per-household DOC traffic,
// with exactly one ACK or household-scoped ERROR per client update, in order, and ACKs only after the commit.
import { deflateRawSync, inflateRawSync } from 'node:zlib'
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
  MAX_UNPACKED_BATCH_BYTES,
  packFrames,
  PROTOCOL_VERSION,
  readDocPayload,
  unpackFrames,
  type SyncErrorCode,
  type SyncMessage,
} from '../../shared/sync/protocol.ts'
import * as Y from 'yjs'
import type { Hub, Subscriber } from './hub.ts'
import type { CreateHousehold, CreationResult } from './household-creation.ts'
import type { ManifestAnswer } from './manifest.ts'

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
  manifest(user: User, entries: readonly [string, number][]): ManifestAnswer
  now(): number
  /** The database's epoch, sent in WELCOME (P15): it changes when the data is restored from a backup. */
  epoch: string
  onError(e: unknown): void
  /** A connection that has not said HELLO by then is closed with 4408 (default 10 s). */
  helloTimeoutMs?: number
  /** Creates a household found in the field from a DOC update for an unknown id (household-creation.ts). */
  createHousehold?: CreateHousehold
  /** Per-connection token bucket for client updates (not per IP: field teams share carrier NAT). */
  updateRate?: { perSecond: number; burst: number }
}

/** Unpacked size of one bootstrap BATCH before deflate (keeps each compressed frame well under MAX_FRAME_BYTES). */
const BATCH_TARGET_BYTES = 1024 * 1024
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

export function createDeviceConnection(user: User, socket: Socket, deps: DeviceConnectionDeps, token?: string): DeviceConnection {
  const sessionValid = sessionCheck(deps.access, user, token, deps.now)
  let phase: 'hello' | 'manifest' | 'ready' | 'closed' = 'hello'
  let deviceId = ''
  const held = new Set<string>()
  /** Answers to client updates, released strictly in the order the updates arrived. */
  const replies: { frames: Uint8Array[] | null }[] = []
  const rate = deps.updateRate ?? { perSecond: 200, burst: 2_000 }
  let tokens = rate.burst
  let refilledAt = deps.now()
  /** householdId → scope answer and when it was looked up (deps.now()); see SCOPE_CACHE_MS. */
  const scope = new Map<string, { read: boolean; write: boolean; at: number }>()
  let helloTimer: NodeJS.Timeout | null = setTimeout(() => {
    if (phase === 'hello') fail(CloseCode.HELLO_TIMEOUT, 'sync/malformed', 'no HELLO in time')
  }, deps.helloTimeoutMs ?? 10_000)

  function send(m: SyncMessage): void {
    if (phase === 'closed') return
    socket.send(encodeMessage(m))
    if (socket.buffered() > MAX_BUFFERED_BYTES) fail(CloseCode.OVERLOADED, 'sync/overloaded', 'connection too slow to drain')
  }

  function fail(code: number, errorCode: SyncErrorCode, message: string): void {
    if (phase === 'closed') return
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
  }

  function hold(householdId: string): void {
    if (held.has(householdId)) return
    held.add(householdId)
    deps.hub.subscribe(householdId, self)
  }

  function releaseReplies(): void {
    while (replies.length > 0 && replies[0]!.frames !== null) {
      const r = replies.shift()!
      if (phase === 'closed') continue
      for (const f of r.frames!) socket.send(f)
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

  const householdError = (householdId: string, code: SyncErrorCode, message: string): SyncMessage => ({ type: 'error', code, message, householdId })

  /**
   * Full state (STATE, Yjs V2) + HEAD for households new to the device, packed into as few deflated BATCH frames as fit. Runs in
   * slices across event-loop turns and waits for the socket to drain, so a large scope never stalls the relay.
   */
  function bootstrap(ids: readonly string[], from = 0): void {
    if (phase === 'closed') return
    if (socket.buffered() > BATCH_TARGET_BYTES) {
      setTimeout(() => bootstrap(ids, from), 20)
      return
    }
    let frames: Uint8Array[] = []
    let bytes = 0
    let i = from
    for (; i < ids.length && bytes < BATCH_TARGET_BYTES && frames.length < 4_000; i++) {
      const id = ids[i]!
      const state = deps.docStore.readStateV2(id)
      const head = deps.docStore.head(id)
      if (state === null || head === null) continue
      hold(id)
      // STATE (V2) instead of a DOC step2 (V1): about 40 % fewer bytes once deflated (P14).
      const stateFrame = encodeMessage({ type: 'state', householdId: id, updateV2: state })
      const headFrame = encodeMessage({ type: 'head', householdId: id, serverSeq: head })
      frames.push(stateFrame, headFrame)
      bytes += stateFrame.length + headFrame.length
    }
    if (frames.length > 0) sendBatch(frames)
    frames = []
    if (i < ids.length) setImmediate(() => bootstrap(ids, i))
  }

  function sendBatch(frames: Uint8Array[]): void {
    const deflated = deflateRawSync(packFrames(frames))
    if (deflated.length + 16 > MAX_FRAME_BYTES && frames.length > 2) {
      const half = Math.floor(frames.length / 4) * 2 // keep STATE + HEAD pairs together
      sendBatch(frames.slice(0, half))
      sendBatch(frames.slice(half))
      return
    }
    send({ type: 'batch', compressed: true, deflated })
  }

  function scopeOf(householdId: string): { read: boolean; write: boolean } {
    const t = deps.now()
    const hit = scope.get(householdId)
    if (hit !== undefined && t - hit.at < SCOPE_CACHE_MS && t >= hit.at) return hit
    const read = deps.access.canRead(user, householdId)
    const entry = { read, write: read && deps.access.canWrite(user, householdId), at: t }
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
  function createFound(householdId: string, update: Uint8Array): Extract<SubmitResult, { kind: 'accepted' | 'rejected' }> | null {
    let made: CreationResult
    try {
      made = deps.createHousehold!(user, householdId, update, deviceId)
    } catch (e) {
      deps.onError(e)
      return { kind: 'rejected', code: 'sync/internal', reason: 'nothing was stored; retry later' }
    }
    if (made.kind === 'not-a-creation') return null
    if (made.kind === 'resync') return { kind: 'rejected', code: 'sync/invalid-update', reason: 'a new household must come complete' }
    if (made.kind === 'accepted') {
      scope.delete(householdId) // in scope from now on
      hold(householdId) // the device holds everything up to seq 1: its own document
    }
    return made
  }

  function onDoc(householdId: string, payload: Uint8Array): void {
    const doc = readDocPayload(payload)
    if (doc.kind === 'awareness') return // no presence on household documents (P7)
    const isWrite = doc.kind === 'step2' || doc.kind === 'update'
    const answer = isWrite ? reply() : (frames: SyncMessage[]) => frames.forEach(send)
    if (doc.kind === 'invalid') return answer([householdError(householdId, 'sync/malformed', doc.reason)])
    const access = scopeOf(householdId)
    if (!access.read && doc.kind === 'update' && deps.createHousehold !== undefined && !deps.docStore.exists(householdId)) {
      // An unknown id may be a household found in the field (household-creation.ts); anything else is answered below.
      const made = createFound(householdId, doc.update)
      if (made?.kind === 'rejected') return answer([householdError(householdId, made.code, made.reason)])
      if (made?.kind === 'accepted') return void made.committed.then(() => answer([{ type: 'ack', householdId, serverSeq: 1 }]))
    }
    if (!access.read) {
      const code = deps.docStore.exists(householdId) || user.role === 'enumerator' ? 'sync/forbidden' : 'sync/not-found'
      return answer([householdError(householdId, code, `household ${householdId} is not in your area`)])
    }
    if (doc.kind === 'step1') {
      const diff = deps.docStore.diff(householdId, doc.stateVector)
      const head = deps.docStore.head(householdId)
      if (diff === null || head === null) return answer([householdError(householdId, 'sync/not-found', `household ${householdId} does not exist`)])
      hold(householdId)
      return answer([docSyncStep2(householdId, diff), { type: 'head', householdId, serverSeq: head }])
    }
    if (!access.write) {
      return answer([householdError(householdId, 'sync/read-only', `role ${user.role} may not edit households`)])
    }
    const t = deps.now()
    tokens = Math.min(rate.burst, tokens + ((t - refilledAt) / 1000) * rate.perSecond)
    refilledAt = t
    if (tokens < 1) return answer([householdError(householdId, 'sync/overloaded', 'too many updates on this connection; retry with backoff')])
    tokens -= 1
    let result: SubmitResult
    try {
      result = deps.writer.submit(householdId, doc.update, { userId: user.id, deviceId })
    } catch (e) {
      deps.onError(e)
      return answer([householdError(householdId, 'sync/internal', 'nothing was stored; retry later')])
    }
    if (result.kind === 'rejected') return answer([householdError(householdId, result.code, result.reason)])
    if (result.kind === 'resync') {
      const state = deps.docStore.readState(householdId)
      const sv = state === null ? new Uint8Array([0]) : Y.encodeStateVectorFromUpdate(state)
      return answer([docSyncStep1(householdId, sv), householdError(householdId, 'sync/missing-dependencies', 'update depends on content the server lacks; answer the step1')])
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
  }

  function handle(m: SyncMessage, depth: number): void {
    if (phase === 'closed') return
    if (phase === 'hello') {
      if (m.type !== 'hello') return fail(CloseCode.PROTOCOL_ERROR, 'sync/malformed', 'first frame must be HELLO')
      const ok = checkHello(m)
      if (!ok.ok) {
        send(ok.error)
        socket.close(CloseCode.VERSION, 'sync/version-unsupported')
        return closed()
      }
      deviceId = m.deviceId
      phase = 'manifest'
      if (helloTimer !== null) clearTimeout(helloTimer)
      helloTimer = null
      return send({ type: 'welcome', protocol: PROTOCOL_VERSION, userId: user.id, serverTime: deps.now(), epoch: deps.epoch })
    }
    switch (m.type) {
      case 'manifest': {
        const { reply: answer, inScope } = deps.manifest(user, m.entries)
        // Unchanged households are in sync now; changed ones join fan-out once their step1 is answered (P10).
        for (const [id, seq] of m.entries) if (inScope.get(id) === seq) hold(id)
        phase = 'ready'
        send(answer)
        bootstrap(answer.added.map(([id]) => id))
        return
      }
      case 'doc':
        return onDoc(m.householdId, m.payload)
      case 'batch': {
        if (depth > 0) return fail(CloseCode.PROTOCOL_ERROR, 'sync/malformed', 'nested BATCH')
        let body: Uint8Array
        try {
          body = m.compressed ? inflateRawSync(m.deflated, { maxOutputLength: MAX_UNPACKED_BATCH_BYTES }) : packFrames(m.frames)
        } catch {
          return fail(CloseCode.PROTOCOL_ERROR, 'sync/malformed', 'BATCH does not inflate')
        }
        const frames = unpackFrames(body)
        if (!frames.ok) return fail(CloseCode.PROTOCOL_ERROR, frames.code, frames.reason)
        for (const f of frames.frames) {
          const inner = decodeMessage(f, { insideBatch: true })
          if (!inner.ok) return fail(CloseCode.PROTOCOL_ERROR, inner.code, inner.reason)
          handle(inner.message, depth + 1)
        }
        return
      }
      default:
        return fail(CloseCode.PROTOCOL_ERROR, 'sync/malformed', `unexpected ${m.type} from a device`)
    }
  }

  const self: DeviceConnection = {
    user,
    receive(bytes) {
      if (phase === 'closed') return
      if (!sessionValid()) return fail(CloseCode.UNAUTHENTICATED, 'sync/unauthenticated', 'the session has ended; sign in again')
      if (bytes.length > MAX_FRAME_BYTES) return fail(CloseCode.TOO_LARGE, 'sync/too-large', `frame of ${bytes.length} bytes`)
      const decoded = decodeMessage(bytes)
      if (!decoded.ok) {
        const close = decoded.code === 'sync/version-unsupported' ? CloseCode.VERSION : decoded.code === 'sync/too-large' ? CloseCode.TOO_LARGE : CloseCode.PROTOCOL_ERROR
        return fail(close, decoded.code, decoded.reason)
      }
      try {
        handle(decoded.message, 0)
      } catch (e) {
        deps.onError(e)
        fail(CloseCode.PROTOCOL_ERROR, 'sync/internal', 'unexpected server failure on this connection')
      }
    },
    closed,
    committed(householdId, update, serverSeq) {
      if (!stillReadable(householdId)) return
      // DOC update + HEAD in one uncompressed BATCH: one socket write instead of two (P9, P10).
      const frames = [encodeMessage(docUpdate(householdId, update)), encodeMessage({ type: 'head', householdId, serverSeq })]
      send({ type: 'batch', compressed: false, frames })
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
    candidates: c.candidates.slice(-MAX_CONFLICT_CANDIDATES).map((x) => ({ value: x.value, clientId: x.clientId, userId: x.userId })),
    kept: c.kept,
  }
}
