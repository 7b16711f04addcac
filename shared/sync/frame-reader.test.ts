// A length-prefixed field is read as a copy: keeping it never keeps the frame it came from, and changing the frame
// afterwards does not change it.
import { describe, expect, it } from 'vitest'
import * as encoding from 'lib0/encoding'
import { FrameError, FrameReader } from './frame-reader.ts'

function frame(fields: Uint8Array[]): Uint8Array {
  const enc = encoding.createEncoder()
  for (const f of fields) encoding.writeVarUint8Array(enc, f)
  return encoding.toUint8Array(enc)
}

describe('FrameReader.bytesField', () => {
  it('returns each field as its own copy, for frames on the JS heap (≤ 64 bytes) and off it', () => {
    for (const size of [3, 30, 200, 5_000]) {
      const a = Uint8Array.from({ length: size }, (_, i) => i & 0xff)
      const b = Uint8Array.from({ length: 7 }, (_, i) => 200 + i)
      const bytes = frame([a, b])
      const r = new FrameReader(bytes)
      const first = r.bytesField('a', 10_000)
      const second = r.bytesField('b', 10_000)
      r.end('frame')
      expect(first, `${size}`).toEqual(a)
      expect(second).toEqual(b)
      expect(first.byteLength).toBe(first.buffer.byteLength) // not a view into the frame
      bytes.fill(0)
      expect(first).toEqual(a)
      expect(second).toEqual(b)
    }
  })

  it('copies out of a Node Buffer too (whose own slice() would be a view), as a plain Uint8Array', () => {
    const a = Uint8Array.from({ length: 40 }, (_, i) => i)
    const bytes = Buffer.from(frame([a]))
    const field = new FrameReader(bytes).bytesField('a', 100)
    expect(Object.getPrototypeOf(field)).toBe(Uint8Array.prototype)
    bytes.fill(0)
    expect(field).toEqual(a)
  })

  it('refuses a field longer than what is left, reading nothing past the frame', () => {
    const bytes = frame([new Uint8Array(10)]).subarray(0, 6)
    const r = new FrameReader(bytes)
    expect(() => r.bytesField('field', 100)).toThrow(FrameError)
  })
})

describe('FrameReader.bytesFieldOfOwned', () => {
  it('returns a field above 64 bytes as a view of the frame and a smaller one as a copy, checked like bytesField', () => {
    for (const size of [0, 30, 64, 65, 200, 5_000]) {
      const a = Uint8Array.from({ length: size }, (_, i) => (i * 7) & 0xff)
      const bytes = frame([a, Uint8Array.of(1, 2)])
      const r = new FrameReader(bytes)
      const field = r.bytesFieldOfOwned('a', 10_000)
      expect(r.bytesField('b', 10)).toEqual(Uint8Array.of(1, 2))
      r.end('frame')
      expect(field, `${size}`).toEqual(a)
      expect(field.buffer === bytes.buffer, `${size}`).toBe(size > 64)
    }
    expect(() => new FrameReader(frame([new Uint8Array(100)])).bytesFieldOfOwned('a', 99)).toThrow(FrameError)
    expect(() => new FrameReader(frame([new Uint8Array(100)]).subarray(0, 50)).bytesFieldOfOwned('a', 200)).toThrow(
      FrameError,
    )
  })
})
