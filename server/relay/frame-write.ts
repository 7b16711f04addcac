// A binary WebSocket message written to the socket in one piece. ws frames a message as two buffers (its header, then
// the data) and writes them corked, through the stream's buffered path and a writev: for the relay's small frames (an
// ACK, an update and its HEAD) that path costs more JavaScript and garbage than the frame itself. Here the header and
// the data are copied into one buffer and written at once, whenever ws has nothing of its own waiting; anything else
// goes through ws.send as before.
import { WebSocket } from 'ws'
import type { Socket as NetSocket } from 'node:net'

/**
 * Frames up to this size are copied into one buffer (the relay's ACKs, updates and HEADs are far smaller); larger ones
 * go through ws.send, which writes their data without copying it.
 */
export const DIRECT_MAX_BYTES = 16 * 1024

/**
 * The parts of a ws (8.x) WebSocket this relies on: the TCP socket it writes to, and its Sender's queue, which holds
 * messages while ws is busy with one (compressing, reading a Blob). The relay's server negotiates no extension, so
 * nothing is ever compressed or masked on its sockets.
 */
interface WsInternals {
  _socket?: NetSocket | null
  _sender?: { _state: number; _queue: unknown[] } | null
  _extensions?: Record<string, unknown>
}

/** Whether this socket's messages may be written directly: a server socket (unmasked) with no extension. */
export function canWriteDirect(ws: WebSocket): boolean {
  const w = ws as unknown as WsInternals
  return (
    w._socket != null &&
    w._sender != null &&
    Array.isArray(w._sender._queue) &&
    typeof w._sender._state === 'number' &&
    w._extensions !== undefined &&
    Object.keys(w._extensions).length === 0
  )
}

/**
 * Writes `bytes` as one final binary frame (opcode 2, FIN, unmasked) in a single socket write; false (nothing written)
 * when it cannot be done that way and the caller should use ws.send: not open, too large, or ws has a message of its
 * own waiting (writing past it would reorder the stream).
 */
export function writeBinaryFrame(ws: WebSocket, bytes: Uint8Array): boolean {
  if (ws.readyState !== WebSocket.OPEN || bytes.length > DIRECT_MAX_BYTES) return false
  const w = ws as unknown as WsInternals
  const socket = w._socket
  const sender = w._sender
  if (socket == null || sender == null || sender._state !== 0 || sender._queue.length > 0 || !socket.writable)
    return false
  const n = bytes.length
  const head = n > 125 ? 4 : 2
  const frame = Buffer.allocUnsafe(head + n)
  frame[0] = 0x82 // FIN, binary
  if (head === 4) {
    frame[1] = 126
    frame[2] = n >>> 8
    frame[3] = n & 0xff
  } else frame[1] = n
  frame.set(bytes, head)
  socket.write(frame)
  return true
}
