// A loopback TCP proxy between clients and the real server that injects network faults from a seeded generator:
// delayed chunks, stalled directions, connections cut after a random byte count inside a WebSocket frame (so the frame
// really is truncated on the wire) and resets (RST). It counts what it injected, for the reliability report.
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net'

export interface FaultOdds {
  /** Per chunk: hold it 1..delayMs before passing it on (order is kept). */
  delay: number
  delayMs: number
  /** Per chunk: hold this direction (this chunk and all after it) for stallMs/4..stallMs. */
  stall: number
  stallMs: number
  /** Per chunk after the upgrade: pass only part of a WebSocket frame, then close both sides. */
  cut: number
  /** Per chunk: reset both sides (TCP RST) without passing the chunk on. */
  reset: number
}

export interface FaultCounts {
  connections: number
  delays: number
  stalls: number
  /** Connections cut strictly inside a WebSocket frame. */
  cuts: number
  resets: number
}

export interface FaultProxy {
  /** http://127.0.0.1:port of the proxy (clients use it instead of the server's). */
  url: string
  readonly counts: FaultCounts
  /** Faults on (the default) or off (the network heals: chunks pass untouched). */
  setFaults(on: boolean): void
  close(): Promise<void>
}

/** Where WebSocket frames start and end in one direction of a connection, after the HTTP upgrade. */
class FrameTracker {
  #inHttp = true
  #http = ''
  #header: number[] = []
  #payloadLeft = 0

  /** Offsets within `chunk` (0..length) that are not frame boundaries, i.e. a cut there truncates a frame. */
  insideOffsets(chunk: Uint8Array): Set<number> {
    const inside = new Set<number>()
    let i = 0
    if (this.#inHttp) {
      const start = this.#http.length
      this.#http += Buffer.from(chunk).toString('latin1')
      const end = this.#http.indexOf('\r\n\r\n')
      if (end < 0) return inside
      this.#inHttp = false
      i = end + 4 - start
      this.#http = ''
    }
    while (i < chunk.length) {
      if (this.#payloadLeft > 0) {
        const n = Math.min(this.#payloadLeft, chunk.length - i)
        for (let k = 1; k <= n; k++) if (this.#payloadLeft - k > 0) inside.add(i + k)
        this.#payloadLeft -= n
        i += n
        continue
      }
      this.#header.push(chunk[i]!)
      i++
      const need = this.#headerLength()
      if (this.#header.length < need) inside.add(i)
      else {
        this.#payloadLeft = this.#payloadLength()
        this.#header = []
        if (this.#payloadLeft > 0) inside.add(i)
      }
    }
    return inside
  }

  #headerLength(): number {
    const h = this.#header
    if (h.length < 2) return 2
    const len7 = h[1]! & 0x7f
    const masked = (h[1]! & 0x80) !== 0
    return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0)
  }

  #payloadLength(): number {
    const h = this.#header
    const len7 = h[1]! & 0x7f
    if (len7 === 126) return (h[2]! << 8) | h[3]!
    if (len7 === 127) return h.slice(6, 10).reduce((n, b) => n * 256 + b, 0) // frames here stay far below 2^32
    return len7
  }
}

/** Starts the proxy on 127.0.0.1, port 0, in front of `target` (the server's http://host:port). */
export async function startFaultProxy(target: string, odds: FaultOdds, rand: () => number): Promise<FaultProxy> {
  const { hostname, port } = new URL(target)
  const counts: FaultCounts = { connections: 0, delays: 0, stalls: 0, cuts: 0, resets: 0 }
  const open = new Set<Socket>()
  let faults = true
  const wait = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms))

  const server: Server = createServer((client) => {
    counts.connections++
    const upstream = connect(Number(port), hostname)
    for (const s of [client, upstream]) {
      open.add(s)
      s.setNoDelay(true)
      s.on('close', () => open.delete(s))
      s.on('error', () => {}) // a reset peer: 'close' follows and tears the pair down
    }
    let dead = false
    const kill = (how: 'end' | 'reset'): void => {
      if (dead) return
      dead = true
      for (const s of [client, upstream]) {
        if (how === 'reset') s.resetAndDestroy()
        else s.destroy()
      }
    }
    const pipe = (from: Socket, to: Socket): void => {
      const frames = new FrameTracker()
      let chain = Promise.resolve()
      from.on('data', (chunk: Buffer) => {
        const inside = frames.insideOffsets(chunk) // always, so the tracker stays in step with the stream
        chain = chain.then(async () => {
          if (dead) return
          if (faults) {
            const r = rand()
            if (r < odds.reset) {
              counts.resets++
              return kill('reset')
            }
            if (r < odds.reset + odds.cut && inside.size > 0) {
              const offsets = [...inside].filter((o) => o < chunk.length)
              if (offsets.length > 0) {
                const at = offsets[Math.floor(rand() * offsets.length)]!
                counts.cuts++
                to.write(chunk.subarray(0, at), () => kill('end'))
                return
              }
            }
            if (r < odds.reset + odds.cut + odds.stall) {
              counts.stalls++
              await wait(odds.stallMs / 4 + rand() * (odds.stallMs * 0.75))
            } else if (r < odds.reset + odds.cut + odds.stall + odds.delay) {
              counts.delays++
              await wait(1 + rand() * odds.delayMs)
            }
          }
          if (!dead) to.write(chunk)
        })
      })
      from.on('end', () => void chain.then(() => to.end()))
      from.on('close', () => void chain.then(() => kill('end')))
    }
    pipe(client, upstream)
    pipe(upstream, client)
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const address = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}`,
    counts,
    setFaults: (on) => void (faults = on),
    close: () =>
      new Promise<void>((ok) => {
        for (const s of open) s.destroy()
        server.close(() => ok())
      }),
  }
}
