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
  /** Runs started, failed ones included. */
  attempts: number
  /** 1-based index of the kept attempt among the finished ones. */
  kept: number
  /** Load before → after of every finished attempt, in order. */
  loads: [number, number][]
}

/** The 1-minute load average, to one decimal. */
export const load1 = (): number => Math.round((loadavg()[0] ?? 0) * 10) / 10

export async function runWithLoadRetry<T>(
  run: () => Promise<T>,
  p: LoadRetryParams,
  log: (s: string) => void,
  loadNow: () => number = load1,
): Promise<KeptAttempt<T>> {
  const done: { result: T; seconds: number; load: [number, number] }[] = []
  const total = Math.max(1, p.attempts)
  let lastLoad = 0
  let tried = 0
  for (let i = 0; i < total; i++) {
    if (i > 0) {
      // The previous attempt's own server and simulator count in the load too: let it decay first.
      const end = Date.now() + p.coolDownMs
      while (loadNow() > p.maxLoad && Date.now() < end) await sleep(2000)
      log(`  load ${lastLoad} > ${p.maxLoad} at the start: attempt ${i + 1} at load ${loadNow()}`)
    }
    const before = loadNow()
    lastLoad = before
    tried++
    const t0 = Date.now()
    let result: T
    try {
      result = await run()
    } catch (e) {
      // A failure on a busy machine (a timeout) is retried like a slow run; otherwise an earlier attempt is kept.
      const why = e instanceof Error ? e.message : String(e)
      if (before > p.maxLoad && i + 1 < total) {
        log(`  attempt ${i + 1} failed at load ${before} (${why})`)
        continue
      }
      if (done.length === 0) throw e
      log(`  attempt ${i + 1} failed (${why}); keeping an earlier one`)
      break
    }
    done.push({ result, seconds: Math.round((Date.now() - t0) / 1000), load: [before, loadNow()] })
    if (before <= p.maxLoad) break
  }
  if (done.length === 0) throw new Error('no attempt finished')
  let best = 0
  done.forEach((a, i) => {
    if (a.load[0] < (done[best] as (typeof done)[number]).load[0]) best = i
  })
  const kept = done[best] as (typeof done)[number]
  return { ...kept, attempts: tried, kept: best + 1, loads: done.map((a) => a.load) }
}
