// W2 — morning reconnect storm: phones that worked offline (20 dirty households each, 5 % of edits concurrent
// same-field edits with the partner phone) all reconnect within a jitter window; time until every edit reached the
// partner and every upload is acknowledged, frames per phone, and conflicts detected vs injected.

import * as Y from 'yjs'
import type { Device } from '../clients/device.ts'
import type { Corpus } from '../lib/corpus.ts'
import { editableFields, editField, readField } from '../lib/edits.ts'
import { percentile, round, sleep, mapLimit } from '../lib/stats.ts'
import type { SystemAdapter } from '../lib/systems.ts'
import { EditTracker } from '../lib/tracker.ts'
import { rasoatConflictCount } from '../lib/rasoat-system.ts'
import { pairPlan } from './editing.ts'

export interface W2Params {
  pairs: number
  householdsPerPair: number
  dirtyPerDevice: number
  editsPerHousehold: number
  conflictShare: number
  jitterMs: number
  timeoutMs: number
}

export interface W2Result {
  devices: number
  editsOffline: number
  conflictsInjected: number
  conflictsDetected: number | null
  conflictNoticesOnPhones: number
  converged: boolean
  /**
   * When the last event convergence waited for happened (a phone synced, an ACK, an edit reaching its partner), taken
   * from the events themselves; the 20 ms polling loop that notices convergence would add up to 20 ms to every system.
   */
  convergeMs: number
  /** When the polling loop noticed convergence (or gave up). */
  polledConvergeMs: number
  /** convergeMs minus when the last phone started connecting (the jitter window). */
  afterLastConnectMs: number
  deliveredEdits: number
  framesPerDevice: number
  framesInPerDevice: number
  framesOutPerDevice: number
  bytesPerDevice: number
  serverCpuMs: number
  /** CPU of this process (the 200 simulated phones) during the storm: a starved simulator delays convergence too. */
  simulatorCpuMs: number
  peakRssKiB: number
  errors: number
  /**
   * Where the tail after the last connect went (ms after that connect started): when the last phone's session said
   * synced (manifest answered, outbox acked, HEADs in), the last ACK and the last edit delivered to a partner, and
   * the median/max time from a phone's connect to its synced state.
   */
  tail: {
    lastSyncedMs: number
    lastAckMs: number
    lastDeliveryMs: number
    connectToSyncedP50Ms: number
    connectToSyncedMaxMs: number
  }
}

