// A household found in the field on the phone (fake-indexeddb): saved with its creation in the outbox, pending on its
// summary row, left out of the manifest until the server has it, and refused without a known village or a name.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { openDevice } from './device.ts'
import { addFoundHousehold, type VillagePlaces } from './found-household.ts'

const places: VillagePlaces = { period: '2026', villages: [{ id: 'v-a', unitCode: '19789', name: 'Tổ 1' }] }

describe('household found in the field (phone)', () => {
  it('is saved with its creation in the outbox, pending, and not named in the manifest until acknowledged', async () => {
    const device = await openDevice(indexedDB, 'rasoat-found-test')
    const r = await addFoundHousehold(device, places, {
      headName: ' Lê Thị Mơ ',
      address: 'Kiệt 3 Đào Duy Anh',
      village: 'v-a',
    })
    if (!r.ok) throw new Error(r.code)
    await device.households.settled()
    const row = device.index.get(r.id)
    expect(row).toMatchObject({ headName: 'Lê Thị Mơ', village: 'v-a', admission: 'pending', serverSeq: 0 })
    expect(row?.unsyncedCount).toBeGreaterThan(0)
    const outbox = await device.summary.outboxOf(r.id)
    const doc = new Y.Doc()
    for (const e of outbox) Y.applyUpdate(doc, e.update)
    expect(new HouseholdDoc(doc).read()).toMatchObject({
      household: { id: r.id, period: '2026', unit: '19789', village: 'v-a' },
      workflow: { admission: 'pending' },
    })
    expect(await device.syncStore.pendingHouseholds()).toContain(r.id)
    expect((await device.syncStore.manifest()).map(([id]) => id)).not.toContain(r.id)
    await device.syncStore.acked(
      r.id,
      outbox.flatMap((e) => (e.seq === undefined ? [] : [e.seq])),
      1,
    )
    expect(await device.syncStore.manifest()).toContainEqual([r.id, 1])
  })

  it('needs the villages (online once), one of them, a head name and an address', async () => {
    const device = await openDevice(indexedDB, 'rasoat-found-refused')
    const input = { headName: 'Lê Thị Mơ', address: 'Kiệt 3', village: 'v-a' }
    expect(await addFoundHousehold(device, null, input)).toEqual({ ok: false, code: 'found/no-places' })
    expect(await addFoundHousehold(device, places, { ...input, village: 'v-other' })).toEqual({
      ok: false,
      code: 'found/unknown-village',
    })
    expect(await addFoundHousehold(device, places, { ...input, headName: '  ' })).toEqual({
      ok: false,
      code: 'found/head-name',
    })
    expect(await addFoundHousehold(device, places, { ...input, address: '' })).toEqual({
      ok: false,
      code: 'found/address',
    })
    expect(device.index.all()).toEqual([])
  })
})
