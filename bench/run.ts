// `npm run bench`: rasoat vs Hocuspocus vs the y-websocket server on loopback, every run bounded in time and size.
// Flags: --smoke (≈1 min, small sizes, for CI), --only W1|W1C|W2|W3|W4|W7|R2|C (comma list; W1C = W1's CPU per edit in
// alternated rounds; R2 = two relays), --systems rasoat,hocuspocus,…,
// --keep (keep the servers' data directories under .tmp/bench/run/ for inspection), --attempts N (re-runs of a row
// that started at a 1-minute load above 2; default from params), --simulator-threads N (W1 and R2's phones spread over
// N threads; default from params).

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadCorpus } from './lib/corpus.ts'
import { load1, runWithLoadRetry } from './lib/load-retry.ts'
import { machineInfo } from './lib/machine.ts'
import { killAllServers, pinSimulator, type SystemName } from './lib/server-process.ts'
import { RUN_DIR, SYSTEMS } from './lib/systems.ts'
import { FULL, SMOKE } from './params.ts'
import { writeReport, type BenchResults } from './report.ts'
import { runW1 } from './workloads/w1.ts'
import { runW1Alternated } from './workloads/w1-alternated.ts'
import { runW2 } from './workloads/w2.ts'
import { runW3 } from './workloads/w3.ts'
import { runW4 } from './workloads/w4.ts'
import { runW5, W5_FULL, W5_SMOKE } from './workloads/w5.ts'
import { runW7 } from './workloads/w7.ts'
import { runTwoRelays } from './workloads/two-relays.ts'
import { runClientBudgets } from './client-budgets.ts'
import { runReportBench } from './measure/report.ts'
import { runSeedBench } from './measure/seed.ts'

const WORKLOADS = ['W1', 'W1C', 'W2', 'W3', 'W4', 'W5', 'W7', 'R2', 'C', 'R', 'SEED'] as const
type WorkloadId = (typeof WORKLOADS)[number]
const ALL_SYSTEMS: SystemName[] = ['rasoat', 'rasoat-yjs', 'hocuspocus', 'ywebsocket']

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const smoke = process.argv.includes('--smoke')
const only = (arg('--only')
  ?.split(',')
  .map((s) => s.trim().toUpperCase()) ?? [...WORKLOADS]) as WorkloadId[]
// `rasoat` names the server, so it brings both of its endpoints: /sync ('rasoat') and /yjs ('rasoat-yjs', W1 only).
const systems = [
  ...new Set(
    ((arg('--systems')?.split(',') ?? ALL_SYSTEMS) as SystemName[]).flatMap((s): SystemName[] =>
      s === 'rasoat' ? ['rasoat', 'rasoat-yjs'] : [s],
    ),
  ),
]
for (const s of systems)
  if (!ALL_SYSTEMS.includes(s)) throw new Error(`unknown system ${s}; use ${ALL_SYSTEMS.join(', ')}`)
for (const w of only) if (!WORKLOADS.includes(w)) throw new Error(`unknown workload ${w}; use ${WORKLOADS.join(', ')}`)
const params = smoke ? SMOKE : FULL
const attempts = arg('--attempts')
if (attempts !== undefined) params.loadRetry = { ...params.loadRetry, attempts: Math.max(1, Number(attempts) || 1) }
const simulatorThreads = arg('--simulator-threads')
if (simulatorThreads !== undefined) {
  const n = Math.max(1, Number(simulatorThreads) || 1)
  params.w1 = { ...params.w1, simulatorThreads: n }
  params.r2 = { ...params.r2, simulatorThreads: n }
}
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url))
const LATEST = `${RESULTS_DIR}latest.json`

process.on('exit', killAllServers)
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    killAllServers()
    process.exit(130)
  })

function log(s: string): void {
  console.log(s)
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} exceeded ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([p, t])
  } finally {
    clearTimeout(timer)
  }
}

