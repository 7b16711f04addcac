// Builders and a never-throwing reader for DOC payloads: one y-websocket message per household
// (messageSync = 0 with y-protocols step1/step2/update, messageAwareness = 1), so stock Yjs code can speak it.

import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { finish, newBytes, takeEncoder, varUintLength, writeVarBytes, type Allocate } from './encoder-pool.ts'
import { FrameError, FrameReader } from './frame-reader.ts'
import { MAX_FRAME_BYTES } from './limits.ts'
import type { DocMessage } from './messages.ts'

/** y-websocket's outer message types. */
export const YWS_MESSAGE_SYNC = 0
export const YWS_MESSAGE_AWARENESS = 1

export type DocPayload =
  | { kind: 'step1'; stateVector: Uint8Array }
  | { kind: 'step2'; update: Uint8Array }
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; bytes: Uint8Array }
  | { kind: 'invalid'; reason: string }

function syncPayload(syncType: number, bytes: Uint8Array, allocate: Allocate = newBytes): Uint8Array {
  const enc = takeEncoder()
  writeSyncPayload(enc, syncType, bytes)
  return finish(enc, allocate)
}

function writeSyncPayload(enc: encoding.Encoder, syncType: number, bytes: Uint8Array): void {
  encoding.writeVarUint(enc, YWS_MESSAGE_SYNC)
  encoding.writeVarUint(enc, syncType)
  writeVarBytes(enc, bytes)
}

/** updatePayload(update), written into `enc` as a length-prefixed field (a DOC frame's payload). */
export function writeUpdatePayloadField(enc: encoding.Encoder, update: Uint8Array): void {
  const type = syncProtocol.messageYjsUpdate
  encoding.writeVarUint(
    enc,
    varUintLength(YWS_MESSAGE_SYNC) + varUintLength(type) + varUintLength(update.length) + update.length,
  )
  writeSyncPayload(enc, type, update)
}

/** The y-websocket payload of a sync step 1 (our state vector: "send me what I lack"). */
export function syncStep1Payload(stateVector: Uint8Array): Uint8Array {
  return syncPayload(syncProtocol.messageYjsSyncStep1, stateVector)
}
export function syncStep2Payload(update: Uint8Array): Uint8Array {
  return syncPayload(syncProtocol.messageYjsSyncStep2, update)
}
export function updatePayload(update: Uint8Array): Uint8Array {
  return syncPayload(syncProtocol.messageYjsUpdate, update)
}
/** updatePayload, its bytes from `allocate` (a payload that goes straight to a socket may come from a pool). */
export function updatePayloadWith(update: Uint8Array, allocate: Allocate): Uint8Array {
  return syncPayload(syncProtocol.messageYjsUpdate, update, allocate)
}

export function docSyncStep1(householdId: string, stateVector: Uint8Array): DocMessage {
  return { type: 'doc', householdId, payload: syncStep1Payload(stateVector) }
}
export function docSyncStep2(householdId: string, update: Uint8Array): DocMessage {
  return { type: 'doc', householdId, payload: syncStep2Payload(update) }
}
export function docUpdate(householdId: string, update: Uint8Array): DocMessage {
  return { type: 'doc', householdId, payload: updatePayload(update) }
}

/** Read a DOC payload. Never throws; does not decode the Yjs update itself (inspectUpdate does). */
/** A Yjs state vector: count, then (client, clock) pairs, nothing after (Yjs would throw deep inside a diff). */
function checkStateVector(bytes: Uint8Array): void {
  const r = new FrameReader(bytes)
  const n = r.count('state vector entries', bytes.length)
  for (let i = 0; i < n; i++) {
    r.uint('state vector client')
    r.uint('state vector clock')
  }
  r.end('state vector')
}

/**
 * Reads a DOC frame's payload; the update or state vector in it is a copy. `owned`: the payload is the caller's own (a
 * decoded frame's field, never a view of a larger buffer), and a large update or state vector is returned as a view
 * of it instead (frame-reader.ts bytesFieldOfOwned): the relay, which stores it or drops it.
 */
export function readDocPayload(payload: Uint8Array, owned = false): DocPayload {
  try {
    const r = new FrameReader(payload)
    const outer = r.uint('y-websocket message type')
    if (outer === YWS_MESSAGE_AWARENESS) {
      const bytes = r.bytesField('awareness update', MAX_FRAME_BYTES)
      r.end('awareness')
      return { kind: 'awareness', bytes }
    }
    if (outer !== YWS_MESSAGE_SYNC) return { kind: 'invalid', reason: `unsupported y-websocket message type ${outer}` }
    const syncType = r.uint('sync message type')
    const bytes = owned
      ? r.bytesFieldOfOwned('sync content', MAX_FRAME_BYTES)
      : r.bytesField('sync content', MAX_FRAME_BYTES)
    r.end('sync message')
    switch (syncType) {
      case syncProtocol.messageYjsSyncStep1:
        checkStateVector(bytes)
        return { kind: 'step1', stateVector: bytes }
      case syncProtocol.messageYjsSyncStep2:
        return { kind: 'step2', update: bytes }
      case syncProtocol.messageYjsUpdate:
        return { kind: 'update', update: bytes }
      default:
        return { kind: 'invalid', reason: `unknown sync message type ${syncType}` }
    }
  } catch (e) {
    return { kind: 'invalid', reason: e instanceof FrameError ? e.reason : 'undecodable doc payload' }
  }
}