export async function runW2(
  sys: SystemAdapter,
  corpus: Corpus,
  p: W2Params,
  log: (s: string) => void,
): Promise<W2Result> {
  const plan = pairPlan(corpus, { pairs: p.pairs, householdsPerPair: p.householdsPerPair, hotPerDevice: 0 })
  const prep = await sys.prepare('w2', corpus, plan)
  const server = await sys.start(prep)
  const tracker = new EditTracker()
  const stateOf = new Map(corpus.docs.map((d) => [d.id, d.state]))
  try {
    const devices: Device[] = []
    for (const g of plan.groups) for (const n of g.devices) devices.push(sys.device(server, prep, n, g.households))
    // Yesterday: every phone synced its households.
    await mapLimit(devices, 8, (d) => d.connect(120_000))
    await Promise.all(devices.map((d) => d.close()))
    // Offline work. Phone a dirties households [0, dirty), phone b [dirty/2, dirty*1.5): the middle overlaps.
    const perPairConflicts = Math.round((p.conflictShare * 2 * p.dirtyPerDevice * p.editsPerHousehold) / 2)
    let injected = 0
    plan.groups.forEach((g, gi) => {
      const [a, b] = [devices[gi * 2] as Device, devices[gi * 2 + 1] as Device]
      const half = Math.floor(p.dirtyPerDevice / 2)
      g.households.forEach((id, hi) => {
        const onA = hi < p.dirtyPerDevice
        const onB = hi >= half && hi < half + p.dirtyPerDevice
        if (!onA && !onB) return
        const conflictHere = onA && onB && hi - half < perPairConflicts
        const docs: [Device, Y.Doc, number][] = []
        if (onA) docs.push([a, a.makeLive(id, stateOf.get(id), 40_000_000 + gi * 2000 + hi * 2), 0])
        if (onB) docs.push([b, b.makeLive(id, stateOf.get(id), 40_000_000 + gi * 2000 + hi * 2 + 1), 1])
        const fields = editableFields((docs[0] as [Device, Y.Doc, number])[1])
        const numeric = fields.findIndex(
          (f) => typeof readField((docs[0] as [Device, Y.Doc, number])[1], f) === 'number',
        )
        for (const [dev, doc, side] of docs) {
          let made = 0
          if (conflictHere && numeric >= 0) {
            tracker.sent_(doc.clientID, Y.getState(doc.store, doc.clientID), dev.name)
            editField(doc, fields[numeric] as string[], side) // a: base+1, b: base+2 — different values
            made++
          }
          // Other edits: a takes even field indices, b odd ones, so they never touch the same field.
          for (let f = side; made < p.editsPerHousehold && f < fields.length; f += 2) {
            if (f === numeric && conflictHere) continue
            tracker.sent_(doc.clientID, Y.getState(doc.store, doc.clientID), dev.name)
            editField(doc, fields[f] as string[], f)
            made++
          }
        }
        if (conflictHere && numeric >= 0) injected++
      })
    })
    let lastAckAt = 0
    let lastDeliveryAt = 0
    for (const d of devices)
      d.events = {
        onRemote: (dev, _id, u) => {
          const before = tracker.delivered
          tracker.received(u, dev.name)
          if (tracker.delivered > before) lastDeliveryAt = performance.now()
        },
        onAck: () => {
          lastAckAt = performance.now()
        },
      }
    const syncedAt: number[] = devices.map(() => 0)
    const before = devices.map((d) => ({ ...d.stats }))
    const cpu0 = server.cpuMicros()
    const simCpu0 = process.cpuUsage()
    let peakRssKiB = server.rssKiB()
    const t0 = performance.now()
    const startAt = devices.map((_, i) => (p.jitterMs * ((i * 7919) % devices.length)) / devices.length)
    const lastStart = Math.max(...startAt)
    const connects = devices.map((d, i) =>
      sleep(startAt[i] as number)
        .then(() => d.connect(p.timeoutMs))
        .then(() => {
          syncedAt[i] = performance.now()
        }),
    )
    let connectsDone = false
    let connectError: unknown = null
    void Promise.all(connects).then(
      () => {
        connectsDone = true
      },
      (e) => {
        connectError = e
        connectsDone = true
      },
    )
    let converged = false
    while (performance.now() - t0 < p.timeoutMs) {
      peakRssKiB = Math.max(peakRssKiB, server.rssKiB())
      const acksDone = devices.every((d) => d.pendingAcks() === 0 && d.offline.size === 0)
      if (connectsDone && acksDone && tracker.delivered >= tracker.sent) {
        converged = connectError === null
        break
      }
      await sleep(20)
    }
    const polledConvergeMs = performance.now() - t0
    const convergeMs = converged ? Math.max(...syncedAt, lastAckAt, lastDeliveryAt) - t0 : polledConvergeMs
    const serverCpuMs = (server.cpuMicros() - cpu0) / 1000
    const simCpu = process.cpuUsage(simCpu0)
    const frames = devices.map((d, i) => {
      const b = before[i] as Device['stats']
      return {
        fin: d.stats.framesIn - b.framesIn,
        fout: d.stats.framesOut - b.framesOut,
        bytes: d.stats.bytesIn - b.bytesIn + d.stats.bytesOut - b.bytesOut,
      }
    })
    const sum = (f: (x: (typeof frames)[number]) => number): number => frames.reduce((s, x) => s + f(x), 0)
    const notices = devices.reduce((s, d) => s + ((d as unknown as { conflictsSeen?: number }).conflictsSeen ?? 0), 0)
    const errors = devices.reduce((s, d) => s + d.errors, 0)
    await Promise.all(devices.map((d) => d.close()))
    await server.stop()
    const detected = sys.name === 'rasoat' ? await rasoatConflictCount(prep.dir) : null
    const sinceLast = (t: number): number => round(t - t0 - lastStart, 0)
    const connectToSynced = syncedAt.map((t, i) => t - t0 - (startAt[i] as number)).sort((a, b) => a - b)
    const r: W2Result = {
      devices: devices.length,
      editsOffline: tracker.sent,
      conflictsInjected: injected,
      conflictsDetected: detected,
      conflictNoticesOnPhones: notices,
      converged,
      convergeMs: round(convergeMs, 0),
      polledConvergeMs: round(polledConvergeMs, 0),
      afterLastConnectMs: round(convergeMs - lastStart, 0),
      deliveredEdits: tracker.delivered,
      framesPerDevice: round((sum((x) => x.fin) + sum((x) => x.fout)) / devices.length, 1),
      framesInPerDevice: round(sum((x) => x.fin) / devices.length, 1),
      framesOutPerDevice: round(sum((x) => x.fout) / devices.length, 1),
      bytesPerDevice: round(sum((x) => x.bytes) / devices.length, 0),
      serverCpuMs: round(serverCpuMs, 0),
      simulatorCpuMs: round((simCpu.user + simCpu.system) / 1000, 0),
      peakRssKiB,
      errors,
      tail: {
        lastSyncedMs: sinceLast(Math.max(...syncedAt)),
        lastAckMs: lastAckAt === 0 ? 0 : sinceLast(lastAckAt),
        lastDeliveryMs: sinceLast(lastDeliveryAt),
        connectToSyncedP50Ms: round(percentile(connectToSynced, 50), 0),
        connectToSyncedMaxMs: round(connectToSynced[connectToSynced.length - 1] ?? 0, 0),
      },
    }
    log(
      `  ${r.devices} phones, ${r.editsOffline} offline edits: ${converged ? 'converged' : 'NOT converged'} in ${r.convergeMs} ms, ${r.afterLastConnectMs} ms after the last phone connected (${r.deliveredEdits}/${r.editsOffline} delivered), ${r.framesPerDevice} frames/phone, conflicts ${detected ?? 'n/a'} detected / ${injected} injected, server CPU ${r.serverCpuMs} ms, simulator CPU ${r.simulatorCpuMs} ms; after the last connect: last synced ${r.tail.lastSyncedMs} ms, last ACK ${r.tail.lastAckMs} ms, last delivery ${r.tail.lastDeliveryMs} ms; connect → synced p50 ${r.tail.connectToSyncedP50Ms} ms, max ${r.tail.connectToSyncedMaxMs} ms`,
    )
    return r
  } finally {
    await server.stop()
  }
}
