// Packing many frames into one byte string for BATCH (the cold bootstrap of hundreds of households).
// Pure: compression (deflate-raw) is done by the caller with its platform's API, not here.

import * as encoding from 'lib0/encoding'
import { finish, takeEncoder, varUintLength, writeVarBytes } from './encoder-pool.ts'
import { FrameError, FrameReader } from './frame-reader.ts'
import { MAX_BATCH_FRAMES, MAX_FRAME_BYTES, MAX_UNPACKED_BATCH_BYTES } from './limits.ts'

/** varUint count, then each frame as varUint length + bytes. */
export function packFrames(frames: readonly Uint8Array[]): Uint8Array {
  const enc = takeEncoder()
  writePackedFrames(enc, frames)
  return finish(enc)
}

/** packFrames(frames), written into `enc`. */
export function writePackedFrames(enc: encoding.Encoder, frames: readonly Uint8Array[]): void {
  encoding.writeVarUint(enc, frames.length)
  for (const f of frames) writeVarBytes(enc, f)
}

/** The length of packFrames(frames), without packing them. */
export function packedLength(frames: readonly Uint8Array[]): number {
  let n = varUintLength(frames.length)
  for (const f of frames) n += varUintLength(f.length) + f.length
  return n
}

export type UnpackResult =
  { ok: true; frames: Uint8Array[] } | { ok: false; code: 'sync/malformed' | 'sync/too-large'; reason: string }

/** Never throws. Each frame must itself be ≤ MAX_FRAME_BYTES; the whole ≤ MAX_UNPACKED_BATCH_BYTES. */
export function unpackFrames(bytes: Uint8Array): UnpackResult {
  if (bytes.length > MAX_UNPACKED_BATCH_BYTES) {
    return {
      ok: false,
      code: 'sync/too-large',
      reason: `batch is ${bytes.length} bytes, above ${MAX_UNPACKED_BATCH_BYTES}`,
    }
  }
  try {
    const r = new FrameReader(bytes)
    const n = r.count('batch frames', MAX_BATCH_FRAMES)
    const frames: Uint8Array[] = []
    for (let i = 0; i < n; i++) frames.push(r.bytesField(`batch frame ${i}`, MAX_FRAME_BYTES))
    r.end('batch')
    return { ok: true, frames }
  } catch (e) {
    const reason = e instanceof FrameError ? e.reason : 'undecodable batch'
    return { ok: false, code: 'sync/malformed', reason }
  }
}
