// Workload sizes for a full run (under 20 minutes on 2 cores, all systems) and for --smoke (about a minute, for CI).

import type { W1Params } from './workloads/w1.ts'
import type { W1AlternatedParams } from './workloads/w1-alternated.ts'
import type { W2Params } from './workloads/w2.ts'
import type { W3Params } from './workloads/w3.ts'
import type { W4Params } from './workloads/w4.ts'
import type { W7Params } from './workloads/w7.ts'
import type { TwoRelayParams } from './workloads/two-relays.ts'

export interface BenchParams {
  corpus: number
  w1: W1Params
  /** W1C: W1's fleet at its target rate, the systems alternated round by round; the median of the rounds is kept. */
  w1c: W1AlternatedParams
  w2: W2Params
  w3: W3Params
  w4: W4Params
  w7: W7Params
  /** R2: W1's fleet and ramp over two relays (three setups, so fewer steps). */
  r2: TwoRelayParams
  /** Upper bound for one workload on one system, after which it is abandoned and its server killed. */
  workloadTimeoutMs: number
  /**
   * A run that started with the 1-minute load average above `maxLoad` (other work on the machine) is run again, up to
   * `attempts` runs in all; the lowest-load attempt is kept. Before a re-run the bench waits up to `coolDownMs` for
   * the load to fall below `maxLoad` (its own previous run counts in the load too).
   */
  loadRetry: { maxLoad: number; attempts: number; coolDownMs: number }
}

export const FULL: BenchParams = {
  corpus: 10_000,
  w1: {
    pairs: 100,
    householdsPerPair: 50,
    hotPerDevice: 5,
    rates: [200, 800, 1600, 3200, 6400, 12800, 25600],
    stepSeconds: 5,
    drainSeconds: 2,
    p99LimitMs: 500,
    idleSeconds: 2,
    simulatorThreads: 4,
  },
  w1c: { rounds: 3, rates: [800, 1600, 3200], stepSeconds: 8 },
  w2: {
    pairs: 100,
    householdsPerPair: 50,
    dirtyPerDevice: 20,
    editsPerHousehold: 5,
    conflictShare: 0.05,
    jitterMs: 5000,
    timeoutMs: 90_000,
  },
  w3: { households: 300, concurrentDevices: 50, coldRepeats: 5 },
  w4: { stored: 10_000, loaderDevices: 19, householdsPerLoader: 500, idleConnections: 3000, settleMs: 1500 },
  w7: { pairs: 20, householdsPerPair: 20, hotPerDevice: 5, rate: 400, secondsBeforeKill: 4 },
  r2: {
    pairs: 100,
    householdsPerPair: 50,
    hotPerDevice: 5,
    rates: [200, 800, 1600, 3200, 6400],
    stepSeconds: 5,
    drainSeconds: 2,
    p99LimitMs: 500,
    idleSeconds: 2,
    simulatorThreads: 4,
  },
  workloadTimeoutMs: 240_000,
  loadRetry: { maxLoad: 2, attempts: 3, coolDownMs: 90_000 },
}

export const SMOKE: BenchParams = {
  corpus: 600,
  w1: {
    pairs: 10,
    householdsPerPair: 20,
    hotPerDevice: 2,
    rates: [100, 400],
    stepSeconds: 1.5,
    drainSeconds: 1,
    p99LimitMs: 500,
    idleSeconds: 0.3,
    simulatorThreads: 2,
  },
  w1c: { rounds: 2, rates: [100, 400], stepSeconds: 1.5 },
  w2: {
    pairs: 10,
    householdsPerPair: 20,
    dirtyPerDevice: 6,
    editsPerHousehold: 3,
    conflictShare: 0.05,
    jitterMs: 500,
    timeoutMs: 20_000,
  },
  w3: { households: 100, concurrentDevices: 2, coldRepeats: 2 },
  w4: { stored: 600, loaderDevices: 2, householdsPerLoader: 100, idleConnections: 60, settleMs: 450 },
  w7: { pairs: 4, householdsPerPair: 10, hotPerDevice: 2, rate: 100, secondsBeforeKill: 1.5 },
  r2: {
    pairs: 6,
    householdsPerPair: 20,
    hotPerDevice: 2,
    rates: [100, 400],
    stepSeconds: 1.5,
    drainSeconds: 1,
    p99LimitMs: 500,
    idleSeconds: 0.3,
    simulatorThreads: 2,
  },
  workloadTimeoutMs: 60_000,
  loadRetry: { maxLoad: 2, attempts: 1, coolDownMs: 0 }, // smoke figures are never reported: no re-runs
}
