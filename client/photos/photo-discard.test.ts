// Removing a photo from a record before it was uploaded takes it out of the phone's outbox (fake-indexeddb); an
// uploaded photo, or the same bytes stored for another household, stays.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { PhotoStore } from './photo-store.ts'

const jpeg = (n: number) => new Blob([new Uint8Array([0xff, 0xd8, 0xff, n, 1, 2, 3])], { type: 'image/jpeg' })

describe('PhotoStore.discard', () => {
  it('deletes a pending photo of the household and stops it being uploaded', async () => {
    const store = new PhotoStore(new IDBFactory())
    const { sha256 } = await store.add(jpeg(1), { householdId: 'h1', kind: 'house' })
    expect(await store.pendingCount()).toBe(1)
    expect(await store.discard(sha256, 'h1')).toBe(true)
    expect(await store.get(sha256)).toBeUndefined()
    expect(await store.pendingCount()).toBe(0)
  })

  it('keeps an uploaded photo, and one stored for another household', async () => {
    const store = new PhotoStore(new IDBFactory())
    const a = await store.add(jpeg(2), { householdId: 'h1', kind: 'house' })
    await store.markUploaded(a.sha256)
    expect(await store.discard(a.sha256, 'h1')).toBe(false)
    expect((await store.get(a.sha256))?.state).toBe('uploaded')
    const b = await store.add(jpeg(3), { householdId: 'h2', kind: 'house' })
    expect(await store.discard(b.sha256, 'h1')).toBe(false)
    expect(await store.get(b.sha256)).toBeDefined()
    expect(await store.discard('f'.repeat(64), 'h1')).toBe(false)
  })
})
