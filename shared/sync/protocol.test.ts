// Codec tests for sync protocol v1; rule ids refer to docs/sync-protocol.md.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as Y from 'yjs'
import {
  checkHello,
  decodeMessage,
  docSyncStep1,
  docSyncStep2,
  docUpdate,
  encodeMessage,
  MAX_FRAME_BYTES,
  MessageType,
  packFrames,
  PROTOCOL_VERSION,
  readDocPayload,
  SYNC_ERROR_CODES,
  unpackFrames,
  type JsonValue,
  type SyncMessage,
} from './protocol.ts'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'

const id = fc.string({ maxLength: 40 })
const seq = fc.nat({ max: Number.MAX_SAFE_INTEGER })
const bytes = fc.uint8Array({ maxLength: 200 })
// JSON.stringify turns -0 into 0; the protocol carries JSON, so generate JSON-stable values.
const json: fc.Arbitrary<JsonValue> = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as JsonValue)
const pairs = fc.array(fc.tuple(id, seq), { maxLength: 20 })

const messageArb: fc.Arbitrary<SyncMessage> = fc.oneof(
  fc.record({ type: fc.constant('hello' as const), protocol: fc.nat(), deviceId: id, appVersion: id }),
  fc.record({ type: fc.constant('welcome' as const), protocol: fc.nat(), userId: id, serverTime: seq, epoch: id }),
  fc.record({ type: fc.constant('manifest' as const), entries: pairs }),
  fc.record({
    type: fc.constant('manifest-reply' as const),
    changed: pairs,
    added: pairs,
    removed: fc.array(id, { maxLength: 10 }),
  }),
  fc.record({ type: fc.constant('doc' as const), householdId: id, payload: bytes }),
  fc.record({ type: fc.constant('ack' as const), householdId: id, serverSeq: seq }),
  fc.record({ type: fc.constant('head' as const), householdId: id, serverSeq: seq }),
  fc.record({
    type: fc.constant('conflict' as const),
    householdId: id,
    conflictId: id,
    path: id,
    candidates: fc.array(fc.record({ value: json, clientId: fc.nat({ max: 2 ** 32 - 1 }), userId: id }), {
      maxLength: 4,
    }),
    kept: json,
  }),
  fc.record({
    type: fc.constant('conflict' as const),
    householdId: id,
    conflictId: id,
    path: id,
    candidates: fc.constant([] as { value: JsonValue; clientId: number; userId: string }[]),
    kept: json,
    settled: fc.record({
      status: fc.constantFrom('resolved' as const, 'dismissed' as const),
      by: id,
      value: json,
      at: fc.nat(),
    }),
  }),
  fc.record(
    { type: fc.constant('error' as const), code: fc.constantFrom(...SYNC_ERROR_CODES), message: id, householdId: id },
    { requiredKeys: ['type', 'code', 'message'] },
  ),
  fc.record({
    type: fc.constant('batch' as const),
    compressed: fc.constant(false as const),
    frames: fc.array(bytes, { maxLength: 5 }),
  }),
  fc.record({ type: fc.constant('batch' as const), compressed: fc.constant(true as const), deflated: bytes }),
)

