// After a Phiếu B1 point table is loaded, the stored households of its standard's periods get their summary category
// recomputed with the tables now in force (a commit does it too, but a household nobody edits would keep the old one).
// Runs in chunks between other work; each household is read, classified and written in one synchronous step, and the
// changed ones are reported after each chunk (the live console feed publishes them as it does commits).

import * as Y from 'yjs'
import type { Db } from '../db/open.ts'
import type { DocStore } from '../store/doc-store.ts'
import { summarise } from '../store/household-view.ts'
import { createPeriodStandards } from '../store/period-standard-store.ts'
import { STANDARDS } from '../../shared/rules/standards.ts'
import { createB1TableStore } from './b1-table-store.ts'

export interface ReclassifyReport {
  checked: number
  changed: number
}

/** About 60 ms of work per chunk on a loaded 2-core machine (1.1 ms per household measured), so commits interleave. */
const CHUNK = 50

export async function reclassifyStandard(
  db: Db,
  docStore: DocStore,
  standardId: string,
  onChanged?: (householdIds: readonly string[]) => void,
): Promise<ReclassifyReport> {
  const standard = STANDARDS.find((s) => s.id === standardId)
  const report: ReclassifyReport = { checked: 0, changed: 0 }
  if (!standard) return report
  const store = createB1TableStore(db)
  const periodStandards = createPeriodStandards(db)
  let after = ''
  for (;;) {
    const rows = store.householdsOfStandard(standard, after, CHUNK)
    if (rows.length === 0) return report
    const tables = store.active()
    const changed: string[] = []
    for (const row of rows) {
      const state = docStore.readState(row.id)
      if (state === null) continue
      const doc = new Y.Doc({ gc: true, guid: row.id })
      try {
        Y.applyUpdate(doc, state)
        const s = summarise(doc, tables, periodStandards)
        report.checked++
        if (s.category !== row.category || s.deprivationCount !== row.deprivationCount) {
          store.setCategory(row.id, s.category, s.deprivationCount)
          report.changed++
          changed.push(row.id)
        }
      } finally {
        doc.destroy()
      }
    }
    if (changed.length > 0) onChanged?.(changed)
    after = rows[rows.length - 1]?.id ?? after
    await new Promise((resolve) => setImmediate(resolve))
  }
}
