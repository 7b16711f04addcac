// Runs one workload row again while the machine was busy when it started (1-minute load average above a limit),
// keeping the attempt that started at the lowest load; the report prints how many attempts and which load it kept.

import { loadavg } from 'node:os'
import { sleep } from './stats.ts'

export interface LoadRetryParams {
  maxLoad: number
  attempts: number
  coolDownMs: number
}

/** What run.ts stores per row: the kept attempt plus the history of all of them. */
export interface KeptAttempt<T> {
  result: T
  seconds: number
  /** 1-minute load average before → after the kept attempt. */
  load: [number, number]
  attempts: number
  /** 1-based index of the kept attempt. */
  kept: number
  /** Load before → after of every attempt, in order. */
  loads: [number, number][]
}

const load1 = (): number => Math.round((loadavg()[0] ?? 0) * 10) / 10

export async function runWithLoadRetry<T>(
  run: () => Promise<T>,
  p: LoadRetryParams,
  log: (s: string) => void,
  loadNow: () => number = load1,
): Promise<KeptAttempt<T>> {
  const done: { result: T; seconds: number; load: [number, number] }[] = []
  for (let i = 0; i < Math.max(1, p.attempts); i++) {
    if (i > 0) {
      // The previous attempt's own server and simulator count in the load too: let it decay first.
      const end = Date.now() + p.coolDownMs
      while (loadNow() > p.maxLoad && Date.now() < end) await sleep(2000)
      log(`  load ${done[i - 1]?.load[0]} > ${p.maxLoad} at the start: attempt ${i + 1} at load ${loadNow()}`)
    }
    const before = loadNow()
    const t0 = Date.now()
    let result: T
    try {
      result = await run()
    } catch (e) {
      if (done.length === 0) throw e
      log(`  attempt ${i + 1} failed (${e instanceof Error ? e.message : String(e)}); keeping an earlier one`)
      break
    }
    done.push({ result, seconds: Math.round((Date.now() - t0) / 1000), load: [before, loadNow()] })
    if (before <= p.maxLoad) break
  }
  let best = 0
  done.forEach((a, i) => {
    if (a.load[0] < (done[best] as (typeof done)[number]).load[0]) best = i
  })
  const kept = done[best] as (typeof done)[number]
  return { ...kept, attempts: done.length, kept: best + 1, loads: done.map((a) => a.load) }
}
