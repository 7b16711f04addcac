// W3 — cold bootstrap of a new phone with 300 households (bytes, frames, server CPU; end-to-end time of a phone that
// applies every household into a Y.Doc and stores it, and the wire time of one that does not), then the same phone
// reconnecting with nothing changed, then N new phones bootstrapping at once.

import type { Corpus } from '../lib/corpus.ts'
import type { Plan } from '../lib/plan.ts'
import { round, sleep } from '../lib/stats.ts'
import type { SystemAdapter } from '../lib/systems.ts'
import type { WireStats } from '../clients/device.ts'
import { deflateRawSync } from 'node:zlib'
import * as Y from 'yjs'

/** Sizes of the same households' full states in other encodings: what the bootstrap could cost on the wire. */
export function encodingAlternatives(states: readonly Uint8Array[]): Record<string, number> {
  const v2 = states.map((s) => Y.convertUpdateFormatV1ToV2(s))
  const sum = (a: readonly Uint8Array[]): number => a.reduce((n, x) => n + x.length, 0)
  const cat = (a: readonly Uint8Array[]): Buffer => Buffer.concat(a.map((x) => Buffer.from(x)))
  return {
    'V1 raw': sum(states),
    'V2 raw': sum(v2),
    'V1 + deflate, one batch': deflateRawSync(cat(states)).length,
    'V2 + deflate, one batch': deflateRawSync(cat(v2)).length,
    'V1 + deflate, per household': states.reduce((n, x) => n + deflateRawSync(x).length, 0),
  }
}

export interface W3Params {
  households: number
  concurrentDevices: number
  /** Fresh phones bootstrapped one after another; the median is reported. */
  coldRepeats: number
}

