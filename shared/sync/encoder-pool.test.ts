// Frames encoded with reused encoders are byte for byte those of a fresh lib0 Encoder, whatever came before them.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as encoding from 'lib0/encoding'
import { finish, takeEncoder, varUintLength, writeVarBytes } from './encoder-pool.ts'
import {
  decodeMessage,
  docUpdate,
  docUpdateFrame,
  encodeMessage,
  encodeMessageWith,
  packFrames,
  updatePayload,
  updatePayloadWith,
  MessageType,
  type SyncMessage,
} from './protocol.ts'

/** What lib0 writes with a fresh encoder: the reference the pooled path must match. */
function fresh(write: (enc: encoding.Encoder) => void): Uint8Array {
  const enc = encoding.createEncoder()
  write(enc)
  return encoding.toUint8Array(enc)
}

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n)
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff
  return b
}

describe('encoder pool', () => {
  it('varUintLength is the length lib0 writes, at every boundary', () => {
    for (const n of [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER])
      expect(varUintLength(n), String(n)).toBe(fresh((e) => encoding.writeVarUint(e, n)).length)
  })

  it('writeVarBytes writes what lib0 writeVarUint8Array writes, whether the bytes fit the buffer or spill over', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }), fc.nat(250), (fields, prefix) => {
        const write = (enc: encoding.Encoder, own: boolean): void => {
          for (let i = 0; i < prefix; i++) encoding.writeUint8(enc, i & 0xff)
          for (const f of fields) {
            if (own) writeVarBytes(enc, f)
            else encoding.writeVarUint8Array(enc, f)
          }
        }
        const reference = fresh((e) => write(e, false))
        // lib0's own 100-byte buffer: most fields here spill over it; the pool's 4 KiB one: they fit.
        expect(fresh((e) => write(e, true))).toEqual(reference)
        const pooled = takeEncoder()
        write(pooled, true)
        expect(finish(pooled)).toEqual(reference)
      }),
    )
  })

  it('a DOC update frame written in one pass equals the frame of its message, at each length-prefix size', () => {
    for (const n of [0, 1, 60, 125, 126, 127, 128, 4_000, 16_381, 16_382, 16_383, 16_384, 70_000]) {
      const update = bytes(n, n)
      const reference = encodeMessage(docUpdate('hh-0001', update))
      expect(docUpdateFrame('hh-0001', update), `${n} bytes`).toEqual(reference)
      expect(docUpdateFrame('hh-0001', update, (len) => Buffer.allocUnsafe(len))).toEqual(Buffer.from(reference))
      expect(updatePayloadWith(update, (len) => new Uint8Array(len))).toEqual(updatePayload(update))
    }
  })

  it('a BATCH packs its frames in place exactly as packFrames does', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 40 }), (frames) => {
        const packed = packFrames(frames)
        const reference = fresh((e) => {
          encoding.writeVarUint(e, MessageType.BATCH)
          encoding.writeUint8(e, 0)
          encoding.writeVarUint8Array(e, packed)
        })
        expect(encodeMessage({ type: 'batch', compressed: false, frames })).toEqual(reference)
      }),
    )
  })

  it('reused encoders start empty: a large frame, then small ones, then a thrown-away encoder leave nothing behind', () => {
    const big = encodeMessage(docUpdate('hh-big', bytes(200_000, 3)))
    const small: SyncMessage = { type: 'head', householdId: 'hh-0002', serverSeq: 9 }
    const before = encodeMessage(small)
    expect(big.length).toBeGreaterThan(200_000)
    takeEncoder() // taken and never finished (a throw while writing): the pool makes another
    const abandoned = takeEncoder()
    encoding.writeVarString(abandoned, 'left half-written')
    for (let i = 0; i < 10; i++) {
      const frame = encodeMessageWith(small, (len) => new Uint8Array(len))
      expect(frame).toEqual(before)
      const decoded = decodeMessage(frame)
      expect(decoded.ok && decoded.message).toEqual(small)
    }
    finish(abandoned) // finishing it late gives its bytes and returns it empty
    expect(encodeMessage(small)).toEqual(before)
  })

  it('nested frames (a BATCH of frames encoded meanwhile) do not share an encoder', () => {
    const frames = [0, 1, 2].map((i) => docUpdateFrame(`hh-${i}`, bytes(5_000, i)))
    const batch = encodeMessage({ type: 'batch', compressed: false, frames })
    const decoded = decodeMessage(batch)
    expect(decoded.ok).toBe(true)
    if (decoded.ok && decoded.message.type === 'batch' && !decoded.message.compressed)
      expect(decoded.message.frames).toEqual(frames)
  })
})
