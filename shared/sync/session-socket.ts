// What the /sync session core needs from a WebSocket (browser WebSocket and the `ws` package both fit) and from the
// platform's deflate-raw, plus turning one received message into its frames (a BATCH unpacked, P9) and many outgoing
// frames into few messages.

import { unpackFrames } from './batch.ts'
import { MAX_BATCH_FRAMES, MAX_FRAME_BYTES } from './limits.ts'
import type { SyncMessage } from './messages.ts'
import { newBytes, type Allocate } from './encoder-pool.ts'
import { decodeMessage, encodeMessageWith } from './protocol.ts'

/** The subset of WebSocket the session uses. */
export interface SessionSocket {
  binaryType: string
  readonly readyState: number
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: { code: number; reason?: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
}

/** WebSocket.OPEN */
export const SOCKET_OPEN = 1

/** deflate-raw inflation: DecompressionStream on the phone, zlib in Node. */
export type Inflate = (bytes: Uint8Array) => Promise<Uint8Array> | Uint8Array

/** The binary payload of a message event (ArrayBuffer in browsers, Buffer or Buffer[] with `ws`). */
export function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (data instanceof Uint8Array) return data
  if (Array.isArray(data)) {
    // ws may deliver fragmented messages as Buffer[]
    const parts = data.filter((d): d is Uint8Array => d instanceof Uint8Array)
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
    let o = 0
    for (const p of parts) {
      out.set(p, o)
      o += p.length
    }
    return out
  }
  return null
}

export type Incoming = { ok: true; messages: SyncMessage[] } | { ok: false; code: string; reason: string }

/**
 * One WebSocket message as the frames it carries, in order: itself, or a BATCH's frames (inflated when compressed).
 * Never throws: bytes that do not decode, inflate or unpack give `{ok:false}`; a bad frame inside a batch too.
 */
export async function readIncoming(bytes: Uint8Array, inflate: Inflate): Promise<Incoming> {
  const decoded = decodeMessage(bytes)
  if (!decoded.ok) return decoded
  const m = decoded.message
  if (m.type !== 'batch') return { ok: true, messages: [m] }
  if (!m.compressed) return batchFrames(m.frames)
  let body: Uint8Array
  try {
    body = await inflate(m.deflated)
  } catch (e) {
    return { ok: false, code: 'sync/malformed', reason: `BATCH does not inflate (${String(e).slice(0, 80)})` }
  }
  return batchBody(body)
}

/** The frames of an inflated BATCH body (P9), decoded in order. */
export function batchBody(body: Uint8Array): Incoming {
  const unpacked = unpackFrames(body)
  return unpacked.ok ? batchFrames(unpacked.frames) : unpacked
}

/** The frames of a BATCH, decoded in order; the first that does not decode fails the whole batch. */
export function batchFrames(frames: readonly Uint8Array[]): Incoming {
  const messages: SyncMessage[] = []
  for (const f of frames) {
    const inner = decodeMessage(f, { insideBatch: true })
    if (!inner.ok) return inner
    messages.push(inner.message)
  }
  return { ok: true, messages }
}

/** Frames per BATCH the device sends (the receiver allows MAX_BATCH_FRAMES). */
const BATCH_FRAMES = MAX_BATCH_FRAMES / 5

/**
 * The messages that carry `frames` in order: fewer than `fewest` frames go one by one, more as uncompressed BATCHes
 * (P9) of at most MAX_BATCH_FRAMES / 5 frames and under MAX_FRAME_BYTES (the re-send after a restore carries whole
 * households); a frame too big to share a BATCH goes alone. `allocate` gives each BATCH's bytes.
 */
export function outgoingMessages(
  frames: readonly Uint8Array[],
  fewest = 8,
  allocate: Allocate = newBytes,
): Uint8Array[] {
  if (frames.length < fewest) return [...frames]
  const out: Uint8Array[] = []
  let start = 0 // the current batch: frames[start, i)
  let size = 0
  for (let i = 0; i <= frames.length; i++) {
    const f = frames[i]
    // 16 bytes cover the batch header and each frame's length prefix.
    if (f !== undefined && (i === start || (i - start < BATCH_FRAMES && size + f.length + 16 <= MAX_FRAME_BYTES))) {
      size += f.length + 8
      continue
    }
    // The batch ends before frames[i] (or at the end): one frame goes as it is, more as one BATCH. A loop, not a
    // closure made per call: the server compiles with keepNames, which defines each closure's name when it is made.
    if (i - start === 1) out.push(frames[start]!)
    else if (i > start)
      out.push(encodeMessageWith({ type: 'batch', compressed: false, frames: frames.slice(start, i) }, allocate))
    start = i
    size = f === undefined ? 0 : f.length + 8
  }
  return out
}
