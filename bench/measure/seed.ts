// Seeding at scale: N households (default 100,000) into a fresh database through the bulk path `cli seed` uses; prints
// wall and CPU time (utime+stime of this process, worker threads included) and the load average around the run.
// Run: npx tsx bench/measure/seed.ts [--households N] [--workers W]   (default W as cli seed: defaultSeedWorkers())

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { migrate } from '../../server/db/migrate.ts'
import { migrations } from '../../server/db/migrations/index.ts'
import { openDb } from '../../server/db/open.ts'
import { ensureReferenceData } from '../../server/db/reference-data.ts'
import { defaultSeedWorkers, seedHouseholdsParallel } from '../../server/seed/seed-parallel.ts'
import { seedHouseholds } from '../../server/seed/seed.ts'
import { createDocStore } from '../../server/store/doc-store.ts'
import { runWithLoadRetry, type KeptAttempt, type LoadRetryParams } from '../lib/load-retry.ts'

export interface SeedMeasure {
  households: number
  wallMs: number
  cpuMs: number
  userMs: number
  sysMs: number
  workers: number
  householdsPerS: number
  cpuUsPerHousehold: number
  dbMb: number
  /** 1-minute load average before and after (the machine is shared: wall time depends on it, CPU time much less). */
  load: [number, number]
}

const load1 = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100

export async function measureSeed(households: number, workers = defaultSeedWorkers()): Promise<SeedMeasure> {
  const dir = mkdtempSync(join(tmpdir(), 'rasoat-seed-bench-'))
  try {
    const file = join(dir, 'rasoat.db')
    const db = openDb(file)
    migrate(db, migrations)
    ensureReferenceData(db)
    const load0 = load1()
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    const docStore = createDocStore(db)
    const r =
      workers === 0
        ? seedHouseholds(db, docStore, { households })
        : await seedHouseholdsParallel(db, docStore, { households, workers })
    db.pragma('wal_checkpoint(TRUNCATE)')
    const wallMs = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    db.close()
    const cpuMs = (cpu.user + cpu.system) / 1000
    return {
      households: r.households,
      wallMs: Math.round(wallMs),
      cpuMs: Math.round(cpuMs),
      userMs: Math.round(cpu.user / 1000),
      sysMs: Math.round(cpu.system / 1000),
      workers,
      householdsPerS: Math.round(r.households / (wallMs / 1000)),
      cpuUsPerHousehold: Math.round((cpuMs * 1000) / r.households),
      dbMb: Math.round(statSync(file).size / 1024 / 1024),
      load: [load0, load1()],
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * For bench/run.ts (key SEED/rasoat; smoke: 5,000 households): the measure in its own process (a fresh heap, nothing
 * else of the run in its CPU time). Like every row, an attempt that started above the load limit is run again and the
 * one that started lowest kept (bench/lib/load-retry.ts).
 */
export async function runSeedBench(opts: {
  smoke: boolean
  loadRetry: LoadRetryParams
  log: (s: string) => void
}): Promise<KeptAttempt<SeedMeasure>> {
  return runWithLoadRetry(() => seedInChild(opts.smoke ? 5_000 : 100_000), opts.loadRetry, opts.log)
}

function seedInChild(n: number): Promise<SeedMeasure> {
  const script = fileURLToPath(import.meta.url)
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url))
  const households = String(n)
  return new Promise((ok, fail) => {
    const child = spawn(tsx, [script, '--households', households], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (b: Buffer) => (out += b.toString()))
    child.on('error', fail)
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`bench/measure/seed.ts exited with ${code}`))
      try {
        ok(JSON.parse(out.trim().split('\n').at(-1) ?? '') as SeedMeasure)
      } catch (e) {
        fail(e)
      }
    })
  })
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { households: { type: 'string', default: '100000' }, workers: { type: 'string' } },
  })
  const workers = values.workers === undefined ? defaultSeedWorkers() : Number(values.workers)
  console.log(JSON.stringify({ ...(await measureSeed(Number(values.households), workers)), node: process.version }))
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) await main()
