// The messages of sync protocol v1 as a discriminated union (docs/sync-protocol.md §Messages).
// Wire numbers are in MessageType; they never change meaning within a protocol version.

import type { SyncErrorCode } from './errors.ts'

export const MessageType = {
  HELLO: 0,
  WELCOME: 1,
  MANIFEST: 2,
  MANIFEST_REPLY: 3,
  DOC: 4,
  ACK: 5,
  HEAD: 6,
  CONFLICT: 7,
  ERROR: 8,
  BATCH: 9,
  STATE: 10,
} as const

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/** c→s, first frame on every connection. */
export interface HelloMessage {
  type: 'hello'
  protocol: number
  deviceId: string
  appVersion: string
}

/**
 * s→c, answer to an accepted HELLO. serverTime: ms since epoch (for clock-skew display only).
 * epoch: the database's identity; it changes when the server's data is restored from a backup. A device that was
 * acknowledged under another epoch must not trust its acknowledged serverSeqs and re-syncs every household (P15).
 */
export interface WelcomeMessage {
  type: 'welcome'
  protocol: number
  userId: string
  serverTime: number
  epoch: string
}

/** c→s: every household the device holds, with the last serverSeq it was acknowledged / told (0 = never synced). */
export interface ManifestMessage {
  type: 'manifest'
  entries: [householdId: string, lastAckedServerSeq: number][]
}

/** s→c: what differs from the manifest. Only `changed` and `added` households then run the Yjs handshake. */
export interface ManifestReplyMessage {
  type: 'manifest-reply'
  changed: [householdId: string, serverSeq: number][]
  added: [householdId: string, serverSeq: number][]
  removed: string[]
}

/** Both ways: one y-websocket message (sync step1/step2/update or awareness) for one household. */
export interface DocMessage {
  type: 'doc'
  householdId: string
  payload: Uint8Array
}

/**
 * s→c: a household's full state as one Yjs update in format **V2** (smaller and better compressible than V1). The
 * server sends it instead of a DOC step2 for households new to the device (bootstrap, P14); the client handles it
 * exactly like a step2 (Y.convertUpdateFormatV2ToV1 or Y.applyUpdateV2).
 */
export interface StateMessage {
  type: 'state'
  householdId: string
  updateV2: Uint8Array
}

/** s→c: the client's DOC step2/update for this household is durably committed as serverSeq. */
export interface AckMessage {
  type: 'ack'
  householdId: string
  serverSeq: number
}

/** s→c: the client now holds everything the server has for this household up to serverSeq. */
export interface HeadMessage {
  type: 'head'
  householdId: string
  serverSeq: number
}

export interface ConflictCandidate {
  value: JsonValue
  clientId: number
  userId: string
}

/** How an administrator settled a conflict: the value written (resolved) or nothing written (dismissed as equal). */
export interface ConflictSettlement {
  status: 'resolved' | 'dismissed'
  /** The administrator's display name. */
  by: string
  /** The value written into the document; null when dismissed. */
  value: JsonValue
  at: number
}

/**
 * s→c: a concurrent edit of one field was detected; `kept` is the value Yjs kept (what every replica shows). The same
 * notice with `settled` tells that an administrator resolved or dismissed it.
 */
export interface ConflictMessage {
  type: 'conflict'
  householdId: string
  conflictId: string
  path: string
  candidates: ConflictCandidate[]
  kept: JsonValue
  settled?: ConflictSettlement
}

/** s→c. With householdId it answers (in place of an ACK) one DOC of that household; without, it is connection-wide. */
export interface ErrorMessage {
  type: 'error'
  code: SyncErrorCode
  message: string
  householdId?: string
}

/** Both ways: many frames in one WebSocket message. */
export type BatchMessage =
  | { type: 'batch'; compressed: false; frames: Uint8Array[] }
  /** `deflated` = deflate-raw(packFrames(frames)); inflate it, then unpackFrames(). */
  | { type: 'batch'; compressed: true; deflated: Uint8Array }

export type SyncMessage =
  | HelloMessage
  | WelcomeMessage
  | ManifestMessage
  | ManifestReplyMessage
  | DocMessage
  | StateMessage
  | AckMessage
  | HeadMessage
  | ConflictMessage
  | ErrorMessage
  | BatchMessage

export type DecodeErrorCode = Extract<SyncErrorCode, 'sync/malformed' | 'sync/version-unsupported' | 'sync/too-large'>

export type DecodeResult<T> = { ok: true; message: T } | { ok: false; code: DecodeErrorCode; reason: string }
