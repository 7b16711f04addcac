// Frames encoded without a fresh lib0 Encoder each. A new Encoder starts with a 100-byte Uint8Array, and above 64 bytes
// V8 gives a typed array a backing store of its own outside the JS heap: allocating and freeing one took 1.3–1.8 µs of
// CPU in a loop on Node 20 (about 20 ns for a small array on the heap), and the relay made eleven per edit. These
// encoders are reused; only the finished frame is allocated, by the caller's `Allocate` when it has a cheaper one.
import * as encoding from 'lib0/encoding'

/** Allocates the bytes of a finished frame (every byte is written). */
export type Allocate = (length: number) => Uint8Array

export const newBytes: Allocate = (length) => new Uint8Array(length)

/** The buffer a pooled encoder starts with: most frames fit, so writing them allocates nothing. */
const SCRATCH_BYTES = 4096
/** A buffer grown past this (a large frame) is dropped when the encoder goes back to the pool. */
const KEEP_BYTES = 64 * 1024
/** Encoders kept: one frame nests at most one other (a BATCH of frames, a DOC around a payload). */
const POOL_SIZE = 4

const pool: encoding.Encoder[] = []

/** An empty encoder; hand it to `finish` when written (one that is not just stays out of the pool). */
export function takeEncoder(): encoding.Encoder {
  const reused = pool.pop()
  if (reused !== undefined) return reused
  const enc = encoding.createEncoder()
  enc.cbuf = new Uint8Array(SCRATCH_BYTES)
  return enc
}

/** What `enc` (from takeEncoder) holds, copied into `allocate(length)`; `enc` is emptied and goes back to the pool. */
export function finish(enc: encoding.Encoder, allocate: Allocate = newBytes): Uint8Array {
  const out = allocate(encoding.length(enc))
  let at = 0
  for (const b of enc.bufs) {
    out.set(b, at)
    at += b.length
  }
  out.set(enc.cbuf.subarray(0, enc.cpos), at)
  enc.cpos = 0
  enc.bufs.length = 0
  if (enc.cbuf.length > KEEP_BYTES) enc.cbuf = new Uint8Array(SCRATCH_BYTES)
  if (pool.length < POOL_SIZE) pool.push(enc)
  return out
}

/**
 * encoding.writeVarUint8Array(enc, bytes) without the subarray() lib0 takes of `bytes`: a Uint8Array of up to 64 bytes
 * lives on V8's heap, and a subarray of it first moves its bytes into a backing store of their own outside the heap,
 * allocated there and freed later by the garbage collector (`set` copies from the heap as it is). The relay's small
 * frames (ACK, HEAD, an edit's update) are such arrays: lib0's subarray made two of these allocations per edit.
 */
export function writeVarBytes(enc: encoding.Encoder, bytes: Uint8Array): void {
  encoding.writeVarUint(enc, bytes.length)
  if (enc.cbuf.length - enc.cpos < bytes.length) return encoding.writeUint8Array(enc, bytes)
  enc.cbuf.set(bytes, enc.cpos)
  enc.cpos += bytes.length
}

/** How many bytes lib0 writes for `n` as a varUint. */
export function varUintLength(n: number): number {
  let len = 1
  while (n > 0x7f) {
    n = Math.floor(n / 128)
    len++
  }
  return len
}
