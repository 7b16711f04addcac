// The cold bootstrap of one /sync connection (P14): STATE + HEAD of households new to the device, in deflated BATCHes,
// served in slices under backpressure. One stream per connection: a household asked for twice is sent once.
import { deflateRawSync } from 'node:zlib'
import type { DocStore } from '../store/doc-store.ts'
import { encodeMessage, MAX_FRAME_BYTES, packFrames, type SyncMessage } from '../../shared/sync/protocol.ts'
import type { Socket } from './device-connection.ts'

/** Unpacked size of one bootstrap BATCH before deflate (keeps each compressed frame well under MAX_FRAME_BYTES). */
export const BATCH_TARGET_BYTES = 1024 * 1024

/**
 * The first slice of a bootstrap is this small, and each next one twice the size up to BATCH_TARGET_BYTES: the phone
 * starts reading households into its store while the relay reads and deflates the rest, instead of waiting for one
 * big BATCH. Deflating in slices costs a few per cent of bytes: the window is 32 KiB, so only each slice's first
 * households compress less (300 benchmark households: 97,974 B in one batch, 102,777 B as 32 + 64 + 127 + 77).
 */
export const FIRST_SLICE_BYTES = 64 * 1024

export interface BootstrapStream {
  /** Queues households for bootstrap; ids already queued or held by the connection are skipped. */
  add(ids: readonly string[]): void
}

export interface BootstrapDeps {
  docStore: DocStore
  socket: Socket
  send(m: SyncMessage): void
  /** The connection holds the household from now on (fan-out). */
  /** `head`: the committed seq the device is being sent (read before the state). */
  hold(householdId: string, head: number): void
  holds(householdId: string): boolean
  isClosed(): boolean
  /** Everything queued was sent (or the connection closed): the connection need not keep the stream. */
  bootstrapDone?(): void
  /** The database could not be read: the stream has stopped, and the connection reports it and closes. */
  bootstrapFailed(e: unknown): void
}

export function createBootstrapStream(deps: BootstrapDeps): BootstrapStream {
  let queue: string[] = []
  let queued = new Set<string>()
  let next = 0
  let running = false
  /** Unpacked size of the next slice (doubles per slice, from FIRST_SLICE_BYTES up to BATCH_TARGET_BYTES). */
  let slice = FIRST_SLICE_BYTES

  /** One slice (its target before deflate), then the next on a later turn once the socket has drained. */
  function step(): void {
    if (deps.isClosed()) return finish()
    if (deps.socket.buffered() > BATCH_TARGET_BYTES) {
      setTimeout(step, 20)
      return
    }
    const frames: Uint8Array[] = []
    let bytes = 0
    const target = slice
    slice = Math.min(2 * slice, BATCH_TARGET_BYTES)
    try {
      for (; next < queue.length && bytes < target && frames.length < 4_000; next++) {
        const id = queue[next]!
        // The head before the state: a commit landing in between (another relay) is in the state AND fanned out after.
        const head = deps.docStore.head(id)
        const state = deps.docStore.readStateV2(id)
        if (state === null || head === null) continue
        deps.hold(id, head)
        // STATE (V2) instead of a DOC step2 (V1): about 40 % fewer bytes once deflated (P14).
        const stateFrame = encodeMessage({ type: 'state', householdId: id, updateV2: state })
        const headFrame = encodeMessage({ type: 'head', householdId: id, serverSeq: head })
        frames.push(stateFrame, headFrame)
        bytes += stateFrame.length + headFrame.length
      }
    } catch (e) {
      // Slices after the first run from a timer: a throw would end the process, not this connection.
      finish()
      return deps.bootstrapFailed(e)
    }
    if (frames.length > 0) sendBatch(frames)
    if (next < queue.length) setImmediate(step)
    else finish()
  }

  function finish(): void {
    running = false
    slice = FIRST_SLICE_BYTES
    queue = []
    queued = new Set()
    next = 0
    deps.bootstrapDone?.()
  }

  function sendBatch(frames: Uint8Array[]): void {
    const deflated = deflateRawSync(packFrames(frames))
    if (deflated.length + 16 > MAX_FRAME_BYTES && frames.length > 2) {
      const half = Math.floor(frames.length / 4) * 2 // keep STATE + HEAD pairs together
      sendBatch(frames.slice(0, half))
      sendBatch(frames.slice(half))
      return
    }
    deps.send({ type: 'batch', compressed: true, deflated })
  }

  return {
    add(ids) {
      for (const id of ids) {
        if (queued.has(id) || deps.holds(id)) continue
        queued.add(id)
        queue.push(id)
      }
      if (running || next >= queue.length) return
      running = true
      step()
    },
  }
}
