// Matches edits to their arrival at other phones by Yjs identity (clientID, clock), read with Y.parseUpdateMeta —
// one clock for sender and receiver because both live on one simulator thread (W1 deals the pairs out whole).

import * as Y from 'yjs'

interface SentEdit {
  clock: number
  t0: number
  by: string
  deliveredTo: number
}

export class EditTracker {
  private readonly byClient = new Map<number, SentEdit[]>()
  readonly otherLatency: number[] = []
  readonly ackLatency: number[] = []
  sent = 0
  delivered = 0
  acked = 0

  /** Record an edit: call with the doc's clock for its clientID *before* the transaction. */
  sent_(client: number, clock: number, by: string, t0 = performance.now()): void {
    let list = this.byClient.get(client)
    if (!list) this.byClient.set(client, (list = []))
    list.push({ clock, t0, by, deliveredTo: 0 })
    this.sent++
  }

  /** An update reached device `at`; records edit→other-device latency for edits it carries. */
  received(update: Uint8Array, at: string, now = performance.now()): void {
    if (this.byClient.size === 0) return
    let meta: { from: Map<number, number>; to: Map<number, number> }
    try {
      meta = Y.parseUpdateMeta(update)
    } catch {
      return
    }
    for (const [client, from] of meta.from) {
      const list = this.byClient.get(client)
      if (!list) continue
      const to = meta.to.get(client) ?? from
      for (const e of list) {
        if (e.clock < from || e.clock >= to || e.by === at) continue
        if (e.deliveredTo === 0) {
          this.otherLatency.push(now - e.t0)
          this.delivered++
        }
        e.deliveredTo++
      }
    }
  }

  ack(sentAt: number | null, now = performance.now()): void {
    if (sentAt === null) return
    this.ackLatency.push(now - sentAt)
    this.acked++
  }

  /** Edits (client, clock) delivered to at least one other device. */
  deliveredEdits(): { client: number; clock: number }[] {
    const out: { client: number; clock: number }[] = []
    for (const [client, list] of this.byClient)
      for (const e of list) if (e.deliveredTo > 0) out.push({ client, clock: e.clock })
    return out
  }

  allEdits(): { client: number; clock: number; by: string }[] {
    const out: { client: number; clock: number; by: string }[] = []
    for (const [client, list] of this.byClient) for (const e of list) out.push({ client, clock: e.clock, by: e.by })
    return out
  }

  resetLatencies(): void {
    this.otherLatency.length = 0
    this.ackLatency.length = 0
  }
}
