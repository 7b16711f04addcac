// The DOC path of a /sync connection: scope and rate checks, step1 answers, client updates submitted to the group commit
// and answered in arrival order — an ACK only after the commit — and households found in the field created (P8, P10).
import { refusalOf } from '../store/household-catch-up.ts'
import type { SubmitResult } from '../store/household-writer.ts'
import {
  docSyncStep1,
  docSyncStep2,
  encodeMessageWith,
  readDocPayload,
  type SyncErrorCode,
  type SyncMessage,
} from '../../shared/sync/protocol.ts'
import * as Y from 'yjs'
import type { DeviceConnection } from './device-connection.ts'
import type { CreationResult } from './household-creation.ts'
import type { Scope } from './scope-cache.ts'
import { wireBytes } from './wire-bytes.ts'

/** What one handled frame costs the turn's budget beyond the bytes it reads or writes. */
export const FRAME_COST = 256

/** The answer to one client update: filled when known, sent once every earlier update's answer has gone. */
export interface ReplySlot {
  frames: Uint8Array[] | null
}

/** Takes the next place in the order of update answers. */
function reserve(c: DeviceConnection): ReplySlot {
  const slot: ReplySlot = { frames: null }
  ;(c.replies ??= []).push(slot)
  return slot
}

const toFrame = (m: SyncMessage): Uint8Array => encodeMessageWith(m, wireBytes)

/** Sends a DOC frame's answer: a read's at once, an update's in the order the updates arrived. */
function answer(c: DeviceConnection, slot: ReplySlot | null, messages: SyncMessage[]): void {
  if (slot === null) return c.sendFrames(messages.map(toFrame))
  slot.frames = messages.map(toFrame)
  const replies = c.replies
  if (replies === null) return
  while (replies.length > 0 && replies[0]!.frames !== null) c.sendFrames(replies.shift()!.frames!)
  if (replies.length === 0) c.replies = null
}

function householdError(householdId: string, code: SyncErrorCode, message: string): SyncMessage {
  return { type: 'error', code, message, householdId }
}

function refuse(
  c: DeviceConnection,
  slot: ReplySlot | null,
  householdId: string,
  code: SyncErrorCode,
  message: string,
): number {
  answer(c, slot, [householdError(householdId, code, message)])
  return FRAME_COST
}

/** Creates a household found in the field; null when the update is not one (then it is an unknown household). */
function createFound(
  c: DeviceConnection,
  householdId: string,
  update: Uint8Array,
): Extract<SubmitResult, { kind: 'accepted' | 'rejected' }> | null {
  let made: CreationResult
  try {
    made = c.deps.createHousehold!(c.user, householdId, update, c.deviceId)
  } catch (e) {
    c.deps.onError(e)
    return { kind: 'rejected', code: 'sync/internal', reason: 'nothing was stored; retry later' }
  }
  if (made.kind === 'not-a-creation') return null
  if (made.kind === 'resync')
    return { kind: 'rejected', code: 'sync/invalid-update', reason: 'a new household must come complete' }
  if (made.kind === 'accepted') {
    c.forgetScope(householdId) // in scope from now on
    c.hold(householdId, 1) // the device holds everything up to seq 1: its own document
  }
  return made
}

/** Handles one DOC frame of connection `c`; returns its cost for the turn's budget (bytes read or written). */
export function onDoc(c: DeviceConnection, householdId: string, payload: Uint8Array): number {
  const { deps, user } = c
  // The payload is the decoded frame's own copy: an update kept as a view of it keeps a few bytes more alive, no more.
  const doc = readDocPayload(payload, true)
  if (doc.kind === 'awareness') return FRAME_COST // no presence on household documents (P7)
  const isWrite = doc.kind === 'step2' || doc.kind === 'update'
  const slot = isWrite ? reserve(c) : null
  if (doc.kind === 'invalid') return refuse(c, slot, householdId, 'sync/malformed', doc.reason)
  let access: Scope
  try {
    access = c.scopeOf(householdId)
  } catch (e) {
    // The database cannot answer (it is down): nothing is read or written, the connection stays, the device retries.
    deps.onError(e)
    return refuse(c, slot, householdId, 'sync/internal', 'the server cannot check access now; retry later')
  }
  if (
    !access.read &&
    doc.kind === 'update' &&
    deps.createHousehold !== undefined &&
    !deps.docStore.exists(householdId)
  ) {
    // An unknown id may be a household found in the field (household-creation.ts); anything else is answered below.
    if (!c.take('update'))
      return refuse(c, slot, householdId, 'sync/overloaded', 'too many updates on this connection; retry with backoff')
    const made = createFound(c, householdId, doc.update)
    if (made?.kind === 'rejected') return refuse(c, slot, householdId, made.code, made.reason)
    if (made?.kind === 'accepted') {
      void made.committed.then(() => answer(c, slot, [{ type: 'ack', householdId, serverSeq: 1 }]))
      return FRAME_COST + doc.update.length
    }
  }
  if (!access.read && !(isWrite && access.write)) {
    const code = deps.docStore.exists(householdId) || user.role === 'enumerator' ? 'sync/forbidden' : 'sync/not-found'
    return refuse(c, slot, householdId, code, `household ${householdId} is not in your area`)
  }
  if (doc.kind === 'step1') {
    if (!c.take('read'))
      return refuse(
        c,
        slot,
        householdId,
        'sync/overloaded',
        'too many household reads on this connection; retry with backoff',
      )
    // The head before the diff: a commit landing in between (another relay) is in the diff AND fanned out after.
    const head = deps.docStore.head(householdId)
    const diff = deps.docStore.diff(householdId, doc.stateVector)
    if (diff === null || head === null)
      return refuse(c, slot, householdId, 'sync/not-found', `household ${householdId} does not exist`)
    c.hold(householdId, head)
    answer(c, slot, [docSyncStep2(householdId, diff), { type: 'head', householdId, serverSeq: head }])
    return FRAME_COST + diff.length
  }
  if (!access.write) return refuse(c, slot, householdId, 'sync/read-only', `role ${user.role} may not edit households`)
  if (!c.take('update'))
    return refuse(c, slot, householdId, 'sync/overloaded', 'too many updates on this connection; retry with backoff')
  let result: SubmitResult
  try {
    result = deps.writer.submit(householdId, doc.update, { userId: user.id, deviceId: c.deviceId })
  } catch (e) {
    deps.onError(e)
    return refuse(c, slot, householdId, 'sync/internal', 'nothing was stored; retry later')
  }
  if (result.kind === 'rejected') return refuse(c, slot, householdId, result.code, result.reason)
  if (result.kind === 'resync') {
    const state = deps.docStore.readState(householdId)
    const sv = state === null ? new Uint8Array([0]) : Y.encodeStateVectorFromUpdate(state)
    answer(c, slot, [
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
    (committed) => {
      answer(c, slot, [{ type: 'ack', householdId, serverSeq: committed.serverSeq }])
      if (committed.update !== null) deps.hub.publish(householdId, committed.update, committed.serverSeq, c)
      for (const conflict of committed.conflicts) deps.hub.publishConflict(conflict)
    },
    (e: unknown) => {
      const refused = refusalOf(e) // the check inside the commit refused it: the device learns why
      if (refused !== null) return answer(c, slot, [householdError(householdId, refused.code, refused.reason)])
      deps.onError(e)
      answer(c, slot, [householdError(householdId, 'sync/internal', 'nothing was stored; retry later')])
    },
  )
  return FRAME_COST + doc.update.length
}