describe('sync protocol codec', () => {
  it('P1 every message round-trips through encode/decode', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const decoded = decodeMessage(encodeMessage(m))
        expect(decoded).toEqual({ ok: true, message: m })
      }),
      { numRuns: 2000 },
    )
  })

  it('P3 random bytes never throw and give a result', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const r = decodeMessage(b)
        expect(typeof r.ok).toBe('boolean')
        if (!r.ok) expect(r.reason.length).toBeGreaterThan(0)
      }),
      { numRuns: 5000 },
    )
  })

  it('P3 every truncation of a valid frame is refused, not thrown', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const full = encodeMessage(m)
        for (let i = 0; i < full.length; i++) {
          const r = decodeMessage(full.subarray(0, i))
          expect(r.ok).toBe(false)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('P3 trailing bytes are malformed', () => {
    const f = encodeMessage({ type: 'ack', householdId: 'h', serverSeq: 3 })
    const r = decodeMessage(new Uint8Array([...f, 0]))
    expect(r).toMatchObject({ ok: false, code: 'sync/malformed' })
  })

  it('P3 an id with a control character (U+0000 included) is malformed, naming the field', () => {
    for (const id of ['h\u0000', 'a\nb', '\u007f']) {
      const r = decodeMessage(encodeMessage({ type: 'ack', householdId: id, serverSeq: 3 }))
      expect(r).toMatchObject({ ok: false, code: 'sync/malformed' })
      expect(r.ok ? '' : r.reason).toContain('householdId holds a control character')
    }
    expect(decodeMessage(encodeMessage({ type: 'ack', householdId: 'HH-0001 ạ', serverSeq: 3 })).ok).toBe(true)
  })

  it('P3 a huge announced length is refused without allocating', () => {
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.DOC)
    encoding.writeVarUint(enc, 2 ** 40) // household id "length"
    const r = decodeMessage(encoding.toUint8Array(enc))
    expect(r).toMatchObject({ ok: false, code: 'sync/malformed' })
    if (!r.ok) expect(r.reason).toMatch(/limit/)
    const enc2 = encoding.createEncoder()
    encoding.writeVarUint(enc2, MessageType.MANIFEST)
    encoding.writeVarUint(enc2, Number.MAX_SAFE_INTEGER)
    expect(decodeMessage(encoding.toUint8Array(enc2)).ok).toBe(false)
    const over = new Uint8Array(11).fill(0xff)
    expect(decodeMessage(over).ok).toBe(false)
  })

  it('P4 a frame above MAX_FRAME_BYTES is too-large', () => {
    expect(decodeMessage(new Uint8Array(MAX_FRAME_BYTES + 1))).toMatchObject({ ok: false, code: 'sync/too-large' })
  })

  it('P5 an unknown message type has a named reason', () => {
    const r = decodeMessage(new Uint8Array([42]))
    expect(r).toEqual({ ok: false, code: 'sync/malformed', reason: 'unknown message type 42' })
  })

  it('P2 HELLO of another version decodes, and checkHello refuses it naming the supported version', () => {
    const r = decodeMessage(encodeMessage({ type: 'hello', protocol: 7, deviceId: 'd', appVersion: '9.0' }))
    expect(r.ok).toBe(true)
    if (!r.ok || r.message.type !== 'hello') throw new Error('expected hello')
    const verdict = checkHello(r.message)
    expect(verdict.ok).toBe(false)
    if (verdict.ok) return
    expect(verdict.error.code).toBe('sync/version-unsupported')
    expect(verdict.error.message).toContain(`protocol ${PROTOCOL_VERSION}`)
    expect(checkHello({ type: 'hello', protocol: PROTOCOL_VERSION, deviceId: 'd', appVersion: '1' })).toEqual({
      ok: true,
    })
  })

  it('P2 HELLO of another version with an unreadable body is version-unsupported', () => {
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.HELLO)
    encoding.writeVarUint(enc, 2)
    encoding.writeUint8(enc, 0xff)
    expect(decodeMessage(encoding.toUint8Array(enc))).toMatchObject({ ok: false, code: 'sync/version-unsupported' })
  })

  it('P6 ERROR with an unknown code is malformed', () => {
    const f = encodeMessage({ type: 'error', code: 'sync/internal', message: 'x' })
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.ERROR)
    encoding.writeVarString(enc, 'sync/nope')
    encoding.writeVarString(enc, 'x')
    encoding.writeUint8(enc, 0)
    expect(decodeMessage(f).ok).toBe(true)
    expect(decodeMessage(encoding.toUint8Array(enc))).toMatchObject({ ok: false, code: 'sync/malformed' })
  })

  it('P9 packFrames/unpackFrames round-trip; a nested BATCH is refused inside a batch', () => {
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 30 }), (frames) => {
        expect(unpackFrames(packFrames(frames))).toEqual({ ok: true, frames })
      }),
    )
    const inner = encodeMessage({ type: 'batch', compressed: false, frames: [] })
    expect(decodeMessage(inner, { insideBatch: true })).toMatchObject({ ok: false, code: 'sync/malformed' })
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (b) => void unpackFrames(b)))
  })
})

describe('DOC payloads (y-websocket format)', () => {
  it('P7 step1/step2/update helpers round-trip through readDocPayload and interoperate with Yjs', () => {
    const a = new Y.Doc()
    a.getMap('m').set('k', 1)
    const b = new Y.Doc()
    const s1 = readDocPayload(docSyncStep1('h', Y.encodeStateVector(b)).payload)
    expect(s1.kind).toBe('step1')
    if (s1.kind !== 'step1') return
    const s2 = readDocPayload(docSyncStep2('h', Y.encodeStateAsUpdate(a, s1.stateVector)).payload)
    if (s2.kind !== 'step2') throw new Error('expected step2')
    Y.applyUpdate(b, s2.update)
    expect(b.getMap('m').get('k')).toBe(1)
    const u = readDocPayload(docUpdate('h', new Uint8Array([1, 2, 3])).payload)
    expect(u).toEqual({ kind: 'update', update: new Uint8Array([1, 2, 3]) })
  })

  it('P7 readDocPayload never throws on garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const r = readDocPayload(b)
        expect(['step1', 'step2', 'update', 'awareness', 'invalid']).toContain(r.kind)
      }),
      { numRuns: 3000 },
    )
    expect(readDocPayload(new Uint8Array([0, 9, 0]))).toEqual({
      kind: 'invalid',
      reason: 'unknown sync message type 9',
    })
    expect(readDocPayload(new Uint8Array([])).kind).toBe('invalid')
  })
})

