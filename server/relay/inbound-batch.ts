// The frames of one WebSocket message from a device: a BATCH inflated, unpacked and every inner frame decoded up front,
// so a malformed BATCH is refused whole before any of it is handled (P9).
import { inflateRawSync } from 'node:zlib'
import {
  CloseCode,
  decodeMessage,
  MAX_UNPACKED_BATCH_BYTES,
  unpackFrames,
  type SyncErrorCode,
  type SyncMessage,
} from '../../shared/sync/protocol.ts'

export type InboundFrames = { ok: true; frames: SyncMessage[] } | { ok: false; code: SyncErrorCode; reason: string }

export function inboundFrames(m: SyncMessage): InboundFrames {
  if (m.type !== 'batch') return { ok: true, frames: [m] }
  let frames: readonly Uint8Array[]
  if (m.compressed) {
    let body: Uint8Array
    try {
      body = inflateRawSync(m.deflated, { maxOutputLength: MAX_UNPACKED_BATCH_BYTES })
    } catch {
      return { ok: false, code: 'sync/malformed', reason: 'BATCH does not inflate' }
    }
    const unpacked = unpackFrames(body)
    if (!unpacked.ok) return unpacked
    frames = unpacked.frames
  } else frames = m.frames
  const out: SyncMessage[] = []
  for (const f of frames) {
    const inner = decodeMessage(f, { insideBatch: true })
    if (!inner.ok) return inner
    out.push(inner.message)
  }
  return { ok: true, frames: out }
}

/** A device's WebSocket message as its frames, or the close code, error code and reason it is refused with. */
export type InboundMessage =
  { ok: true; frames: SyncMessage[] } | { ok: false; close: number; code: SyncErrorCode; reason: string }

/** Decodes one message from a device; before its HELLO (`awaitingHello`) nothing else is accepted. */
export function inboundMessage(bytes: Uint8Array, awaitingHello: boolean): InboundMessage {
  const decoded = decodeMessage(bytes)
  if (!decoded.ok) {
    const close =
      decoded.code === 'sync/version-unsupported'
        ? CloseCode.VERSION
        : decoded.code === 'sync/too-large'
          ? CloseCode.TOO_LARGE
          : CloseCode.PROTOCOL_ERROR
    return { ok: false, close, code: decoded.code, reason: decoded.reason }
  }
  if (awaitingHello && decoded.message.type !== 'hello')
    return { ok: false, close: CloseCode.PROTOCOL_ERROR, code: 'sync/malformed', reason: 'first frame must be HELLO' }
  const unpacked = inboundFrames(decoded.message)
  return unpacked.ok
    ? unpacked
    : { ok: false, close: CloseCode.PROTOCOL_ERROR, code: unpacked.code, reason: unpacked.reason }
}
