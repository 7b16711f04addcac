// W1 — steady field editing, ramped: acked updates/s, edit→ack and edit→other-phone latency, server CPU per update.
// Each step runs a fixed rate for a fixed time; the ramp stops when the server falls behind (acks pending after the
// drain, or errors) or after two steps in a row with p99 > 500 ms; max sustained = highest step within both limits.

import type { Corpus } from '../lib/corpus.ts'
import { round, sleep, summarise, type LatencySummary } from '../lib/stats.ts'
import type { SystemAdapter } from '../lib/systems.ts'
import { pairPlan, type FleetParams } from './editing.ts'
import { SimulatorThreads } from './simulator-threads.ts'

/** The simulator's event-loop delay is sampled by a timer this often; what it reports beyond it is lateness. */
const LOOP_DELAY_RESOLUTION_MS = 5

export interface W1Params extends FleetParams {
  rates: number[]
  stepSeconds: number
  drainSeconds: number
  p99LimitMs: number
  idleSeconds: number
  /** Threads the phones are spread over (whole pairs each); see simulator-threads.ts. */
  simulatorThreads: number
}

export interface W1Step {
  rate: number
  issued: number
  acked: number
  delivered: number
  ackedPerSecond: number
  deliveredPerSecond: number
  ack: LatencySummary
  other: LatencySummary
  serverCpuPct: number
  serverCpuMicrosPerUpdate: number
  /** Server CPU per update minus the idle CPU of the same period. */
  marginalCpuMicrosPerUpdate: number
  /**
   * The server's main thread alone per update (its schedstat); the rest of serverCpuMicrosPerUpdate is other threads:
   * V8's garbage-collection and compiler workers, libuv's pool, worker threads.
   */
  serverMainThreadMicrosPerUpdate: number
  simulatorCpuPct: number
  /**
   * p99 and longest of the simulator's own event-loop lateness during the step (ms), the worst of its threads: an
   * edit that arrives while its thread is busy (its garbage collection, other phones' work) is timestamped that much
   * late, whatever the server did. One long pause delays every edit that arrives during it, so the longest matters
   * for a latency p99.
   */
  simulatorLoopDelayP99Ms: number
  simulatorLoopDelayMaxMs: number
  /** Share of the step the server's main thread was runnable but waiting for a CPU (other processes' load). */
  serverRunQueueWaitPct: number
  /** Share of the step the server was blocked on disk I/O (fsync at checkpoints). */
  serverBlockedIoPct: number
  pendingAfterDrain: number
  errors: number
  /** p99 (ack, or other phone for y-websocket) within the limit. */
  latencyOk: boolean
  /** The server processed what was offered (pending after drain ≤ 5 %, no errors). */
  keptUp: boolean
  saturated: boolean
}

export interface W1Result {
  devices: number
  simulatorThreads: number
  households: number
  connectMs: number
  steps: W1Step[]
  maxSustainedRate: number | null
  idleCpuPct: number
  serverRssKiB: number
  acks: boolean
}

