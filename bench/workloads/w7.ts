// W7 — crash durability: steady edits, `kill -9` of the server mid-stream, restart on the same data, then a fresh
// phone pulls every household and we count edits the server had acknowledged that are not in what it serves now.

import * as Y from 'yjs'
import type { Corpus } from '../lib/corpus.ts'
import { round, sleep } from '../lib/stats.ts'
import type { SystemAdapter } from '../lib/systems.ts'
import { drive, pairPlan, startFleet, type FleetParams } from './editing.ts'

export interface W7Params extends FleetParams {
  rate: number
  secondsBeforeKill: number
}

export interface W7Result {
  sent: number
  acked: number
  ackedLost: number
  deliveredToOtherPhone: number
  deliveredLost: number
  sentSurvived: number
  restartMs: number
  acks: boolean
  persistence: string
}

export async function runW7(
  sys: SystemAdapter,
  corpus: Corpus,
  p: W7Params,
  log: (s: string) => void,
): Promise<W7Result> {
  const plan = pairPlan(corpus, p)
  const prep = await sys.prepare('w7', corpus, plan)
  let server = await sys.start(prep)
  const persistence =
    String(server.info.persistence ?? '') +
    (server.info.debounceMs !== undefined
      ? ` (debounce ${server.info.debounceMs} ms, max ${server.info.maxDebounceMs} ms)`
      : '')
  const acked: { household: string; client: number; clockEnd: number }[] = []
  try {
    const fleet = await startFleet(sys, server, prep, corpus, plan, p, 30_000_000)
    const householdOfClient = new Map<number, string>()
    for (const e of fleet.editors)
      householdOfClient.set(e.doc.clientID, [...e.device.live.entries()].find(([, d]) => d === e.doc)?.[0] ?? '')
    for (const d of fleet.devices) {
      const prev = d.events.onAck
      d.events.onAck = (dev, id, sentAt, update) => {
        prev?.(dev, id, sentAt, update)
        if (sentAt === null || !update) return
        for (const [client, clockEnd] of Y.parseUpdateMeta(update).to) acked.push({ household: id, client, clockEnd })
      }
    }
    let killed = false
    const driving = drive(fleet, p.rate, p.secondsBeforeKill + 5, () => killed)
    await sleep(p.secondsBeforeKill * 1000)
    await server.kill9()
    killed = true
    await driving
    for (const d of fleet.devices) d.events = {}
    const sent = fleet.tracker.sent
    const delivered = fleet.tracker.deliveredEdits()
    const all = fleet.tracker.allEdits()
    await Promise.all(fleet.devices.map((d) => d.close()))
    log(
      `  killed after ${p.secondsBeforeKill} s: ${sent} edits sent, ${acked.length} acked, ${delivered.length} delivered to the other phone`,
    )
    const t0 = performance.now()
    server = await sys.start(prep)
    const restartMs = performance.now() - t0
    // A fresh phone per village pulls everything the restarted server has.
    const recovered = new Map<string, Map<number, number>>()
    for (const g of plan.groups) {
      const dev = sys.device(server, prep, g.devices[0] as string, g.households)
      const states = new Map<string, Uint8Array[]>()
      dev.events = { onRemote: (_d, id, u) => states.set(id, [...(states.get(id) ?? []), u]) }
      await dev.connect(60_000)
      await sleep(50)
      for (const [id, parts] of states)
        recovered.set(id, Y.decodeStateVector(Y.encodeStateVectorFromUpdate(Y.mergeUpdates(parts))))
      await dev.close()
    }
    const has = (household: string, client: number, clock: number): boolean =>
      (recovered.get(household)?.get(client) ?? 0) > clock
    const ackedLost = acked.filter((a) => !has(a.household, a.client, a.clockEnd - 1)).length
    const deliveredLost = delivered.filter((e) => !has(householdOfClient.get(e.client) ?? '', e.client, e.clock)).length
    const sentSurvived = all.filter((e) => has(householdOfClient.get(e.client) ?? '', e.client, e.clock)).length
    log(
      `  restarted in ${round(restartMs, 0)} ms: acked lost ${ackedLost}/${acked.length}, delivered lost ${deliveredLost}/${delivered.length}, survived ${sentSurvived}/${sent}`,
    )
    return {
      sent,
      acked: acked.length,
      ackedLost,
      deliveredToOtherPhone: delivered.length,
      deliveredLost,
      sentSurvived,
      restartMs: round(restartMs, 0),
      acks: sys.name !== 'ywebsocket',
      persistence,
    }
  } finally {
    await server.stop()
  }
}
