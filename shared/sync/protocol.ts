// Sync protocol v1 codec: one binary frame per WebSocket message, a varUint message type then fields (lib0 varints).
// decodeMessage never throws; the spec with rule ids P1… is docs/sync-protocol.md. This is the module to import.

import * as encoding from 'lib0/encoding'
import { isSyncErrorCode } from './errors.ts'
import { FrameError, FrameReader } from './frame-reader.ts'
import {
  MAX_CONFLICT_CANDIDATES,
  MAX_FRAME_BYTES,
  MAX_ID_BYTES,
  MAX_JSON_BYTES,
  MAX_MANIFEST_ENTRIES,
  MAX_TEXT_BYTES,
  MAX_UNPACKED_BATCH_BYTES,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from './limits.ts'
import { packedLength, unpackFrames, writePackedFrames } from './batch.ts'
import { writeUpdatePayloadField } from './doc-payload.ts'
import { finish, newBytes, takeEncoder, writeVarBytes, type Allocate } from './encoder-pool.ts'
import type { ConflictMessage, DecodeResult, ErrorMessage, HelloMessage, JsonValue, SyncMessage } from './messages.ts'
import { MessageType } from './messages.ts'

export * from './errors.ts'
export * from './limits.ts'
export * from './messages.ts'
export * from './batch.ts'
export * from './doc-payload.ts'
export type { Allocate } from './encoder-pool.ts'

// ——— encoding ———

function writeJson(enc: encoding.Encoder, value: JsonValue): void {
  encoding.writeVarString(enc, JSON.stringify(value))
}

/** Encode one message as one frame. Pure; does not check limits (the receiver does, P4). */
export function encodeMessage(m: SyncMessage): Uint8Array {
  return encodeMessageWith(m, newBytes)
}

/** encodeMessage, the frame's bytes from `allocate` (a frame that goes straight to a socket may come from a pool). */
export function encodeMessageWith(m: SyncMessage, allocate: Allocate): Uint8Array {
  const enc = takeEncoder()
  switch (m.type) {
    case 'hello':
      encoding.writeVarUint(enc, MessageType.HELLO)
      encoding.writeVarUint(enc, m.protocol)
      encoding.writeVarString(enc, m.deviceId)
      encoding.writeVarString(enc, m.appVersion)
      break
    case 'welcome':
      encoding.writeVarUint(enc, MessageType.WELCOME)
      encoding.writeVarUint(enc, m.protocol)
      encoding.writeVarString(enc, m.userId)
      encoding.writeVarUint(enc, m.serverTime)
      encoding.writeVarString(enc, m.epoch)
      break
    case 'manifest':
      encoding.writeVarUint(enc, MessageType.MANIFEST)
      writePairs(enc, m.entries)
      break
    case 'manifest-reply':
      encoding.writeVarUint(enc, MessageType.MANIFEST_REPLY)
      writePairs(enc, m.changed)
      writePairs(enc, m.added)
      encoding.writeVarUint(enc, m.removed.length)
      for (const id of m.removed) encoding.writeVarString(enc, id)
      break
    case 'doc':
      encoding.writeVarUint(enc, MessageType.DOC)
      encoding.writeVarString(enc, m.householdId)
      writeVarBytes(enc, m.payload)
      break
    case 'state':
      encoding.writeVarUint(enc, MessageType.STATE)
      encoding.writeVarString(enc, m.householdId)
      writeVarBytes(enc, m.updateV2)
      break
    case 'ack':
    case 'head':
      encoding.writeVarUint(enc, m.type === 'ack' ? MessageType.ACK : MessageType.HEAD)
      encoding.writeVarString(enc, m.householdId)
      encoding.writeVarUint(enc, m.serverSeq)
      break
    case 'conflict':
      encoding.writeVarUint(enc, MessageType.CONFLICT)
      encoding.writeVarString(enc, m.householdId)
      encoding.writeVarString(enc, m.conflictId)
      encoding.writeVarString(enc, m.path)
      encoding.writeVarUint(enc, m.candidates.length)
      for (const c of m.candidates) {
        writeJson(enc, c.value)
        encoding.writeVarUint(enc, c.clientId)
        encoding.writeVarString(enc, c.userId)
      }
      writeJson(enc, m.kept)
      // Settlement flag (P12): 0 = an open conflict, 1 = settled by an administrator (status, who, value, when).
      encoding.writeUint8(enc, m.settled === undefined ? 0 : 1)
      if (m.settled !== undefined) {
        encoding.writeUint8(enc, m.settled.status === 'resolved' ? 1 : 2)
        encoding.writeVarString(enc, m.settled.by)
        writeJson(enc, m.settled.value)
        encoding.writeVarUint(enc, m.settled.at)
      }
      break
    case 'error':
      encoding.writeVarUint(enc, MessageType.ERROR)
      encoding.writeVarString(enc, m.code)
      encoding.writeVarString(enc, m.message)
      encoding.writeUint8(enc, m.householdId === undefined ? 0 : 1)
      if (m.householdId !== undefined) encoding.writeVarString(enc, m.householdId)
      break
    case 'batch':
      encoding.writeVarUint(enc, MessageType.BATCH)
      encoding.writeUint8(enc, m.compressed ? 1 : 0)
      if (m.compressed) writeVarBytes(enc, m.deflated)
      else {
        encoding.writeVarUint(enc, packedLength(m.frames)) // the packed frames as one field, packed in place
        writePackedFrames(enc, m.frames)
      }
      break
  }
  return finish(enc, allocate)
}

/** encodeMessage(docUpdate(householdId, update), allocate) in one pass: the relay's fan-out of each committed edit. */
export function docUpdateFrame(householdId: string, update: Uint8Array, allocate: Allocate = newBytes): Uint8Array {
  const enc = takeEncoder()
  encoding.writeVarUint(enc, MessageType.DOC)
  encoding.writeVarString(enc, householdId)
  writeUpdatePayloadField(enc, update)
  return finish(enc, allocate)
}

function writePairs(enc: encoding.Encoder, pairs: readonly (readonly [string, number])[]): void {
  encoding.writeVarUint(enc, pairs.length)
  for (const [id, seq] of pairs) {
    encoding.writeVarString(enc, id)
    encoding.writeVarUint(enc, seq)
  }
}

// ——— decoding ———

export interface DecodeOptions {
  /** Default MAX_FRAME_BYTES. */
  maxBytes?: number
  /** Set when decoding the frames of a BATCH: a nested BATCH is malformed (P9). */
  insideBatch?: boolean
}

/** Decode one frame. Never throws, whatever the input (P3). */
export function decodeMessage(bytes: Uint8Array, options: DecodeOptions = {}): DecodeResult<SyncMessage> {
  const maxBytes = options.maxBytes ?? MAX_FRAME_BYTES
  if (!(bytes instanceof Uint8Array)) return { ok: false, code: 'sync/malformed', reason: 'frame is not binary' }
  if (bytes.length > maxBytes) {
    return {
      ok: false,
      code: 'sync/too-large',
      reason: `frame is ${bytes.length} bytes, above the limit of ${maxBytes}`,
    }
  }
  const r = new FrameReader(bytes)
  let type = -1
  try {
    type = r.uint('message type')
    const message = readBody(r, type, options)
    r.end(messageName(type))
    return { ok: true, message }
  } catch (e) {
    const reason = e instanceof FrameError ? e.reason : `undecodable frame (${String(e)})`
    if (type === MessageType.HELLO) return helloOfOtherVersion(bytes, reason)
    return { ok: false, code: 'sync/malformed', reason }
  }
}

/** Wire number → name, built once (decodeMessage names the type of every frame it reads). */
const MESSAGE_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(MessageType).map(([name, n]) => [n, name]))

