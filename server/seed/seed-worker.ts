// A worker thread of the parallel seed: replays the household generator (so no household is copied between threads),
// builds the documents of its share of the chunks and computes what creating each stores (creationRows); the main
// thread only writes. Started by seed-parallel.ts.
import { parentPort, workerData } from 'node:worker_threads'
import type { B1Table } from '../../shared/rules/b1-table.ts'
import { creationRows, type CreationRows } from '../store/creation-rows.ts'
import type { HouseholdMeta } from '../store/doc-store.ts'
import type { SeedVillage } from './places.ts'
import { jobsFrom, seedHouseholdDoc, type SeedJobParams } from './seed.ts'

export interface SeedWorkerData {
  b1Tables: B1Table[]
  periodStandards: Record<string, string>
  jobs: SeedJobParams
  villages: SeedVillage[]
  counts: number[]
  /** Households per chunk; this worker builds chunks index, index + workers, … */
  chunk: number
  index: number
  workers: number
  /** Chunks sent and not yet written, beyond which the worker waits for the writer (bounded memory). */
  ahead: number
}

/** One chunk of built households, in generation order. */
export interface SeedChunk {
  metas: HouseholdMeta[]
  rows: CreationRows[]
}

const data = workerData as SeedWorkerData
const ctx = { b1Tables: data.b1Tables, periodStandards: (period: string) => data.periodStandards[period] }

let credit = data.ahead
let resume: (() => void) | null = null
parentPort?.on('message', () => {
  credit++
  resume?.()
  resume = null
})

async function run(): Promise<void> {
  let position = 0
  let chunk: SeedChunk = { metas: [], rows: [] }
  let buffers: ArrayBuffer[] = []
  for (const job of jobsFrom(data.jobs, data.villages, data.counts)) {
    const mine = Math.floor(position / data.chunk) % data.workers === data.index
    position++
    if (mine) {
      const doc = seedHouseholdDoc(job.household)
      const r = creationRows(doc.ydoc, ctx)
      doc.ydoc.destroy()
      chunk.metas.push(job.meta)
      chunk.rows.push(r)
      for (const b of [r.snapshot, r.snapshotV2, r.stateVector])
        if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) buffers.push(b.buffer as ArrayBuffer)
    }
    if (mine && position % data.chunk === 0) {
      while (credit === 0) await new Promise<void>((ok) => (resume = ok))
      credit--
      parentPort?.postMessage(chunk, buffers)
      chunk = { metas: [], rows: [] }
      buffers = []
    }
  }
  if (chunk.metas.length > 0) parentPort?.postMessage(chunk, buffers)
}

void run()
