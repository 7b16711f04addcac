// W1's phones on several simulator threads. All phones in one thread share one heap: each of its garbage
// collections pauses every phone at once, and an edit that arrives during the pause is timed late by all of it,
// whatever the server did. Real phones do not share a heap; on threads, a pause stops only that thread's share, and
// each heap is a fraction of the size. The pairs are dealt out whole, so each edit is timed within one thread.

import type { Worker } from 'node:worker_threads'
import { startTsWorker } from '../../server/ts-worker.ts'
import type { Corpus } from '../lib/corpus.ts'
import type { Plan } from '../lib/plan.ts'
import type { ServerProcess } from '../lib/server-process.ts'
import type { Prepared, SystemAdapter } from '../lib/systems.ts'
import type { FleetParams } from './editing.ts'
import type {
  DriveReport,
  FleetCounts,
  LatencyReport,
  SimulatorCommand,
  SimulatorReply,
  SimulatorThreadData,
} from './simulator-thread.ts'

/** Phones connecting at once over all threads, as the single-thread fleet connects them. */
const CONNECT_CONCURRENCY = 8

/** A command before its id is given (Omit over each member of the union). */
type Command = SimulatorCommand extends infer C ? (C extends SimulatorCommand ? Omit<C, 'id'> : never) : never

interface Pending {
  ok(v: unknown): void
  fail(e: Error): void
}

class SimulatorThread {
  readonly worker: Worker
  readonly ready: Promise<number>
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private failure: Error | null = null

  constructor(data: SimulatorThreadData) {
    this.worker = startTsWorker(new URL('./simulator-thread.ts', import.meta.url), data)
    let ready: Pending | null = null
    this.ready = new Promise<number>((ok, fail) => (ready = { ok: (v) => ok(v as number), fail }))
    const failAll = (e: Error): void => {
      this.failure ??= e
      ready?.fail(e)
      ready = null
      for (const p of this.pending.values()) p.fail(e)
      this.pending.clear()
    }
    this.worker.on('message', (m: SimulatorReply) => {
      if (m.type === 'ready') {
        ready?.ok(m.connectMs)
        ready = null
      } else if (m.type === 'failed') failAll(new Error(`simulator thread: ${m.message}`))
      else {
        const p = this.pending.get(m.id)
        this.pending.delete(m.id)
        if (m.type === 'reply') p?.ok(m.value)
        else p?.fail(new Error(`simulator thread: ${m.message}`))
      }
    })
    this.worker.on('error', failAll)
    this.worker.on('exit', (code) => failAll(new Error(`simulator thread exited (${code})`)))
  }

  call<T>(c: Command): Promise<T> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.nextId++
    return new Promise<T>((ok, fail) => {
      this.pending.set(id, { ok: (v) => ok(v as T), fail })
      this.worker.postMessage({ ...c, id })
    })
  }
}

export interface SimulatorDrive {
  issued: number
  /** The worst thread's event-loop lateness in the drive, ms (the sampler's period not counted). */
  loopDelayP99Ms: number
  loopDelayMaxMs: number
}

/** A fleet of pairs of phones (W1's plan) spread over `threads` simulator threads. */
export class SimulatorThreads {
  private constructor(
    private readonly threads: SimulatorThread[],
    readonly devices: number,
    /** The slowest thread's time to connect and sync its phones. */
    readonly connectMs: number,
    private readonly loopResolutionMs: number,
  ) {}

  static async start(
    sys: SystemAdapter,
    server: ServerProcess,
    prep: Prepared,
    corpus: Corpus,
    plan: Plan,
    p: FleetParams & { threads: number; loopResolutionMs: number },
    clientBase: number,
  ): Promise<SimulatorThreads> {
    const count = Math.max(1, Math.min(p.threads, plan.groups.length))
    const stateOf = new Map(corpus.docs.map((d) => [d.id, d.state]))
    const threads: SimulatorThread[] = []
    let first = 0
    for (let t = 0; t < count; t++) {
      const groups = plan.groups.slice(
        Math.floor((t * plan.groups.length) / count),
        Math.floor(((t + 1) * plan.groups.length) / count),
      )
      const specs = groups.flatMap((g) => g.devices.map((name) => sys.deviceSpec(server, prep, name, g.households)))
      const hot = groups.flatMap((g) => g.households.slice(0, 2 * p.hotPerDevice))
      threads.push(
        new SimulatorThread({
          specs,
          groups: groups.map((g) => ({ households: g.households })),
          states: hot.flatMap((id): [string, Uint8Array][] => {
            const state = stateOf.get(id)
            return state ? [[id, state]] : []
          }),
          params: { pairs: groups.length, householdsPerPair: p.householdsPerPair, hotPerDevice: p.hotPerDevice },
          clientBase,
          first,
          connectConcurrency: Math.max(1, Math.round(CONNECT_CONCURRENCY / count)),
          loopResolutionMs: p.loopResolutionMs,
        }),
      )
      first += specs.length
    }
    try {
      const connectMs = await Promise.all(threads.map((t) => t.ready))
      return new SimulatorThreads(threads, first, Math.max(...connectMs), p.loopResolutionMs)
    } catch (e) {
      await Promise.all(threads.map((t) => t.worker.terminate()))
      throw e
    }
  }

  /** `rate` edits/s for `seconds`, each thread its share of the rate on its own phones. */
  async drive(rate: number, seconds: number): Promise<SimulatorDrive> {
    const share = rate / this.threads.length
    const reports = await Promise.all(
      this.threads.map((t) => t.call<DriveReport>({ cmd: 'drive', rate: share, seconds })),
    )
    const ms = (ns: number): number => Math.max(0, ns / 1e6 - this.loopResolutionMs)
    return {
      issued: reports.reduce((n, r) => n + r.issued, 0),
      loopDelayP99Ms: Math.max(...reports.map((r) => ms(r.loopP99Ns))),
      loopDelayMaxMs: Math.max(...reports.map((r) => ms(r.loopMaxNs))),
    }
  }

  async counts(): Promise<FleetCounts> {
    const all = await Promise.all(this.threads.map((t) => t.call<FleetCounts>({ cmd: 'counts' })))
    const sum = (k: keyof FleetCounts): number => all.reduce((n, c) => n + c[k], 0)
    return {
      sent: sum('sent'),
      acked: sum('acked'),
      delivered: sum('delivered'),
      pendingAcks: sum('pendingAcks'),
      errors: sum('errors'),
    }
  }

  /** Every thread's latencies since the last call (ms); the call starts the next set. */
  async latencies(): Promise<LatencyReport> {
    const all = await Promise.all(this.threads.map((t) => t.call<LatencyReport>({ cmd: 'latencies' })))
    return { ack: all.flatMap((r) => r.ack), other: all.flatMap((r) => r.other) }
  }

  /** Closes every phone, then the threads. */
  async close(): Promise<void> {
    try {
      await Promise.all(this.threads.map((t) => t.call({ cmd: 'close' })))
    } finally {
      await this.terminate()
    }
  }

  /** Stops the threads as they are (a workload that failed): their phones would otherwise keep reconnecting. */
  async terminate(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()))
  }
}
