// W5 — a direct run at the field's size: S stored households, D phones each holding its village (S/D households,
// bootstrapped on connecting), then field edits at a set rate; the server's max RSS sampled every 250 ms throughout.

import { loadavg } from 'node:os'
import type { Device } from '../clients/device.ts'
import { householdId, type Corpus } from '../lib/corpus.ts'
import { editableFields, type FieldPath } from '../lib/edits.ts'
import { rssKiBOf } from '../lib/server-process.ts'
import { mapLimit, round, sleep, summarise, type LatencySummary } from '../lib/stats.ts'
import { RUN_DIR, type Prepared, type SystemAdapter } from '../lib/systems.ts'
import { EditTracker } from '../lib/tracker.ts'
import { prepareW5Dir, storedHouseholds, type StoredLayout } from '../measure/stored-households.ts'
import { drive, pendingAcks, fleetErrors, type Fleet } from './editing.ts'

export interface W5Params {
  households: number
  devices: number
  /** Edits per second across the fleet, for `seconds`. */
  rate: number
  seconds: number
  /** Households each phone edits (live Y.Docs). */
  hotPerDevice: number
  /** Phones connecting at once. */
  connectConcurrency: number
}

export const W5_FULL: W5Params = {
  households: 300_000,
  devices: 1_200,
  rate: 3_200,
  seconds: 30,
  hotPerDevice: 2,
  connectConcurrency: 16,
}
export const W5_SMOKE: W5Params = {
  households: 2_000,
  devices: 8,
  rate: 100,
  seconds: 2,
  hotPerDevice: 2,
  connectConcurrency: 4,
}

export interface W5Result {
  households: number
  devices: number
  /** Distinct documents among the stored households (the rest are copies of them under other ids). */
  distinctDocuments: number
  rssStartKiB: number
  rssAfterConnectKiB: number
  rssMaxKiB: number
  /** Phase in which the max was sampled: connect (bootstrap) or edit. */
  rssMaxPhase: 'start' | 'connect' | 'edit'
  connectS: number
  editsIssued: number
  editsAcked: number
  ack: LatencySummary
  /** Server CPU (utime + stime) during the edit phase per acked edit, µs. */
  serverCpuMicrosPerEdit: number
  pendingAfterDrain: number
  errors: number
  /** 1-minute load average at the start and end of the edit phase. */
  load: [number, number]
}

export async function runW5(
  sys: SystemAdapter,
  corpus: Corpus,
  p: W5Params,
  log: (s: string) => void,
): Promise<W5Result> {
  if (sys.name !== 'rasoat') throw new Error('W5 runs rasoat only')
  const layout: StoredLayout = { households: p.households, villages: p.devices }
  const per = p.households / p.devices
  const template = await storedHouseholds(corpus, layout, log)
  const name = (v: number): string => `w5-${v}`
  const dir = `${RUN_DIR}rasoat-w5`
  const tokens = await prepareW5Dir(dir, template, layout, name)
  const prep: Prepared = { dir, env: { DATA_DIR: dir }, tokens }
  const server = await sys.start(prep)
  let phase = 'start' as W5Result['rssMaxPhase']
  let rssMaxKiB = 0
  let rssMaxPhase: W5Result['rssMaxPhase'] = 'start'
  const sample = (): void => {
    const r = rssKiBOf(server.pid)
    if (r > rssMaxKiB) [rssMaxKiB, rssMaxPhase] = [r, phase]
  }
  const sampler = setInterval(sample, 250)
  try {
    await sleep(1000)
    const rssStartKiB = server.rssKiB()
    log(`  ${p.households} stored households: server RSS at start ${round(rssStartKiB / 1024)} MiB`)
    const tracker = new EditTracker()
    const devices: Device[] = []
    for (let v = 0; v < p.devices; v++) {
      const households = Array.from({ length: per }, (_, k) => householdId(v * per + k))
      devices.push(
        sys.device(server, prep, name(v), households, {
          events: {
            onRemote: (dev, _id, update) => tracker.received(update, dev.name),
            onAck: (_dev, _id, sentAt) => tracker.ack(sentAt),
          },
        }),
      )
    }
    phase = 'connect'
    const t0 = performance.now()
    let done = 0
    await mapLimit(devices, p.connectConcurrency, async (d) => {
      await d.connect(600_000)
      if (++done % 100 === 0) log(`  ${done} phones bootstrapped, server RSS ${round(server.rssKiB() / 1024)} MiB`)
    })
    const connectS = round((performance.now() - t0) / 1000, 1)
    sample()
    const rssAfterConnectKiB = server.rssKiB()
    log(
      `  ${p.devices} phones holding ${per} households each, bootstrapped in ${connectS} s: RSS ${round(rssAfterConnectKiB / 1024)} MiB`,
    )
    // Hot households: what the phone holds (the stored state of its source document), edited through a live Y.Doc.
    const editors: Fleet['editors'] = []
    devices.forEach((device, v) => {
      for (let k = 0; k < p.hotPerDevice; k++) {
        const i = v * per + k
        const doc = device.makeLive(householdId(i), corpus.docs[i % corpus.docs.length]?.state, 20_000_000 + i)
        const fields: FieldPath[] = editableFields(doc)
        if (fields.length > 0) editors.push({ device, doc, fields, next: (v * 7 + k) % 11 })
      }
    })
    const fleet: Fleet = { devices, editors, tracker, connectMs: connectS * 1000 }
    phase = 'edit'
    const load0 = loadavg()[0] ?? 0
    const cpu0 = server.cpuMicros()
    const issued = await drive(fleet, p.rate, p.seconds)
    const drainEnd = Date.now() + 10_000
    while (Date.now() < drainEnd && pendingAcks(fleet) > 0) await sleep(20)
    const cpu1 = server.cpuMicros()
    sample()
    const ack = summarise(tracker.ackLatency)
    const result: W5Result = {
      households: p.households,
      devices: p.devices,
      distinctDocuments: Math.min(p.households, corpus.docs.length),
      rssStartKiB,
      rssAfterConnectKiB,
      rssMaxKiB,
      rssMaxPhase,
      connectS,
      editsIssued: issued,
      editsAcked: tracker.acked,
      ack,
      serverCpuMicrosPerEdit: tracker.acked > 0 ? round((cpu1 - cpu0) / tracker.acked, 0) : NaN,
      pendingAfterDrain: pendingAcks(fleet),
      errors: fleetErrors(fleet),
      load: [round(load0, 1), round(loadavg()[0] ?? 0, 1)],
    }
    log(
      `  ${p.rate} edits/s for ${p.seconds} s: ${result.editsAcked}/${issued} acked, ack p50/p99 ${round(ack.p50)}/${round(ack.p99)} ms, ` +
        `server ${result.serverCpuMicrosPerEdit} µs CPU/edit; max RSS ${round(rssMaxKiB / 1024)} MiB (${rssMaxPhase}); load ${result.load.join('→')}`,
    )
    await Promise.all(devices.map((d) => d.close()))
    return result
  } finally {
    clearInterval(sampler)
    await server.stop()
  }
}
