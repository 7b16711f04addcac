// Turns a household document's content into the summary row fields (list, search, filters), with recordCategory().
// Pure apart from reading the Y.Doc through shared/doc (the only code that knows Yjs keys).

import * as Y from 'yjs'
import { readSnapshot, type HouseholdSnapshot } from '../../shared/doc/snapshot.ts'
import { recordCategory, type PeriodStandards } from '../../shared/doc/record-category.ts'
import { foldForSearch } from '../../shared/text/fold.ts'
import type { HouseholdSummary } from './summary-db.ts'
import type { B1Table } from '../../shared/rules/b1-table.ts'

export type SummaryFields = Pick<
  HouseholdSummary,
  'headName' | 'village' | 'address' | 'status' | 'category' | 'deprivationCount' | 'searchText' | 'known' | 'admission'
>

export function summariseSnapshot(
  snap: HouseholdSnapshot,
  b1Tables: readonly B1Table[] = [],
  periodStandards?: PeriodStandards,
): SummaryFields {
  const h = snap.household
  const head = h.members.find((m) => m.relation === 'head') ?? h.members[0]
  // No standard for the period, unknown unit…: shown as "not classified", never as a guess; Phiếu A may end it as not poor.
  // The list shows the category and the count, not the explanations: they are not built (explain: false).
  const rc = recordCategory(snap, { b1Tables, periodStandards, explain: false })
  const category: HouseholdSummary['category'] = rc.classification || rc.endedAtQuickScreen ? rc.category : null
  const deprivationCount = rc.deprivationCount
  const words = [head?.fullName ?? '', ...h.members.map((m) => m.fullName), h.address, h.village]
  for (const m of h.members) if (m.personalId) words.push(m.personalId)
  const fields: SummaryFields = {
    headName: head?.fullName ?? '',
    village: h.village,
    address: h.address,
    status: snap.workflow.status,
    category,
    deprivationCount,
    searchText: foldForSearch(words.join(' ')),
    known: true,
  }
  if (snap.workflow.admission) fields.admission = snap.workflow.admission
  return fields
}

export function summariseDoc(
  doc: Y.Doc,
  b1Tables: readonly B1Table[] = [],
  periodStandards?: PeriodStandards,
): SummaryFields {
  return summariseSnapshot(readSnapshot(doc), b1Tables, periodStandards)
}

/**
 * The summary of a household whose whole stored state is `update` (a bootstrap; Yjs V2 when `v2`, as a STATE carries
 * it, read without converting); null if it does not apply.
 */
export function summariseUpdate(
  update: Uint8Array,
  b1Tables: readonly B1Table[] = [],
  periodStandards?: PeriodStandards,
  v2 = false,
): SummaryFields | null {
  // A fixed guid: the default one costs ~30 getRandomValues calls per document, felt over a 300-household bootstrap.
  const doc = new Y.Doc({ guid: 'summary' })
  try {
    if (v2) Y.applyUpdateV2(doc, update)
    else Y.applyUpdate(doc, update)
    return summariseDoc(doc, b1Tables, periodStandards)
  } catch {
    return null // a corrupt update must not stop the other households' summaries; the lazy refresh tries again
  } finally {
    doc.destroy()
  }
}
