// The bytes of frames that go straight to a socket and are dropped once written: slices of Node's Buffer pool
// (Buffer.allocUnsafe hands out slices of an 8 KiB slab below 4 KiB: about 60 ns in a loop). A Uint8Array of up to 64
// bytes would be cheaper to make, on the JS heap, but the socket write asks for its ArrayBuffer, which moves its bytes
// into a backing store of their own outside the heap (1.3–1.8 µs to allocate and free, the freeing on V8's helper
// thread): about one such allocation per edit at the relay's fan-out. A slice keeps its whole slab alive, so nothing
// that is kept (a log row, a cached state) is allocated here.
import type { Allocate } from '../../shared/sync/protocol.ts'

export const wireBytes: Allocate = (length) => Buffer.allocUnsafe(length)