async function main(): Promise<void> {
  const started = Date.now()
  const machine = machineInfo('') // before pinning: nproc of a pinned process is 1
  const pinning = await pinSimulator()
  machine.pinning = pinning
  log(
    `rasoat bench${smoke ? ' (smoke)' : ''}: ${machine.nproc} cores, ${machine.cpuModel}, ${machine.ramGiB} GiB, Node ${machine.node}; ${pinning}`,
  )
  const previous: BenchResults | null =
    !smoke && only.length < WORKLOADS.length && existsSync(LATEST)
      ? (JSON.parse(readFileSync(LATEST, 'utf8')) as BenchResults)
      : null
  const results: BenchResults = previous ?? {
    mode: smoke ? 'smoke' : 'full',
    startedAt: new Date(started).toISOString(),
    machine,
    corpus: { shape: '', households: 0, avgStateBytes: 0 },
    params,
    workloads: {},
    skipped: {},
    durationS: 0,
  }
  results.machine = machine
  results.params = params
  const needsServers = only.some((w) => w !== 'C' && w !== 'R' && w !== 'SEED')
  if (needsServers) {
    const t = Date.now()
    const corpus = await loadCorpus(params.corpus)
    results.corpus = { shape: corpus.shape, households: corpus.docs.length, avgStateBytes: corpus.avgStateBytes }
    log(
      `corpus: ${corpus.docs.length} households, ${corpus.avgStateBytes} B average state (${corpus.shape}), ${Math.round((Date.now() - t) / 1000)} s`,
    )
    for (const w of only) {
      if (w === 'C' || w === 'R' || w === 'SEED') continue
      if (w === 'W1C') {
        // One row for all systems: the rounds alternate them, so a re-run for load would undo what alternating is for.
        const key = 'W1C/all'
        log(`${key}: CPU per edit at ${params.w1c.rates.at(-1)}/s, ${params.w1c.rounds} rounds alternating the systems`)
        const w1Systems = systems.map((s) => SYSTEMS[s]).filter((s) => !s.workloads || s.workloads.includes('W1'))
        const t = Date.now()
        const load0 = load1()
        try {
          const result = await withTimeout(
            runW1Alternated(w1Systems, corpus, params.w1, params.w1c, log),
            params.w1c.rounds * w1Systems.length * params.workloadTimeoutMs,
            key,
          )
          const load: [number, number] = [load0, load1()]
          results.workloads[key] = { result, seconds: Math.round((Date.now() - t) / 1000), load }
          delete results.skipped[key]
        } catch (e) {
          killAllServers()
          results.skipped[key] = `failed: ${e instanceof Error ? e.message : String(e)}`
          delete results.workloads[key]
          log(`${key}: FAILED — ${results.skipped[key]}`)
        }
        continue
      }
      if (w === 'R2') {
        // Two relays: three setups of one system (rasoat), run in one row so they share the load conditions.
        log('R2/rasoat: two relays on one database and Redis')
        try {
          results.workloads['R2/rasoat'] = await runWithLoadRetry(
            () =>
              withTimeout(runTwoRelays(corpus, params.r2, log), 3 * params.workloadTimeoutMs, 'R2/rasoat').catch(
                (e: unknown) => {
                  killAllServers()
                  throw e
                },
              ),
            params.loadRetry,
            log,
          )
          delete results.skipped['R2/rasoat']
        } catch (e) {
          results.skipped['R2/rasoat'] = `failed: ${e instanceof Error ? e.message : String(e)}`
          delete results.workloads['R2/rasoat']
          log(`R2/rasoat: FAILED — ${results.skipped['R2/rasoat']}`)
        }
        continue
      }
      for (const name of systems) {
        const sys = SYSTEMS[name]
        if (sys.workloads && !sys.workloads.includes(w)) continue
        if (w === 'W5' && name !== 'rasoat') continue // the direct 300,000-household run is rasoat's own target
        const key = `${w}/${name}`
        log(`${key}: ${sys.label}`)
        const once = async (): Promise<unknown> => {
          const run =
            w === 'W1'
              ? runW1(sys, corpus, params.w1, log)
              : w === 'W2'
                ? runW2(sys, corpus, params.w2, log)
                : w === 'W3'
                  ? runW3(sys, corpus, params.w3, log)
                  : w === 'W4'
                    ? runW4(sys, corpus, params.w4, log)
                    : w === 'W5'
                      ? runW5(sys, corpus, smoke ? W5_SMOKE : W5_FULL, log)
                      : runW7(sys, corpus, params.w7, log)
          try {
            return await withTimeout(run as Promise<unknown>, w === 'W5' ? 3_600_000 : params.workloadTimeoutMs, key)
          } catch (e) {
            killAllServers() // an abandoned attempt's server must not run on under the next one
            throw e
          }
        }
        try {
          // 1-minute load average before/after: other work on this shared 2-core machine skews latency; a row that
          // started above the limit is run again and the lowest-load attempt kept (bench/lib/load-retry.ts).
          results.workloads[key] = await runWithLoadRetry(once, params.loadRetry, log)
          delete results.skipped[key]
        } catch (e) {
          results.skipped[key] = `failed: ${e instanceof Error ? e.message : String(e)}`
          delete results.workloads[key]
          log(`${key}: FAILED — ${results.skipped[key]}`)
        }
      }
    }
  }
  if (only.includes('C')) {
    const t0 = Date.now()
    results.client = await runClientBudgets({ smoke, log })
    log(`client budgets: ${Math.round((Date.now() - t0) / 1000)} s`)
  }
  if (only.includes('R')) {
    const t0 = Date.now()
    results.reports = await runReportBench({ households: smoke ? 20_000 : 300_000, runs: smoke ? 3 : 5, log })
    log(`reports: ${Math.round((Date.now() - t0) / 1000)} s`)
  }
  if (only.includes('SEED')) {
    log('SEED/rasoat: seeding through the bulk path')
    try {
      results.workloads['SEED/rasoat'] = await runSeedBench({ smoke, loadRetry: params.loadRetry, log })
      delete results.skipped['SEED/rasoat']
    } catch (e) {
      results.skipped['SEED/rasoat'] = `failed: ${e instanceof Error ? e.message : String(e)}`
      delete results.workloads['SEED/rasoat']
      log(`SEED/rasoat: FAILED — ${results.skipped['SEED/rasoat']}`)
    }
  }
  if (!process.argv.includes('--keep')) rmSync(RUN_DIR, { recursive: true, force: true })
  results.durationS = Math.round((Date.now() - started) / 1000) + (previous ? previous.durationS : 0)
  results.finishedAt = new Date().toISOString()
  mkdirSync(RESULTS_DIR, { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  writeFileSync(`${RESULTS_DIR}${smoke ? 'smoke' : 'full'}-${stamp}.json`, JSON.stringify(results, null, 2))
  if (smoke) {
    writeFileSync(`${RESULTS_DIR}smoke.json`, JSON.stringify(results, null, 2))
    log(`smoke run done in ${Math.round((Date.now() - started) / 1000)} s (BENCHMARKS.md is only written by full runs)`)
  } else {
    writeFileSync(LATEST, JSON.stringify(results, null, 2))
    writeReport(results)
    log(`done in ${Math.round((Date.now() - started) / 1000)} s; wrote BENCHMARKS.md and bench/results/latest.json`)
  }
  process.exit(0)
}

main().catch((e: unknown) => {
  console.error(e)
  killAllServers()
  process.exit(1)
})
