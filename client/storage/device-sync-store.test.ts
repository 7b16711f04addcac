// The phone's SessionStore (IndexedDB via fake-indexeddb, real HouseholdStore) against the shared store contract.
import 'fake-indexeddb/auto'
import { describeSessionStore } from '../../shared/sync/session-store-contract.ts'
import { openDevice } from '../app/device.ts'

let n = 0
describeSessionStore('device (IndexedDB)', async () => {
  const device = await openDevice(indexedDB, `rasoat-store-contract-${++n}`)
  return {
    store: device.syncStore,
    addLocal: async (id, update) =>
      device.index.put(await device.summary.appendOutbox([{ householdId: id, update, createdAt: 1 }], 1)),
  }
})
