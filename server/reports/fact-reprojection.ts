// One-time, resumable re-projection of the report facts of households committed before migration 016: each one is
// re-summarised from its committed document, a batch at a time (never all documents in memory), yielding between
// batches so the relay keeps committing. Resumable because a written row is marked current (facts_version).
import * as Y from 'yjs'
import type { Db } from '../db/open.ts'
import { createB1TableStore } from '../b1/b1-table-store.ts'
import type { DocStore } from '../store/doc-store.ts'
import { summarise } from '../store/household-view.ts'
import { createPeriodStandards } from '../store/period-standard-store.ts'
import { createPendingFactsStore } from './pending-facts-store.ts'

export interface ReprojectReport {
  households: number
  batches: number
}

export interface ReprojectOptions {
  /** Households per batch (default 50: about 60 ms of work on a loaded 2-core machine). */
  batch?: number
  /** Stop before the next batch (server shutdown); what was written stays, the rest waits for the next start. */
  stopped?: () => boolean
  /** Told which households' summary rows were rewritten, after each batch (the live console feed). */
  onBatch?: (householdIds: readonly string[]) => void
}

export async function reprojectFacts(
  db: Db,
  docStore: DocStore,
  opts: ReprojectOptions = {},
): Promise<ReprojectReport> {
  const limit = opts.batch ?? 50
  const store = createPendingFactsStore(db)
  const b1 = createB1TableStore(db)
  const periodStandards = createPeriodStandards(db)
  const report: ReprojectReport = { households: 0, batches: 0 }
  let after = ''
  while (!opts.stopped?.()) {
    const ids = store.pending(after, limit)
    if (ids.length === 0) break
    const tables = b1.active()
    const done: string[] = []
    // One transaction per batch; each household is read and written in the same synchronous step as its commit would be.
    db.transaction(() => {
      for (const id of ids) {
        const state = docStore.readState(id)
        if (state === null) {
          store.markCurrent(id) // never committed: its zeros are its facts; the reports must not wait for it
          continue
        }
        const doc = new Y.Doc({ gc: true, guid: id })
        try {
          Y.applyUpdate(doc, state)
          const s = summarise(doc, tables, periodStandards)
          store.write(id, s.category, s.deprivationCount, s.facts)
          done.push(id)
        } finally {
          doc.destroy()
        }
      }
    })()
    report.households += done.length
    report.batches++
    if (done.length > 0) opts.onBatch?.(done)
    after = ids[ids.length - 1] ?? after
    await new Promise((resolve) => setImmediate(resolve))
  }
  return report
}
