// deflate-raw for the phone's session: the platform's DecompressionStream (browsers and Node ≥ 18), so a compressed
// bootstrap BATCH (P9) is inflated off the main thread's JavaScript.

/** deflate-raw with the platform's DecompressionStream. */
export async function inflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}
