// Generates the PWA icons in client/public/icons/ (run once: `node client/pwa/make-icons.mjs`; the PNGs are committed).
// Plain zlib + a hand-written PNG encoder: a white house on the theme red, so no image tool is needed.
import { deflateSync } from 'node:zlib'
import { writeFileSync, mkdirSync } from 'node:fs'

const out = new URL('../public/icons/', import.meta.url)
mkdirSync(out, { recursive: true })

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x / size, y / size)
      const o = y * (size * 4 + 1) + 1 + x * 4
      raw[o] = r
      raw[o + 1] = g
      raw[o + 2] = b
      raw[o + 3] = a
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8
  ihdr[9] = 6
  ihdr[10] = 0
  ihdr[11] = 0
  ihdr[12] = 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const RED = [185, 28, 28, 255]
const WHITE = [255, 255, 255, 255]
/** A house inside the safe zone (scale < 1 keeps it inside the maskable circle). */
function house(scale) {
  return (u, v) => {
    const x = (u - 0.5) / scale + 0.5
    const y = (v - 0.5) / scale + 0.5
    const roof = y >= 0.2 && y < 0.48 && Math.abs(x - 0.5) <= (y - 0.2) * 1.25
    const body = y >= 0.48 && y <= 0.8 && x >= 0.27 && x <= 0.73
    const door = y >= 0.6 && y <= 0.8 && x >= 0.45 && x <= 0.55
    return (roof || body) && !door ? WHITE : RED
  }
}
writeFileSync(new URL('icon-192.png', out), png(192, house(1)))
writeFileSync(new URL('icon-512.png', out), png(512, house(1)))
writeFileSync(new URL('icon-maskable-512.png', out), png(512, house(0.7)))
writeFileSync(new URL('apple-touch-icon.png', out), png(180, house(0.85)))
console.log('icons written to', out.pathname)
