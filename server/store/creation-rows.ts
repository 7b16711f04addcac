// What creating a household stores, computed from its built Y.Doc without touching the database: the snapshot in both
// update formats, its state vector, the summary with report facts and the visit flags. Pure, so the bulk path can
// compute it on worker threads while one connection writes.
import * as Y from 'yjs'
import type { B1Table } from '../../shared/rules/b1-table.ts'
import { summarise, type HouseholdSummary } from './household-view.ts'
import type { PeriodStandardLookup } from './period-standard-store.ts'
import { visitFlags, type VisitResult } from './visit-flags.ts'

export interface CreationRows {
  snapshot: Uint8Array
  snapshotV2: Uint8Array
  stateVector: Uint8Array
  summary: HouseholdSummary
  visit: VisitResult
}

/** What classification reads from the database: the active Phiếu B1 tables and each period's standard. */
export interface SummaryContext {
  b1Tables: readonly B1Table[]
  periodStandards: PeriodStandardLookup
}

export function creationRows(doc: Y.Doc, ctx: SummaryContext): CreationRows {
  const summary = summarise(doc, ctx.b1Tables, ctx.periodStandards)
  return {
    snapshot: Y.encodeStateAsUpdate(doc),
    snapshotV2: Y.encodeStateAsUpdateV2(doc),
    stateVector: Y.encodeStateVector(doc),
    summary,
    // A new household has no earlier position to compare with.
    visit: visitFlags(summary, undefined),
  }
}
