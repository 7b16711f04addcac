// The phone classifies a household under the standard its period names, offline: the periods list is fetched and kept
// in the device's settings; the list's categories and the result screen (standard name, category) follow it.
import 'fake-indexeddb/auto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { readSnapshot } from '../../shared/doc/snapshot.ts'
import type { Household } from '../../shared/household/types.ts'
import { DeviceSyncStore } from '../storage/device-sync-store.ts'
import { HouseholdIndex } from '../storage/household-index.ts'
import { HouseholdStore } from '../storage/household-store.ts'
import { openSummaryDb, SummaryDb } from '../storage/summary-db.ts'
import { refreshPeriodStandards, storedPeriodStandards } from './period-standards.ts'
import { surveyView } from './survey-view.ts'

const ND351 = 'ND351_2027_2030'

/** The documented poor rural household as a 2026 record, income between ND07's rural line and ND351's. */
function household2026(): Household {
  const url = new URL('../../shared/household/examples/poor-rural.json', import.meta.url)
  const h = JSON.parse(readFileSync(url, 'utf8')) as Household
  return { ...h, id: 'h-2026', period: '2026', income: { perCapitaMonthly: 2_000_000 } }
}

function memorySettings() {
  const values = new Map<string, unknown>()
  return {
    values,
    getSetting: <T>(key: string) => Promise.resolve(values.get(key) as T | undefined),
    setSetting: (key: string, value: unknown) => Promise.resolve(void values.set(key, value)),
  }
}

describe('period standards on the phone', () => {
  it('keeps the periods list for offline use; offline or refused leaves the stored copy', async () => {
    const settings = memorySettings()
    const answer = {
      periods: [
        { id: '2025', standard: 'ND07_2022_2025' },
        { id: '2026', standard: ND351 },
      ],
    }
    const online = (() => Promise.resolve(new Response(JSON.stringify(answer)))) as typeof fetch
    expect(await refreshPeriodStandards('t', settings, online)).toEqual({ '2025': 'ND07_2022_2025', '2026': ND351 })
    const offline = (() => Promise.reject(new TypeError('offline'))) as typeof fetch
    expect(await refreshPeriodStandards('t', settings, offline)).toBeNull()
    const refused = (() => Promise.resolve(new Response('{}', { status: 401 }))) as typeof fetch
    expect(await refreshPeriodStandards('t', settings, refused)).toBeNull()
    expect(await storedPeriodStandards(settings)).toEqual({ '2025': 'ND07_2022_2025', '2026': ND351 })
  })

  it("the result screen names the period's standard and gives its category", () => {
    const doc = HouseholdDoc.create(household2026(), { clientId: 1 })
    const snapshot = readSnapshot(doc.ydoc)
    const byYear = surveyView(snapshot, '2026-10-01')
    expect(byYear.classification?.standardName.vi).toContain('07/2021')
    expect(byYear.category).toBe('average')
    const v = surveyView(snapshot, '2026-10-01', () => true, [], { '2026': ND351 })
    expect(v.standard?.id).toBe(ND351)
    expect(v.classification?.standardName.vi).toBe('Nghị định 351/2025/NĐ-CP, giai đoạn 2027–2030')
    expect(v.category).toBe('poor')
  })

  it("the household list recomputes categories once the periods' standards are known", async () => {
    const summary = new SummaryDb(await openSummaryDb(indexedDB, 'rasoat-period-standards'))
    const index = new HouseholdIndex(await summary.allHouseholds())
    const store = new HouseholdStore({ summary, index, idb: indexedDB, onOutbox: () => {} })
    const sync = new DeviceSyncStore(summary, index, store)
    const h = household2026()
    const doc = HouseholdDoc.create(h, { clientId: 1 })
    await sync.addHouseholds([h.id])
    await sync.persistRemote([{ householdId: h.id, update: Y.encodeStateAsUpdate(doc.ydoc) }])
    await store.settled()
    expect(index.get(h.id)?.category).toBe('average')

    store.periodStandards = () => ({ '2026': ND351 })
    store.refreshAll()
    await store.settled()
    expect(index.get(h.id)?.category).toBe('poor')

    // A household arriving afterwards (a bootstrap) is summarised under its period's standard at once.
    const later = { ...h, id: 'h-2026-b' }
    await sync.addHouseholds([later.id])
    await sync.persistRemote([
      { householdId: later.id, update: Y.encodeStateAsUpdate(HouseholdDoc.create(later, { clientId: 2 }).ydoc) },
    ])
    expect(index.get(later.id)?.category).toBe('poor')
  })
})
