// Bounds-checked reading of protocol frames on top of lib0's varint helpers.
// lib0's readUint8Array silently truncates on short input; every length here is checked against what remains.

import * as decoding from 'lib0/decoding'

/** Internal: thrown inside decoders, always caught at the codec boundary and turned into a result. */
export class FrameError extends Error {
  constructor(readonly reason: string) {
    super(reason)
  }
}

/** The largest typed array V8 allocates on its heap (V8_TYPED_ARRAY_MAX_SIZE_IN_HEAP); larger ones get a backing store. */
const ON_HEAP_MAX_BYTES = 64

export class FrameReader {
  private readonly decoder: decoding.Decoder

  constructor(readonly bytes: Uint8Array) {
    this.decoder = decoding.createDecoder(bytes)
  }

  get remaining(): number {
    return this.bytes.length - this.decoder.pos
  }

  uint(what: string): number {
    if (this.remaining <= 0) throw new FrameError(`truncated before ${what}`)
    // A varUint longer than 8 bytes exceeds 2^53: refuse before lib0 does arithmetic on it.
    let n: number
    const start = this.decoder.pos
    try {
      n = decoding.readVarUint(this.decoder)
    } catch {
      throw new FrameError(`truncated or oversized integer in ${what}`)
    }
    if (this.decoder.pos - start > 8 || !Number.isSafeInteger(n))
      throw new FrameError(`integer out of range in ${what}`)
    return n
  }

  byte(what: string): number {
    if (this.remaining <= 0) throw new FrameError(`truncated before ${what}`)
    return decoding.readUint8(this.decoder)
  }

  /** Reads a field's length, checks it, and moves past the field; returns where it starts (it ends at the position). */
  private field(what: string, maxLen: number): number {
    const len = this.uint(`${what} length`)
    if (len > maxLen) throw new FrameError(`${what} is ${len} bytes, above the limit of ${maxLen}`)
    if (len > this.remaining) throw new FrameError(`truncated ${what}: ${len} bytes announced, ${this.remaining} left`)
    const at = this.decoder.pos
    this.decoder.pos += len
    return at
  }

  bytesField(what: string, maxLen: number): Uint8Array {
    const at = this.field(what, maxLen)
    const len = this.decoder.pos - at
    // Copy, so a retained field never pins the whole (possibly large) frame buffer. slice() of the frame, not of a
    // view: a view of a frame of up to 64 bytes (on V8's heap) would first move it into a backing store of its own. A
    // Buffer's slice() is itself a view, so a Buffer (never on the heap) is copied through a plain view.
    const src = this.decoder.arr
    if (src.constructor === Uint8Array) return src.slice(at, at + len)
    return new Uint8Array(src.buffer, src.byteOffset + at, len).slice()
  }

  /**
   * A bytes field of a frame the caller owns whole and keeps no longer than the field: a view of it when the field is
   * larger than V8 keeps on its heap (64 bytes), so no second backing store is made; a copy (on the heap) when smaller,
   * as a view would first move the frame's bytes into a backing store of their own.
   */
  bytesFieldOfOwned(what: string, maxLen: number): Uint8Array {
    const at = this.field(what, maxLen)
    const len = this.decoder.pos - at
    return len > ON_HEAP_MAX_BYTES ? this.bytes.subarray(at, at + len) : this.bytes.slice(at, at + len)
  }

  string(what: string, maxLen: number): string {
    const raw = this.bytesField(what, maxLen)
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw)
    } catch {
      throw new FrameError(`${what} is not valid UTF-8`)
    }
  }

  /** An identifier (household, device, user, epoch): a string with no control characters (U+0000–U+001F, U+007F). */
  id(what: string, maxLen: number): string {
    const s = this.string(what, maxLen)
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (/[\u0000-\u001f\u007f]/.test(s)) throw new FrameError(`${what} holds a control character`)
    return s
  }

  /** A count of following items; each item takes at least one byte, so larger counts are garbage. */
  count(what: string, max: number): number {
    const n = this.uint(`${what} count`)
    if (n > max) throw new FrameError(`${what} has ${n} entries, above the limit of ${max}`)
    if (n > this.remaining)
      throw new FrameError(`truncated ${what}: ${n} entries announced, ${this.remaining} bytes left`)
    return n
  }

  end(what: string): void {
    if (this.remaining !== 0) throw new FrameError(`${this.remaining} unexpected trailing bytes after ${what}`)
  }
}
