// A worker thread of the parallel seed: builds the documents of generated households and computes what creating each
// stores (creationRows); the main thread only writes. Started by seed-parallel.ts.
import { parentPort, workerData } from 'node:worker_threads'
import type { Household } from '../../shared/household/types.ts'
import type { B1Table } from '../../shared/rules/b1-table.ts'
import { creationRows, type CreationRows } from '../store/creation-rows.ts'
import { seedHouseholdDoc } from './seed.ts'

export interface SeedWorkerData {
  b1Tables: B1Table[]
  periodStandards: Record<string, string>
}

const data = workerData as SeedWorkerData
const ctx = { b1Tables: data.b1Tables, periodStandards: (period: string) => data.periodStandards[period] }

parentPort?.on('message', (households: Household[]) => {
  const rows: CreationRows[] = []
  const buffers: ArrayBuffer[] = []
  for (const h of households) {
    const doc = seedHouseholdDoc(h)
    const r = creationRows(doc.ydoc, ctx)
    doc.ydoc.destroy()
    rows.push(r)
    for (const b of [r.snapshot, r.snapshotV2, r.stateVector])
      if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) buffers.push(b.buffer as ArrayBuffer)
  }
  parentPort?.postMessage(rows, buffers)
})
