// Test support: a console's /live socket (ws client) that records every message and waits for the one a test expects.
// Only *.test.ts files and the map benchmark import this.
import WebSocket from 'ws'

export type LiveMessage = { type: string; [k: string]: unknown }
export interface DeltasMessage {
  type: 'deltas'
  pins: {
    id: string
    lat: number
    lng: number
    status: string
    category: string
    flags: string[]
    editor: string | null
  }[]
  removed: string[]
  villages: { unit: string; village: string; counts: Record<string, unknown> }[]
  enumerators: { unit: string; userId: string; counts: Record<string, unknown> }[]
  devices: { deviceId: string; userId: string; unsyncedEdits: number; stale: boolean }[]
}

export class LiveClient {
  readonly messages: LiveMessage[] = []
  closeCode: number | null = null
  private waiters: { test: (m: LiveMessage) => boolean; resolve: (m: LiveMessage) => void }[] = []
  private readonly closed: Promise<number>

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString('utf8')) as LiveMessage
      this.messages.push(m)
      for (const w of [...this.waiters]) {
        if (w.test(m)) {
          this.waiters.splice(this.waiters.indexOf(w), 1)
          w.resolve(m)
        }
      }
    })
    this.closed = new Promise((ok) =>
      ws.on('close', (code) => {
        this.closeCode = code
        ok(code)
      }),
    )
  }

  static async connect(url: string, token: string | null): Promise<LiveClient> {
    const q = token === null ? '' : `?token=${encodeURIComponent(token)}`
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/live${q}`)
    const client = new LiveClient(ws)
    await new Promise<void>((ok, fail) => {
      ws.once('open', () => ok())
      ws.once('error', fail)
    })
    return client
  }

  send(m: unknown): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m))
  }

  /** Subscribes and waits for the server's `subscribed` answer. */
  async subscribe(m: Record<string, unknown> = {}): Promise<LiveMessage> {
    const answer = this.next((x) => x.type === 'subscribed' || x.type === 'error')
    this.send({ type: 'subscribe', ...m })
    return answer
  }

  /** The first message (already received or to come) passing `test`. */
  next(test: (m: LiveMessage) => boolean, from = this.messages.length): Promise<LiveMessage> {
    const seen = this.messages.slice(from).find(test)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve) => this.waiters.push({ test, resolve }))
  }

  /** The first deltas frame carrying a pin for `householdId` that passes `test`. */
  async pin(
    householdId: string,
    test: (p: DeltasMessage['pins'][number]) => boolean = () => true,
    from?: number,
  ): Promise<DeltasMessage['pins'][number]> {
    const m = (await this.next(
      (x) => x.type === 'deltas' && (x as unknown as DeltasMessage).pins.some((p) => p.id === householdId && test(p)),
      from,
    )) as unknown as DeltasMessage
    return m.pins.find((p) => p.id === householdId && test(p)) as DeltasMessage['pins'][number]
  }

  /** Every household id this socket was ever told about. */
  mentioned(): Set<string> {
    const ids = new Set<string>()
    for (const m of this.messages) {
      if (m.type !== 'deltas') continue
      const d = m as unknown as DeltasMessage
      for (const p of d.pins) ids.add(p.id)
      for (const id of d.removed) ids.add(id)
    }
    return ids
  }

  whenClosed(): Promise<number> {
    return this.closed
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000)
    await this.closed
  }
}
