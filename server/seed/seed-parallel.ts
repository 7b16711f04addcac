// The seed with its documents built on worker threads: the main thread generates households in order (the same data as
// writeHouseholds) and writes each chunk's rows in one transaction while the workers build the next chunks.
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Household } from '../../shared/household/types.ts'
import type { Db } from '../db/open.ts'
import type { CreationRows } from '../store/creation-rows.ts'
import type { DocStore } from '../store/doc-store.ts'
import type { SeedVillage } from './places.ts'
import { SEED_AUTHOR, seedJobs, seedPlaces, type SeedHouseholdsOptions, type SeedJob, type SeedResult } from './seed.ts'
import type { SeedWorkerData } from './seed-worker.ts'

/** Households per message to a worker and per write transaction. */
const CHUNK = 500

const TSX_ESM_API = 'dist/esm/api/index.mjs'

/** The worker runs TypeScript like the rest of the server: through tsx's loader, registered in the worker itself. */
function startWorker(data: SeedWorkerData): Worker {
  // tsx/esm/api's "import" export (its "require" one cannot load ESM from an eval'd worker).
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), TSX_ESM_API)).href
  const entry = new URL('./seed-worker.ts', import.meta.url).href
  const boot = `import(${JSON.stringify(tsx)}).then((t) => t.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`
  return new Worker(boot, { eval: true, workerData: data })
}

/** Worker threads for `households` on this machine: one per core beside the writing thread, at most 4. */
export function defaultSeedWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism()))
}

export async function writeHouseholdsParallel(
  db: Db,
  docStore: DocStore,
  villages: SeedVillage[],
  counts: number[],
  opts: { seed: number; workers: number; onBatch?: (done: number, total: number) => void },
): Promise<number> {
  const total = counts.reduce((a, b) => a + b, 0)
  const jobs = seedJobs(db, villages, counts, opts.seed)
  const first = jobs.next()
  if (first.done) return 0
  const data: SeedWorkerData = docStore.summaryContext([first.value.meta.period])
  const workers = Array.from({ length: Math.max(1, opts.workers) }, () => startWorker(data))
  /** Per worker, the chunks it holds in the order sent (a worker answers in order). */
  const waiting = workers.map(() => [] as { ok: (rows: CreationRows[]) => void; fail: (e: unknown) => void }[])
  workers.forEach((w, i) => {
    w.on('message', (rows: CreationRows[]) => waiting[i]?.shift()?.ok(rows))
    w.on('error', (e) => {
      for (const p of waiting[i]?.splice(0) ?? []) p.fail(e)
    })
    w.on('exit', (code) => {
      for (const p of waiting[i]?.splice(0) ?? [])
        p.fail(new Error(`seed worker exited (${code}) with chunks to build`))
    })
  })
  let sent = 0
  const build = (households: Household[]): Promise<CreationRows[]> =>
    new Promise((ok, fail) => {
      const i = sent++ % workers.length
      waiting[i]?.push({ ok, fail })
      workers[i]?.postMessage(households)
    })
  const write = db.transaction((chunk: SeedJob[], rows: CreationRows[]) => {
    chunk.forEach((job, k) => docStore.insertCreation(job.meta, rows[k] as CreationRows, SEED_AUTHOR))
  })
  let done = 0
  let next: SeedJob | undefined = first.value
  const inFlight: { chunk: SeedJob[]; rows: Promise<CreationRows[]> }[] = []
  try {
    while (next !== undefined || inFlight.length > 0) {
      // Keep every worker two chunks ahead of the writer.
      while (next !== undefined && inFlight.length < 2 * workers.length) {
        const chunk: SeedJob[] = []
        while (next !== undefined && chunk.length < CHUNK) {
          chunk.push(next)
          const r = jobs.next()
          next = r.done ? undefined : r.value
        }
        const rows = build(chunk.map((j) => j.household))
        rows.catch(() => undefined) // a failed chunk is reported when the writer reaches it; later ones are dropped
        inFlight.push({ chunk, rows })
      }
      const head = inFlight.shift()
      if (!head) break
      write(head.chunk, await head.rows)
      done += head.chunk.length
      opts.onBatch?.(done, total)
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  return done
}

/** seedHouseholds with the documents built on `workers` threads (default: defaultSeedWorkers()); the same rows. */
export async function seedHouseholdsParallel(
  db: Db,
  docStore: DocStore,
  opts: SeedHouseholdsOptions & { workers?: number },
): Promise<SeedResult> {
  const started = performance.now()
  const { villages, counts, seed } = seedPlaces(db, opts)
  const households = await writeHouseholdsParallel(db, docStore, villages, counts, {
    seed,
    workers: opts.workers ?? defaultSeedWorkers(),
    ...(opts.onBatch ? { onBatch: opts.onBatch } : {}),
  })
  return { households, villages, ms: performance.now() - started }
}