export interface W3Result {
  households: number
  /**
   * `ms`: end to end, median — every household applied into a Y.Doc and its state stored, as the phone does
   * (the headline). `wireMs`: median of the same bootstrap by a phone that only keeps the bytes (the server's time).
   */
  cold: {
    ms: number
    wireMs: number
    wire: WireStats
    serverCpuMs: number
    /** CPU of the simulator (this process) for one bootstrap, median: storing every household vs wire only. */
    clientCpuMs: number
    wireClientCpuMs: number
  }
  coldRuns: number[]
  wireRuns: number[]
  reconnect: { ms: number; wire: WireStats }
  concurrent: { devices: number; ms: number; serverCpuMsPerDevice: number; errors: number }
  startRssKiB: number
  stored: number
  /** The same households' states in other encodings (bytes), for comparison with what went over the wire. */
  encodings: Record<string, number>
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

function delta(a: WireStats, b: WireStats): WireStats {
  return {
    framesIn: a.framesIn - b.framesIn,
    framesOut: a.framesOut - b.framesOut,
    bytesIn: a.bytesIn - b.bytesIn,
    bytesOut: a.bytesOut - b.bytesOut,
    sockets: a.sockets - b.sockets,
  }
}

export async function runW3(
  sys: SystemAdapter,
  corpus: Corpus,
  p: W3Params,
  log: (s: string) => void,
): Promise<W3Result> {
  const households = corpus.docs.slice(0, p.households).map((d) => d.id)
  const devices = [
    'w3-first',
    ...Array.from({ length: p.coldRepeats }, (_, i) => `w3-again${i}`),
    ...Array.from({ length: p.coldRepeats }, (_, i) => `w3-wire${i}`),
    ...Array.from({ length: p.concurrentDevices }, (_, i) => `w3-n${i}`),
  ]
  const plan: Plan = { groups: [{ name: 'w3', households, devices }], stored: households }
  const prep = await sys.prepare('w3', corpus, plan)
  const server = await sys.start(prep)
  try {
    // RSS at start after a full GC, measured as W4 does (the two give RSS per stored household).
    await sleep(500)
    server.gc()
    await sleep(1000)
    const startRssKiB = server.rssKiB()
    // Cold bootstrap, repeated with fresh phones: the first includes the server's JIT warm-up; report the median.
    // Each round bootstraps a wire-only phone, then a phone that stores every household as a real one does.
    const coldRuns: number[] = []
    const wireRuns: number[] = []
    const clientCpu: number[] = []
    const wireClientCpu: number[] = []
    const cpuMs = (since: NodeJS.CpuUsage): number => {
      const u = process.cpuUsage(since)
      return (u.user + u.system) / 1000
    }
    let first = sys.device(server, prep, 'w3-first', households)
    let cold = { ms: 0, wireMs: 0, wire: { ...first.stats }, serverCpuMs: 0, clientCpuMs: 0, wireClientCpuMs: 0 }
    for (let i = 0; i < p.coldRepeats; i++) {
      const bare = sys.device(server, prep, `w3-wire${i}`, households, { apply: 'wire' })
      let sim0 = process.cpuUsage()
      let t0 = performance.now()
      await bare.connect(60_000)
      wireRuns.push(performance.now() - t0)
      wireClientCpu.push(cpuMs(sim0))
      await bare.close()
      const phone = i === 0 ? first : sys.device(server, prep, `w3-again${i}`, households)
      const cpu0 = server.cpuMicros()
      sim0 = process.cpuUsage()
      t0 = performance.now()
      await phone.connect(60_000)
      coldRuns.push(performance.now() - t0)
      clientCpu.push(cpuMs(sim0))
      if (phone.storedHouseholds() < households.length)
        throw new Error(`${phone.name} stored ${phone.storedHouseholds()} of ${households.length} households`)
      await sleep(200) // trailing frames (acks of handshake step2s) are counted too
      if (i === p.coldRepeats - 1) {
        first = phone
        cold = { ...cold, wire: { ...phone.stats }, serverCpuMs: round((server.cpuMicros() - cpu0) / 1000, 0) }
      } else await phone.close()
    }
    cold.ms = round(median(coldRuns), 0)
    cold.wireMs = round(median(wireRuns), 0)
    cold.clientCpuMs = round(median(clientCpu), 0)
    cold.wireClientCpuMs = round(median(wireClientCpu), 0)
    log(
      `  cold ${households.length}: end to end (stored) median ${cold.ms} ms of ${coldRuns.map((x) => Math.round(x)).join(', ')}; wire only median ${cold.wireMs} ms of ${wireRuns.map((x) => Math.round(x)).join(', ')}; phone CPU ${cold.clientCpuMs} ms (wire only ${cold.wireClientCpuMs} ms); in ${cold.wire.bytesIn} B / ${cold.wire.framesIn} frames, out ${cold.wire.bytesOut} B / ${cold.wire.framesOut} frames, ${cold.wire.sockets} sockets, server CPU ${cold.serverCpuMs} ms`,
    )
    await first.close()
    await sleep(300)
    const before = { ...first.stats }
    let t0 = performance.now()
    await first.connect(60_000)
    const reMs = performance.now() - t0
    await sleep(200)
    const reconnect = { ms: round(reMs, 0), wire: delta(first.stats, before) }
    log(
      `  reconnect, nothing changed: ${reconnect.ms} ms, ${reconnect.wire.framesIn} frames in / ${reconnect.wire.framesOut} out, ${reconnect.wire.bytesIn} B in / ${reconnect.wire.bytesOut} B out`,
    )
    await first.close()
    const many = devices.filter((d) => d.startsWith('w3-n')).map((name) => sys.device(server, prep, name, households))
    const cpu1 = server.cpuMicros()
    t0 = performance.now()
    await Promise.all(many.map((d) => d.connect(120_000)))
    const manyMs = performance.now() - t0
    const concurrent = {
      devices: many.length,
      ms: round(manyMs, 0),
      serverCpuMsPerDevice: round((server.cpuMicros() - cpu1) / 1000 / Math.max(1, many.length), 0),
      errors: many.reduce((s, d) => s + d.errors, 0),
    }
    log(
      `  ${many.length} new phones at once: ${concurrent.ms} ms, server CPU ${concurrent.serverCpuMsPerDevice} ms/phone`,
    )
    await Promise.all(many.map((d) => d.close()))
    const encodings = encodingAlternatives(corpus.docs.slice(0, p.households).map((d) => d.state))
    return {
      households: households.length,
      cold,
      coldRuns: coldRuns.map((x) => round(x, 0)),
      wireRuns: wireRuns.map((x) => round(x, 0)),
      reconnect,
      concurrent,
      startRssKiB,
      stored: households.length,
      encodings,
    }
  } finally {
    await server.stop()
  }
}
