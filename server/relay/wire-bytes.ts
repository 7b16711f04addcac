// The bytes of frames that go straight to a socket and are dropped once written: up to 64 bytes on the JS heap, larger
// ones from Node's Buffer pool (Buffer.allocUnsafe hands out slices of an 8 KiB slab below 4 KiB, in about 60 ns,
// where a Uint8Array of its own outside the heap costs about 1.5 µs to allocate and free). A slice keeps its whole slab
// alive, so nothing that is kept (a log row, a cached state) is allocated here.
import type { Allocate } from '../../shared/sync/protocol.ts'

export const wireBytes: Allocate = (length) => (length <= 64 ? new Uint8Array(length) : Buffer.allocUnsafe(length))
