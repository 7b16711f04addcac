// The bytes of frames that go straight to a socket and are dropped once written: up to 64 bytes on the JS heap, larger
// ones from Node's Buffer pool (Buffer.allocUnsafe hands out slices of an 8 KiB slab below 4 KiB: about 60 ns in a
// loop, against 1.3–1.8 µs to allocate and free a Uint8Array with its own backing store). A slice keeps its whole slab
// alive, so nothing that is kept (a log row, a cached state) is allocated here.
import type { Allocate } from '../../shared/sync/protocol.ts'

export const wireBytes: Allocate = (length) => (length <= 64 ? new Uint8Array(length) : Buffer.allocUnsafe(length))
