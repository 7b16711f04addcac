// An edit whose outbox write failed (storage full) is neither dropped on close nor left out of the unsynced
// count and the export; it reaches the outbox once storage works again.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { openDevice } from './device.ts'
import { buildUnsyncedExport } from './unsynced-export.ts'
import { fromBase64 } from './password-verifier.ts'
import { PhotoStore } from '../photos/photo-store.ts'

function serverHousehold(id: string): Uint8Array {
  const doc = HouseholdDoc.create(
    { id, period: '2025', unit: '19900', village: 'Thôn Đông', address: '12 Lê Lợi', members: [] },
    { clientId: 1 },
  )
  return Y.encodeStateAsUpdate(doc.ydoc)
}

describe('unsynced export after a failed outbox write', () => {
  it('CL-durability: a household closed while its outbox write fails stays unsynced, is exported, and is retried', async () => {
    const device = await openDevice(indexedDB, 'rasoat-export-test')
    await device.syncStore.persistRemote([{ householdId: 'h1', update: serverHousehold('h1') }])
    const append = device.summary.appendOutbox.bind(device.summary)
    let failing = true
    device.summary.appendOutbox = (entries, now) =>
      failing ? Promise.reject(new DOMException('full', 'QuotaExceededError')) : append(entries, now)
    const errors: unknown[] = []
    device.onWriteError = (e) => errors.push(e)

    const opened = await device.households.openHousehold('h1')
    opened.household.setField('address', '14 Lê Lợi')
    await opened.close()
    expect(errors.length).toBeGreaterThan(0)
    expect(device.households.unflushed).toBeGreaterThan(0)

    const exported = await buildUnsyncedExport(device, { user: null, appVersion: 'test' })
    const h = exported.households.find((x) => x.id === 'h1')
    expect(h).toBeDefined()
    const peer = new Y.Doc()
    Y.applyUpdate(peer, serverHousehold('h1'))
    for (const u of h!.updates) Y.applyUpdate(peer, fromBase64(u))
    expect(new HouseholdDoc(peer).read().household.address).toBe('14 Lê Lợi')

    failing = false
    await expect.poll(async () => (await device.summary.outboxOf('h1')).length, { timeout: 10_000 }).toBe(1)
    await expect.poll(() => device.households.isOpen('h1'), { timeout: 10_000 }).toBe(false)
    expect(device.households.unflushed).toBe(0)
  })

  it('CL-durability: the export carries the bytes of every photo not yet uploaded', async () => {
    const device = await openDevice(new IDBFactory(), 'rasoat-export-photos')
    const photos = new PhotoStore(new IDBFactory())
    const bytes = new Uint8Array([0xff, 0xd8, 1, 2, 3, 4])
    const { sha256 } = await photos.add(new Blob([bytes], { type: 'image/jpeg' }), { householdId: 'h9', kind: 'house' })
    const exported = await buildUnsyncedExport(device, {
      user: null,
      appVersion: 'test',
      pendingPhotos: () => photos.pending(),
    })
    expect(exported.photos).toHaveLength(1)
    expect(exported.photos[0]).toMatchObject({ sha256, householdId: 'h9', kind: 'house', contentType: 'image/jpeg' })
    expect(fromBase64(exported.photos[0]!.data)).toEqual(bytes)
  })
})
