// The phone's conflict notes (summary database, fake-indexeddb): a settled CONFLICT notice replaces the open note, the
// household no longer counts as in conflict, and the note goes once the enumerator has seen it.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { openDevice } from '../app/device.ts'
import type { ConflictMessage } from '../../shared/sync/messages.ts'
import { openConflicts } from './summary-db.ts'

const open: ConflictMessage = {
  type: 'conflict',
  householdId: 'h1',
  conflictId: '7',
  path: 'dwelling.floorAreaM2',
  candidates: [
    { value: 50, clientId: 100, userId: 'u1' },
    { value: 25, clientId: 101, userId: 'u2' },
  ],
  kept: 25,
}

describe('conflict notes on the phone', () => {
  it('open → settled (who, value) → seen', async () => {
    const device = await openDevice(indexedDB, 'rasoat-conflict-notes')
    await device.syncStore.conflict(open)
    expect(openConflicts(device.index.get('h1')!)).toHaveLength(1)
    await device.syncStore.conflict({ ...open, settled: { status: 'resolved', by: 'Trần An', value: 50, at: 9 } })
    const row = device.index.get('h1')!
    expect(openConflicts(row)).toEqual([])
    expect(row.conflicts).toMatchObject([
      { conflictId: '7', settled: { status: 'resolved', by: 'Trần An', value: 50 } },
    ])
    await device.syncStore.conflictSeen('h1', '7')
    expect(device.index.get('h1')!.conflicts).toEqual([])
    expect((await device.summary.household('h1'))!.conflicts).toEqual([])
  })

  it('seeing an open conflict does not remove it (only settled notes can be dismissed by the enumerator)', async () => {
    const device = await openDevice(indexedDB, 'rasoat-conflict-notes-2')
    await device.syncStore.conflict(open)
    await device.syncStore.conflictSeen('h1', '7')
    expect(openConflicts(device.index.get('h1')!)).toHaveLength(1)
  })

  it('a settlement of a conflict the phone has no note of (already seen, or never known) adds nothing', async () => {
    const device = await openDevice(indexedDB, 'rasoat-conflict-notes-3')
    await device.syncStore.conflict({ ...open, settled: { status: 'dismissed', by: 'Trần An', value: null, at: 9 } })
    expect(device.index.get('h1')?.conflicts ?? []).toEqual([])
  })
})
