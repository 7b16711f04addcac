// GET /yjs/:householdId — the plain y-websocket protocol for one household, so stock Yjs clients (WebsocketProvider)
// can sync. Updates take the same checks, rate limits and group commit as /sync; there is no ACK in this protocol.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import type { Access, User } from '../auth/access.ts'
import type { DocStore } from '../store/doc-store.ts'
import type { HouseholdWriter } from '../store/household-writer.ts'
import {
  CloseCode,
  MAX_FRAME_BYTES,
  syncStep1Payload,
  syncStep2Payload,
  updatePayload,
  YWS_MESSAGE_AWARENESS,
  YWS_MESSAGE_SYNC,
} from '../../shared/sync/protocol.ts'
import { sessionCheck, type Socket } from './device-connection.ts'
import type { Hub, Subscriber } from './hub.ts'
import { createRateLimiter, DEFAULT_RELAY_LIMITS, type FrameKind, type RelayLimits } from './rate-limit.ts'
import { createScopeCache } from './scope-cache.ts'

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

export interface YjsConnection extends Subscriber {
  open(): void
  receive(bytes: Uint8Array): void
  closed(): void
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

export function createYjsConnection(
  user: User,
  householdId: string,
  socket: Socket,
  deps: YjsConnectionDeps,
  token?: string,
): YjsConnection {
  const now = deps.now ?? Date.now
  const sessionValid = sessionCheck(deps.access, user, token, now)
  const rate = createRateLimiter((deps.limits ?? DEFAULT_RELAY_LIMITS).rates, now)
  const scope = createScopeCache(deps.access, user, householdId, now, deps.scopeGeneration)
  let open = false

  function send(bytes: Uint8Array): void {
    if (open) socket.send(bytes)
  }

  function serverStateVector(): Uint8Array {
    const state = deps.docStore.readState(householdId)
    return state === null ? Y.encodeStateVector(new Y.Doc()) : Y.encodeStateVectorFromUpdate(state)
  }

  function write(update: Uint8Array): void {
    if (!scope().write) {
      // The stock provider answers our step1 with its (usually empty) step2: only refuse real changes.
      if (!isEmptyUpdate(update)) send(permissionDenied('sync/read-only'))
      return
    }
    const result = deps.writer.submit(householdId, update, { userId: user.id, deviceId: `yjs:${user.id}` })
    if (result.kind === 'rejected') return send(permissionDenied(result.code))
    if (result.kind === 'resync') return send(syncStep1Payload(serverStateVector()))
    result.committed.then((c) => {
      if (c.update !== null) deps.hub.publish(householdId, c.update, c.serverSeq, self)
      for (const conflict of c.conflicts) deps.hub.publishConflict(conflict)
    }, deps.onError)
  }

  /**
   * Scope is re-checked per message and per fan-out (cached SCOPE_CACHE_MS, dropped when assignments change): a revoked
   * assignment closes the connection.
   */
  function revoked(): boolean {
    const session = sessionValid()
    if (session && scope().read) return false
    socket.close(
      session ? CloseCode.FORBIDDEN : CloseCode.UNAUTHENTICATED,
      session ? 'sync/forbidden' : 'sync/unauthenticated',
    )
    self.closed()
    return true
  }

  /**
   * Over its budget the socket closes with OVERLOADED: the protocol has no per-update refusal, and the stock provider
   * reconnects and re-sends through step1/step2 whatever was not committed.
   */
  function overBudget(kind: FrameKind): boolean {
    if (rate.take(kind)) return false
    socket.close(CloseCode.OVERLOADED, 'sync/overloaded')
    self.closed()
    return true
  }

  function handle(bytes: Uint8Array): void {
    if (overBudget('frame') || revoked()) return
    const dec = decoding.createDecoder(bytes)
    const outer = decoding.readVarUint(dec)
    if (outer === YWS_MESSAGE_AWARENESS) {
      decoding.readVarUint8Array(dec) // validate framing before relaying
      // Presence is for people who edit: read-only users' awareness is not relayed, and nobody's beyond its rate.
      if (!rate.take('awareness') || !scope().write) return
      return deps.hub.publishAwareness(householdId, bytes, self)
    }
    if (outer === MESSAGE_QUERY_AWARENESS || outer === MESSAGE_AUTH) return
    if (outer !== YWS_MESSAGE_SYNC) throw new Error(`unknown y-websocket message ${outer}`)
    const sub = decoding.readVarUint(dec)
    const content = decoding.readVarUint8Array(dec)
    if (sub === syncProtocol.messageYjsSyncStep1) {
      if (overBudget('read')) return
      const diff = deps.docStore.diff(householdId, content)
      if (diff !== null) send(syncStep2Payload(diff))
      return
    }
    if (sub === syncProtocol.messageYjsSyncStep2 || sub === syncProtocol.messageYjsUpdate) {
      if (overBudget('update')) return
      return write(content)
    }
    throw new Error(`unknown sync message ${sub}`)
  }

  const self: YjsConnection = {
    user,
    open() {
      open = true
      deps.hub.subscribe(householdId, self)
      send(syncStep1Payload(serverStateVector()))
    },
    receive(bytes) {
      if (!open) return
      if (bytes.length > MAX_FRAME_BYTES) {
        socket.close(CloseCode.TOO_LARGE, 'sync/too-large')
        return self.closed()
      }
      try {
        handle(bytes)
      } catch {
        socket.close(CloseCode.PROTOCOL_ERROR, 'sync/malformed')
        self.closed()
      }
    },
    closed() {
      if (!open) return
      open = false
      deps.hub.unsubscribe(householdId, self)
    },
    committed(_id, update) {
      if (!open || revoked()) return
      send(updatePayload(update))
    },
    conflict() {
      // the plain y-websocket protocol has no conflict notice; the admin screen shows it
    },
    awareness(_id, payload) {
      if (!open || revoked()) return
      send(payload)
    },
  }
  return self
}
