import { describe, expect, it } from 'vitest'
import { MAX_BATCH_FRAMES, MAX_FRAME_BYTES } from './limits.ts'
import { decodeMessage, encodeMessage } from './protocol.ts'
import { outgoingMessages } from './session-socket.ts'

/** A HEAD frame for household `i` (small), or a DOC update frame of about `size` bytes. */
const head = (i: number): Uint8Array => encodeMessage({ type: 'head', householdId: `h${i}`, serverSeq: i })
const big = (i: number, size: number): Uint8Array =>
  encodeMessage({
    type: 'doc',
    householdId: `h${i}`,
    payload: new Uint8Array(size).fill(i % 251),
  })

/** The frames the messages carry, in order: a BATCH's inner frames, anything else as itself. */
function framesOf(messages: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const m of messages) {
    const d = decodeMessage(m)
    if (!d.ok) throw new Error(d.reason)
    if (d.message.type !== 'batch') out.push(m)
    else if (d.message.compressed) throw new Error('a deflated BATCH')
    else out.push(...d.message.frames)
  }
  return out
}

describe('outgoingMessages', () => {
  it('sends fewer frames than `fewest` one by one, as they are', () => {
    const frames = [head(1), head(2)]
    const out = outgoingMessages(frames, 3)
    expect(out).toEqual(frames)
    expect(out).not.toBe(frames)
  })

  it('packs two or more frames into one BATCH, in order', () => {
    const frames = [head(1), big(2, 300), head(3)]
    const out = outgoingMessages(frames, 2)
    expect(out).toHaveLength(1)
    expect(framesOf(out)).toEqual(frames)
  })

  it('starts a new BATCH after MAX_BATCH_FRAMES / 5 frames', () => {
    const per = MAX_BATCH_FRAMES / 5
    const frames = Array.from({ length: per * 2 + 3 }, (_, i) => head(i))
    const out = outgoingMessages(frames, 2)
    expect(out).toHaveLength(3)
    expect(out.slice(0, 2).map((m) => framesOf([m]).length)).toEqual([per, per])
    expect(framesOf(out)).toEqual(frames)
  })

  it('keeps every BATCH under MAX_FRAME_BYTES and sends a frame too big to share one alone, as it is', () => {
    const quarter = Math.floor(MAX_FRAME_BYTES / 4)
    const alone = big(9, MAX_FRAME_BYTES - 24)
    const frames = [big(1, quarter), big(2, quarter), big(3, quarter), big(4, quarter), head(5), alone, head(6)]
    const out = outgoingMessages(frames, 2)
    for (const m of out) expect(m.length).toBeLessThanOrEqual(MAX_FRAME_BYTES)
    expect(out).toContain(alone)
    expect(out).toHaveLength(4) // [1, 2, 3], [4, 5], alone, 6
    expect(framesOf(out)).toEqual(frames)
  })
})