async function through(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream)
  return new Uint8Array(await new Response(out).arrayBuffer())
}

describe('interoperability', () => {
  it('P7 payloads match what stock y-protocols / y-websocket code writes and reads', () => {
    const a = new Y.Doc()
    a.getMap('m').set('k', 'v')
    // y-websocket: writeVarUint(messageSync) then syncProtocol.writeSyncStep1(encoder, doc)
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, 0)
    syncProtocol.writeSyncStep1(enc, a)
    const ours = docSyncStep1('h', Y.encodeStateVector(a)).payload
    expect(ours).toEqual(encoding.toUint8Array(enc))
    // And a stock reader applies our update payload.
    const b = new Y.Doc()
    const dec = decoding.createDecoder(docUpdate('h', Y.encodeStateAsUpdate(a)).payload)
    expect(decoding.readVarUint(dec)).toBe(0)
    syncProtocol.readSyncMessage(dec, encoding.createEncoder(), b, null)
    expect(b.getMap('m').get('k')).toBe('v')
  })

  it('P9 a compressed BATCH round-trips through deflate-raw (CompressionStream / DecompressionStream)', async () => {
    const frames = Array.from({ length: 50 }, (_, i) =>
      encodeMessage({ type: 'head', householdId: `household-${i}`, serverSeq: i }),
    )
    const deflated = await through(packFrames(frames), new CompressionStream('deflate-raw'))
    const decoded = decodeMessage(encodeMessage({ type: 'batch', compressed: true, deflated }))
    if (!decoded.ok || decoded.message.type !== 'batch' || !decoded.message.compressed)
      throw new Error('expected a compressed batch')
    const unpacked = unpackFrames(await through(decoded.message.deflated, new DecompressionStream('deflate-raw')))
    expect(unpacked).toEqual({ ok: true, frames })
    if (!unpacked.ok) return
    expect(unpacked.frames.map((f) => decodeMessage(f, { insideBatch: true }).ok)).toEqual(frames.map(() => true))
  })
})

describe('P14 STATE (full state as a Yjs V2 update)', () => {
  it('P14 STATE round-trips, alone and inside a BATCH', () => {
    fc.assert(
      fc.property(id, bytes, (householdId, updateV2) => {
        const m: SyncMessage = { type: 'state', householdId, updateV2 }
        expect(decodeMessage(encodeMessage(m))).toEqual({ ok: true, message: m })
        const batch = decodeMessage(encodeMessage({ type: 'batch', compressed: false, frames: [encodeMessage(m)] }))
        expect(
          batch.ok &&
            batch.message.type === 'batch' &&
            !batch.message.compressed &&
            decodeMessage(batch.message.frames[0]!, { insideBatch: true }),
        ).toEqual({ ok: true, message: m })
      }),
    )
  })

  it('P14 the V2 state converts to the V1 state a step2 would carry', () => {
    const a = new Y.Doc()
    a.getMap('m').set('k', 'Số 1 Lê Lợi')
    a.getArray('a').insert(0, [1, 2, 3])
    const v1 = Y.encodeStateAsUpdate(a)
    const frame = encodeMessage({ type: 'state', householdId: 'h1', updateV2: Y.convertUpdateFormatV1ToV2(v1) })
    const d = decodeMessage(frame)
    expect(d.ok && d.message.type === 'state').toBe(true)
    if (!d.ok || d.message.type !== 'state') return
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.convertUpdateFormatV2ToV1(d.message.updateV2))
    expect(b.getMap('m').get('k')).toBe('Số 1 Lê Lợi')
    expect(Y.encodeStateVector(b)).toEqual(Y.encodeStateVector(a))
  })

  it('P14 truncated, overlong and trailing STATE frames are malformed, never thrown (P3)', () => {
    const frame = encodeMessage({ type: 'state', householdId: 'h1', updateV2: new Uint8Array([1, 2, 3, 4, 5]) })
    for (let n = 1; n < frame.length; n++) expect(decodeMessage(frame.subarray(0, n)).ok).toBe(false)
    const trailing = new Uint8Array([...frame, 0])
    expect(decodeMessage(trailing)).toMatchObject({ ok: false, code: 'sync/malformed' })
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.STATE)
    encoding.writeVarString(enc, 'h1')
    encoding.writeVarUint(enc, 1_000_000) // announces more bytes than the frame holds
    expect(decodeMessage(encoding.toUint8Array(enc))).toMatchObject({ ok: false, code: 'sync/malformed' })
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (garbage) => {
        const r = decodeMessage(new Uint8Array([MessageType.STATE, ...garbage]))
        expect(typeof r.ok).toBe('boolean')
      }),
    )
  })
})