function messageName(type: number): string {
  return MESSAGE_NAMES.get(type) ?? `type ${type}`
}

/** A HELLO whose body does not parse: if it names another protocol version, say so (P2), else it is malformed. */
function helloOfOtherVersion(bytes: Uint8Array, reason: string): DecodeResult<SyncMessage> {
  try {
    const r = new FrameReader(bytes)
    r.uint('message type')
    const protocol = r.uint('protocol')
    if (protocol !== PROTOCOL_VERSION) {
      return {
        ok: false,
        code: 'sync/version-unsupported',
        reason: `protocol ${protocol} is not supported; this server speaks ${PROTOCOL_VERSION}`,
      }
    }
  } catch {
    // fall through: not even the version is readable
  }
  return { ok: false, code: 'sync/malformed', reason }
}

function readJson(r: FrameReader, what: string): JsonValue {
  const text = r.string(what, MAX_JSON_BYTES)
  try {
    return JSON.parse(text) as JsonValue
  } catch {
    throw new FrameError(`${what} is not JSON`)
  }
}

function readPairs(r: FrameReader, what: string): [string, number][] {
  const n = r.count(what, MAX_MANIFEST_ENTRIES)
  const out: [string, number][] = []
  for (let i = 0; i < n; i++) out.push([r.id(`${what} household id`, MAX_ID_BYTES), r.uint(`${what} serverSeq`)])
  return out
}

