// Everything stored on this phone, opened once at start: the summary database, the in-memory household index,
// household documents and the sync store over them. Reading the summary rows is all start-up does.

import { DeviceSyncStore } from '../storage/device-sync-store.ts'
import { deleteDocDatabase } from '../storage/doc-files.ts'
import { HouseholdIndex } from '../storage/household-index.ts'
import { HouseholdStore } from '../storage/household-store.ts'
import { openSummaryDb, SummaryDb, SUMMARY_DB_NAME } from '../storage/summary-db.ts'

export interface Device {
  deviceId: string
  summary: SummaryDb
  index: HouseholdIndex
  households: HouseholdStore
  syncStore: DeviceSyncStore
  /** Set by the composition root once the sync client exists: local edits then go out at once. */
  onOutbox: (householdId: string) => void
  /** Set by the app state: an edit could not be written to IndexedDB (it stays in memory and is retried). */
  onWriteError: (error: unknown) => void
  /** Set by the sync runtime: drop a refused household's local edits and fetch the server's value again. */
  discardLocal: (householdId: string) => Promise<void>
}

export async function openDevice(idb: IDBFactory, name = SUMMARY_DB_NAME): Promise<Device> {
  const summary = new SummaryDb(await openSummaryDb(idb, name))
  let deviceId = await summary.getSetting<string>('deviceId')
  if (!deviceId) {
    deviceId = crypto.randomUUID()
    await summary.setSetting('deviceId', deviceId)
  }
  const index = new HouseholdIndex(await summary.allHouseholds())
  const device: Device = {
    deviceId,
    summary,
    index,
    households: undefined as unknown as HouseholdStore, // assigned just below (needs `device` for the callback)
    syncStore: undefined as unknown as DeviceSyncStore,
    onOutbox: () => undefined,
    onWriteError: () => undefined,
    discardLocal: () => Promise.reject(new Error('sync/not-running')),
  }
  device.households = new HouseholdStore({
    summary,
    index,
    idb,
    onOutbox: (id) => device.onOutbox(id),
    onWriteError: (e) => device.onWriteError(e),
  })
  device.syncStore = new DeviceSyncStore(summary, index, device.households)
  return device
}

/** Remove every household of the previous user (only ever called when nothing is unsynced). */
export async function wipeHouseholds(device: Device, idb: IDBFactory): Promise<void> {
  const rows = await device.summary.allHouseholds()
  await device.summary.clearHouseholdData()
  for (const r of rows) if (r.hasDocStore) await deleteDocDatabase(idb, r.id)
  device.index.clear()
}
