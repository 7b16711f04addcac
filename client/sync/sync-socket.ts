// What the sync client needs from a WebSocket and its frames: the socket shape (browser WebSocket and the `ws`
// package both fit), bytes out of a message event, and inflating a compressed BATCH with DecompressionStream.

/** The subset of WebSocket the client uses (browser WebSocket and the `ws` package both fit). */
export interface SocketLike {
  binaryType: string
  readonly readyState: number
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: { code: number; reason?: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
}

export const OPEN = 1

/** deflate-raw with the platform's DecompressionStream (browsers and Node ≥ 18). */
export async function inflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** The binary payload of a message event (ArrayBuffer in browsers, Buffer or Buffer[] with `ws`). */
export function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (data instanceof Uint8Array) return data
  if (Array.isArray(data)) {
    // ws may deliver fragmented messages as Buffer[]
    const parts = data.filter((d): d is Uint8Array => d instanceof Uint8Array)
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
    let o = 0
    for (const p of parts) {
      out.set(p, o)
      o += p.length
    }
    return out
  }
  return null
}
