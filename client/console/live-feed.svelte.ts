// The console's /live socket: subscribes with the map's filters and hands each deltas frame to its listeners;
// reconnects with a growing delay, and asks for a reload on `resync` (deltas were dropped) or after a reconnect.

import type { Deltas, MapFilters } from './types.ts'

export type LiveEvent = { kind: 'deltas'; deltas: Deltas } | { kind: 'reload' }

export class LiveFeed {
  connected = $state(false)
  #socket: WebSocket | null = null
  #filters: Partial<MapFilters> = {}
  /** The commune an admin or observer looks at (a supervisor's is fixed by the server). */
  #unit: string | undefined
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- subscribers to call, not state a view reads
  #listeners = new Set<(e: LiveEvent) => void>()
  #retryMs = 500
  #timer: ReturnType<typeof setTimeout> | null = null
  #stopped = false
  #opened = false
  /** The socket was reopened: its first `subscribed` asks for a reload (commits while it was down were missed). */
  #reopened = false

  constructor(private readonly token: () => string) {}

  on(listener: (e: LiveEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  start(): void {
    this.#stopped = false
    this.#connect()
  }

  stop(): void {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#socket?.close(1000)
    this.#socket = null
  }

  /** Re-subscribes with new filters (the server then pushes only matching pins). */
  subscribe(filters: Partial<MapFilters>): void {
    this.#filters = filters
    this.#send()
  }

  /** Follows another commune: its deltas only, from now on. */
  setUnit(unit: string | undefined): void {
    if (unit === this.#unit) return
    this.#unit = unit
    this.#send()
  }

  #send(): void {
    if (this.#socket?.readyState !== WebSocket.OPEN) return
    const filters = Object.fromEntries(Object.entries(this.#filters).filter(([, v]) => v))
    this.#socket.send(JSON.stringify({ type: 'subscribe', filters, ...(this.#unit ? { unit: this.#unit } : {}) }))
  }

  #emit(e: LiveEvent): void {
    for (const l of this.#listeners) l(e)
  }

  #connect(): void {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/live?token=${encodeURIComponent(this.token())}`
    const ws = new WebSocket(url)
    this.#socket = ws
    ws.onopen = () => {
      this.#retryMs = 500
      this.#reopened = this.#opened
      this.#opened = true
      this.#send()
    }
    ws.onmessage = (ev) => {
      const m = JSON.parse(String(ev.data)) as { type: string }
      if (m.type === 'subscribed') {
        this.connected = true
        if (this.#reopened) this.#emit({ kind: 'reload' })
        this.#reopened = false
      } else if (m.type === 'deltas') this.#emit({ kind: 'deltas', deltas: m as Deltas })
      else if (m.type === 'resync') this.#emit({ kind: 'reload' })
    }
    ws.onclose = (ev) => {
      this.connected = false
      if (this.#socket !== ws || this.#stopped) return
      // 4401/4403: the session ended or the scope is not ours; retrying would not help.
      if (ev.code === 4401 || ev.code === 4403) return
      this.#timer = setTimeout(() => this.#connect(), this.#retryMs)
      this.#retryMs = Math.min(this.#retryMs * 2, 30_000)
    }
  }
}
