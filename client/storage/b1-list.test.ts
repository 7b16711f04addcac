// The phone's household list classifies with the Phiếu B1 point tables: when new tables arrive every summary row is
// recomputed, so a household scored 160 (at or below the provisional urban 175) becomes "not poor" under a table whose
// near-poor cut-off is 140, as in the form and on the server. Real IndexedDB implementation (fake-indexeddb).
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { testB1Table } from '../../shared/test-support/b1-tables.ts'
import { makeHousehold } from '../../shared/test-support/household-fixtures.ts'
import { DeviceSyncStore } from './device-sync-store.ts'
import { HouseholdIndex } from './household-index.ts'
import { HouseholdStore } from './household-store.ts'
import { openSummaryDb, SummaryDb } from './summary-db.ts'

describe('household list with B1 point tables', () => {
  it('refreshAll recomputes the categories with the tables now in force', async () => {
    const summary = new SummaryDb(await openSummaryDb(indexedDB, 'rasoat-b1-list'))
    const index = new HouseholdIndex(await summary.allHouseholds())
    const store = new HouseholdStore({ summary, index, idb: indexedDB, onOutbox: () => {} })
    const sync = new DeviceSyncStore(summary, index, store)
    const h = makeHousehold({ unit: '19900', income: { b1Score: 160 } })
    const doc = HouseholdDoc.create(h, { clientId: 1 })
    await sync.addHouseholds([h.id])
    await sync.persistRemote([{ householdId: h.id, update: Y.encodeStateAsUpdate(doc.ydoc) }])
    await store.settled()
    expect(['poor', 'near_poor']).toContain(index.get(h.id)?.category)

    store.b1Tables = () => [testB1Table({}, 'urban')]
    store.refreshAll()
    await store.settled()
    expect(index.get(h.id)?.category).toBe('not_poor')
  })
})