function readBody(r: FrameReader, type: number, options: DecodeOptions): SyncMessage {
  switch (type) {
    case MessageType.HELLO:
      return {
        type: 'hello',
        protocol: r.uint('protocol'),
        deviceId: r.id('deviceId', MAX_ID_BYTES),
        appVersion: r.string('appVersion', MAX_TEXT_BYTES),
      }
    case MessageType.WELCOME:
      return {
        type: 'welcome',
        protocol: r.uint('protocol'),
        userId: r.id('userId', MAX_ID_BYTES),
        serverTime: r.uint('serverTime'),
        epoch: r.id('epoch', MAX_ID_BYTES),
      }
    case MessageType.MANIFEST:
      return { type: 'manifest', entries: readPairs(r, 'manifest entries') }
    case MessageType.MANIFEST_REPLY: {
      const changed = readPairs(r, 'changed')
      const added = readPairs(r, 'added')
      const n = r.count('removed', MAX_MANIFEST_ENTRIES)
      const removed: string[] = []
      for (let i = 0; i < n; i++) removed.push(r.id('removed household id', MAX_ID_BYTES))
      return { type: 'manifest-reply', changed, added, removed }
    }
    case MessageType.DOC:
      return {
        type: 'doc',
        householdId: r.id('householdId', MAX_ID_BYTES),
        payload: r.bytesField('doc payload', MAX_FRAME_BYTES),
      }
    case MessageType.STATE:
      return {
        type: 'state',
        householdId: r.id('householdId', MAX_ID_BYTES),
        updateV2: r.bytesField('state update', MAX_FRAME_BYTES),
      }
    case MessageType.ACK:
    case MessageType.HEAD:
      return {
        type: type === MessageType.ACK ? 'ack' : 'head',
        householdId: r.id('householdId', MAX_ID_BYTES),
        serverSeq: r.uint('serverSeq'),
      }
    case MessageType.CONFLICT: {
      const householdId = r.id('householdId', MAX_ID_BYTES)
      const conflictId = r.string('conflictId', MAX_ID_BYTES)
      const path = r.string('path', MAX_TEXT_BYTES)
      const n = r.count('candidates', MAX_CONFLICT_CANDIDATES)
      const candidates = []
      for (let i = 0; i < n; i++) {
        candidates.push({
          value: readJson(r, 'candidate value'),
          clientId: r.uint('candidate clientId'),
          userId: r.string('candidate userId', MAX_ID_BYTES),
        })
      }
      const m: ConflictMessage = {
        type: 'conflict',
        householdId,
        conflictId,
        path,
        candidates,
        kept: readJson(r, 'kept value'),
      }
      const flag = r.byte('conflict settlement flag')
      if (flag > 1) throw new FrameError(`bad settlement flag ${flag} in CONFLICT`)
      if (flag === 1) {
        const status = r.byte('settlement status')
        if (status !== 1 && status !== 2) throw new FrameError(`bad settlement status ${status} in CONFLICT`)
        m.settled = {
          status: status === 1 ? 'resolved' : 'dismissed',
          by: r.string('settled by', MAX_TEXT_BYTES),
          value: readJson(r, 'settled value'),
          at: r.uint('settled at'),
        }
      }
      return m
    }
    case MessageType.ERROR: {
      const code = r.string('error code', MAX_ID_BYTES)
      if (!isSyncErrorCode(code)) throw new FrameError(`unknown error code "${code.slice(0, 40)}"`)
      const message = r.string('error message', MAX_TEXT_BYTES)
      const flag = r.byte('error household flag')
      if (flag > 1) throw new FrameError(`bad household flag ${flag} in ERROR`)
      const m: ErrorMessage = { type: 'error', code, message }
      if (flag === 1) m.householdId = r.id('householdId', MAX_ID_BYTES)
      return m
    }
    case MessageType.BATCH: {
      if (options.insideBatch) throw new FrameError('BATCH nested inside a BATCH')
      const flag = r.byte('batch flags')
      if (flag > 1) throw new FrameError(`bad batch flags ${flag}`)
      const body = r.bytesField('batch body', MAX_UNPACKED_BATCH_BYTES)
      if (flag === 1) return { type: 'batch', compressed: true, deflated: body }
      const unpacked = unpackFrames(body)
      if (!unpacked.ok) throw new FrameError(unpacked.reason)
      return { type: 'batch', compressed: false, frames: unpacked.frames }
    }
    default:
      throw new FrameError(`unknown message type ${type}`)
  }
}

// ——— connection rules ———

/** P2: the server's verdict on a HELLO — accept, or the ERROR to send before closing with CloseCode.VERSION. */
export function checkHello(m: HelloMessage): { ok: true } | { ok: false; error: ErrorMessage } {
  if (SUPPORTED_PROTOCOL_VERSIONS.includes(m.protocol)) return { ok: true }
  return {
    ok: false,
    error: {
      type: 'error',
      code: 'sync/version-unsupported',
      message: `protocol ${m.protocol} is not supported; this server speaks protocol ${PROTOCOL_VERSION}. Update the app.`,
    },
  }
}