export async function runW1(
  sys: SystemAdapter,
  corpus: Corpus,
  p: W1Params,
  log: (s: string) => void,
): Promise<W1Result> {
  const plan = pairPlan(corpus, p)
  const prep = await sys.prepare('w1', corpus, plan)
  const server = await sys.start(prep)
  const acks = sys.acks
  let fleet: SimulatorThreads | null = null
  try {
    fleet = await SimulatorThreads.start(
      sys,
      server,
      prep,
      corpus,
      plan,
      { ...p, threads: p.simulatorThreads, loopResolutionMs: LOOP_DELAY_RESOLUTION_MS },
      10_000_000,
    )
    log(
      `  ${fleet.devices} phones on ${p.simulatorThreads} simulator threads connected and synced in ${Math.round(fleet.connectMs)} ms`,
    )
    // Idle CPU of the server with every phone connected (timers, pings): subtracted for the marginal cost per update.
    const idle0 = server.cpuMicros()
    const idleT0 = performance.now()
    await sleep(p.idleSeconds * 1000)
    const idleCpuPerSecond = (server.cpuMicros() - idle0) / ((performance.now() - idleT0) / 1000)
    log(`  idle server CPU with phones connected: ${round(idleCpuPerSecond / 1e4, 1)}%`)
    const steps: W1Step[] = []
    for (const rate of p.rates) {
      await fleet.latencies() // drops the previous step's
      const before = await fleet.counts()
      const cpu0 = server.cpuMicros()
      const sched0 = server.sched()
      const sim0 = process.cpuUsage()
      const t0 = performance.now()
      const { issued, loopDelayP99Ms, loopDelayMaxMs } = await fleet.drive(rate, p.stepSeconds)
      const elapsed = (performance.now() - t0) / 1000
      const cpu1 = server.cpuMicros()
      const sched1 = server.sched()
      const sim1 = process.cpuUsage(sim0)
      const inStep = await fleet.counts()
      const ackedInStep = inStep.acked - before.acked
      const deliveredInStep = inStep.delivered - before.delivered
      // Drain: let late acks and deliveries arrive so their (long) latencies are counted.
      const drainEnd = Date.now() + p.drainSeconds * 1000
      let now = inStep
      while (Date.now() < drainEnd && (acks ? now.pendingAcks > 0 : now.delivered < now.sent)) {
        await sleep(20)
        now = await fleet.counts()
      }
      const processed = acks ? ackedInStep : deliveredInStep
      const latencies = await fleet.latencies()
      const ack = summarise(latencies.ack)
      const other = summarise(latencies.other)
      const pending = acks ? now.pendingAcks : now.sent - now.delivered
      const errors = now.errors - before.errors
      const p99 = acks ? ack.p99 : other.p99
      const latencyOk = p99 <= p.p99LimitMs
      // Kept up: (almost) everything issued was acked (or delivered) by the end of the drain, without errors.
      const keptUp = pending <= issued * 0.05 && errors === 0
      const saturated = !latencyOk || !keptUp
      const step: W1Step = {
        rate,
        issued,
        acked: ackedInStep,
        delivered: deliveredInStep,
        ackedPerSecond: round(ackedInStep / elapsed, 0),
        deliveredPerSecond: round(deliveredInStep / elapsed, 0),
        ack,
        other,
        serverCpuPct: round(((cpu1 - cpu0) / 1e6 / elapsed) * 100, 0),
        serverCpuMicrosPerUpdate: processed > 0 ? round((cpu1 - cpu0) / processed, 0) : NaN,
        marginalCpuMicrosPerUpdate:
          processed > 0 ? round((cpu1 - cpu0 - idleCpuPerSecond * elapsed) / processed, 0) : NaN,
        serverMainThreadMicrosPerUpdate:
          processed > 0 ? round((sched1.cpuNs - sched0.cpuNs) / 1000 / processed, 0) : NaN,
        simulatorCpuPct: round(((sim1.user + sim1.system) / 1e6 / elapsed) * 100, 0),
        simulatorLoopDelayP99Ms: round(loopDelayP99Ms, 1),
        simulatorLoopDelayMaxMs: round(loopDelayMaxMs, 1),
        serverRunQueueWaitPct: round(((sched1.waitNs - sched0.waitNs) / 1e9 / elapsed) * 100, 0),
        serverBlockedIoPct: round(((sched1.blkioTicks - sched0.blkioTicks) / 100 / elapsed) * 100, 0),
        pendingAfterDrain: pending,
        errors,
        latencyOk,
        keptUp,
        saturated,
      }
      steps.push(step)
      log(
        `  ${rate}/s: ${acks ? `acked ${step.ackedPerSecond}/s ack p50/p99 ${round(ack.p50)}/${round(ack.p99)} ms, ` : ''}other p50/p99 ${round(other.p50)}/${round(other.p99)} ms, server CPU ${step.serverCpuPct}% ${step.serverCpuMicrosPerUpdate} µs/update (marginal ${step.marginalCpuMicrosPerUpdate}, main thread ${step.serverMainThreadMicrosPerUpdate}), sim ${step.simulatorCpuPct}% (loop delay p99 ${step.simulatorLoopDelayP99Ms} ms, max ${step.simulatorLoopDelayMaxMs} ms), server waited for CPU ${step.serverRunQueueWaitPct}% / disk ${step.serverBlockedIoPct}%${!keptUp ? ' FELL BEHIND' : !latencyOk ? ' p99 OVER LIMIT' : ''}`,
      )
      // Falling behind ends the ramp; p99 over the limit ends it on the second step in a row (one slow step can be
      // other people's load on this shared machine).
      const prev = steps[steps.length - 2]
      if (!keptUp || (!latencyOk && prev !== undefined && !prev.latencyOk)) break
    }
    const ok = steps.filter((s) => s.latencyOk && s.keptUp)
    const serverRssKiB = server.rssKiB()
    await fleet.close()
    return {
      devices: fleet.devices,
      simulatorThreads: p.simulatorThreads,
      households: plan.stored.length,
      connectMs: round(fleet.connectMs, 0),
      steps,
      maxSustainedRate: ok.length ? Math.max(...ok.map((s) => s.rate)) : null,
      idleCpuPct: round(idleCpuPerSecond / 1e4, 1),
      serverRssKiB,
      acks,
    }
  } finally {
    await fleet?.terminate() // a step that threw leaves the phones open
    await server.stop()
  }
}
