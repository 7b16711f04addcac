// The seed with its documents built on worker threads: each worker replays the generator (the same data as
// writeHouseholds) and builds every W-th chunk; the main thread writes each chunk's rows in one transaction, in order.
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type { Db } from '../db/open.ts'
import type { CreationRows } from '../store/creation-rows.ts'
import type { DocStore } from '../store/doc-store.ts'
import type { SeedVillage } from './places.ts'
import { SEED_AUTHOR, seedJobParams, seedPlaces, type SeedHouseholdsOptions, type SeedResult } from './seed.ts'
import type { SeedChunk, SeedWorkerData } from './seed-worker.ts'
import { startTsWorker } from '../ts-worker.ts'

/** Households per message from a worker and per write transaction. */
const CHUNK = 500
/** Chunks a worker may have sent ahead of the writer. */
const AHEAD = 2

/** The worker runs TypeScript like the rest of the server. */
function startWorker(data: SeedWorkerData): Worker {
  return startTsWorker(new URL('./seed-worker.ts', import.meta.url), data)
}

/**
 * Worker threads of `cli seed` on this machine: one per core beside the writing thread, at most 4; none on one core
 * (there a worker only adds its start-up and the copies between threads).
 */
export function defaultSeedWorkers(cores = availableParallelism()): number {
  return Math.max(0, Math.min(4, cores - 1))
}

export async function writeHouseholdsParallel(
  db: Db,
  docStore: DocStore,
  villages: SeedVillage[],
  counts: number[],
  opts: { seed: number; workers: number; onBatch?: (done: number, total: number) => void },
): Promise<number> {
  const total = counts.reduce((a, b) => a + b, 0)
  if (total === 0) return 0
  const jobs = seedJobParams(db, opts.seed)
  const context = docStore.summaryContext([jobs.period])
  const count = Math.max(1, opts.workers)
  const workers = Array.from({ length: count }, (_, index) =>
    startWorker({ ...context, jobs, villages, counts, chunk: CHUNK, index, workers: count, ahead: AHEAD }),
  )
  /** Per worker, chunks received and not yet written, and the writer waiting for the next one. */
  const inbox = workers.map(() => ({
    chunks: [] as SeedChunk[],
    waiter: null as { ok: (c: SeedChunk) => void; fail: (e: unknown) => void } | null,
    failed: null as unknown,
  }))
  workers.forEach((w, i) => {
    const box = inbox[i]!
    const fail = (e: unknown): void => {
      box.failed ??= e
      box.waiter?.fail(box.failed)
      box.waiter = null
    }
    w.on('message', (c: SeedChunk) => {
      if (box.waiter) box.waiter.ok(c)
      else box.chunks.push(c)
      box.waiter = null
    })
    w.on('error', fail)
    w.on('exit', (code) => fail(new Error(`seed worker exited (${code}) with chunks to build`)))
  })
  const next = (i: number): Promise<SeedChunk> => {
    const box = inbox[i]!
    const c = box.chunks.shift()
    if (c) return Promise.resolve(c)
    if (box.failed) return Promise.reject(box.failed)
    return new Promise((ok, fail) => (box.waiter = { ok, fail }))
  }
  const write = db.transaction((c: SeedChunk) => {
    c.metas.forEach((meta, k) => docStore.insertCreation(meta, c.rows[k] as CreationRows, SEED_AUTHOR))
  })
  let done = 0
  try {
    for (let c = 0; done < total; c++) {
      const i = c % count
      const chunk = await next(i)
      workers[i]?.postMessage('written') // the worker may build one more chunk
      write(chunk)
      done += chunk.metas.length
      opts.onBatch?.(done, total)
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  return done
}

/** seedHouseholds with the documents built on `workers` threads (default: defaultSeedWorkers(), at least 1); the same rows. */
export async function seedHouseholdsParallel(
  db: Db,
  docStore: DocStore,
  opts: SeedHouseholdsOptions & { workers?: number },
): Promise<SeedResult> {
  const started = performance.now()
  const { villages, counts, seed } = seedPlaces(db, opts)
  const households = await writeHouseholdsParallel(db, docStore, villages, counts, {
    seed,
    workers: opts.workers ?? Math.max(1, defaultSeedWorkers()),
    ...(opts.onBatch ? { onBatch: opts.onBatch } : {}),
  })
  return { households, villages, ms: performance.now() - started }
}
