// Device storage with a real IndexedDB implementation (fake-indexeddb): documents, summary rows, outbox and inbox.
import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { DeviceSyncStore } from './device-sync-store.ts'
import { HouseholdIndex } from './household-index.ts'
import { readDocUpdates } from './doc-files.ts'
import { HouseholdStore, type OpenedHousehold } from './household-store.ts'
import { openSummaryDb, SummaryDb } from './summary-db.ts'

let n = 0
async function device() {
  const summary = new SummaryDb(await openSummaryDb(indexedDB, `rasoat-test-${++n}`))
  const index = new HouseholdIndex(await summary.allHouseholds())
  const notified: string[] = []
  const outboxListeners = new Set<() => void>()
  const writeErrors: unknown[] = []
  const store = new HouseholdStore({
    summary,
    index,
    idb: indexedDB,
    onOutbox: (id) => {
      notified.push(id)
      for (const l of outboxListeners) l()
    },
    onWriteError: (e) => writeErrors.push(e),
  })
  /** Resolves at the next outbox commit. */
  const nextOutbox = () =>
    new Promise<void>((resolve) => {
      const l = () => {
        outboxListeners.delete(l)
        resolve()
      }
      outboxListeners.add(l)
    })
  return { summary, index, store, sync: new DeviceSyncStore(summary, index, store), notified, nextOutbox, writeErrors }
}

/** From now on outbox writes fail as IndexedDB does when storage is full, until `free()`. */
function fillOutbox(summary: SummaryDb): { free(): void } {
  const append = summary.appendOutbox.bind(summary)
  let full = true
  summary.appendOutbox = (entries, now) =>
    full ? Promise.reject(new DOMException('full', 'QuotaExceededError')) : append(entries, now)
  return { free: () => (full = false) }
}

/**
 * From now on every transaction that writes to any IndexedDB database is refused as Chromium refuses it when storage
 * is full: its requests succeed, then it aborts with QuotaExceededError where it would commit. Reads still work. Until
 * `free()`. (Hooks fake-indexeddb's transaction loop, `_start`, which commits once no request is pending.)
 */
function fillStorage(): { free(): void } {
  interface FakeTransaction {
    _refused?: boolean
    _state: string
    _requests: { request: { readyState: string } }[]
    _start(): void
    _abort(name: string): void
  }
  const stores = IDBObjectStore.prototype
  const transactions = IDBTransaction.prototype as unknown as FakeTransaction
  const original = { put: stores.put, add: stores.add, start: transactions._start }
  const refusing = <F extends (...args: never[]) => IDBRequest>(write: F) =>
    function (this: IDBObjectStore, ...args: Parameters<F>): IDBRequest {
      ;(this.transaction as unknown as FakeTransaction)._refused = true
      return write.apply(this, args)
    }
  stores.put = refusing(original.put)
  stores.add = refusing(original.add)
  transactions._start = function (this: FakeTransaction) {
    const committing = this._state !== 'finished' && this._requests.every((r) => r.request.readyState === 'done')
    if (this._refused && committing) this._abort('QuotaExceededError')
    else original.start.call(this)
  }
  return {
    free: () => {
      stores.put = original.put
      stores.add = original.add
      transactions._start = original.start
    },
  }
}

/** What the household's y-indexeddb store holds, read as a fresh document (what a reopened page would load). */
async function storedDoc(id: string): Promise<HouseholdDoc> {
  const doc = new Y.Doc()
  for (const u of await readDocUpdates(indexedDB, id)) Y.applyUpdate(doc, u)
  return new HouseholdDoc(doc)
}

function serverHousehold(id: string, headName: string): Uint8Array {
  const doc = HouseholdDoc.create(
    {
      id,
      period: '2025',
      unit: '19900',
      village: 'Thôn Đông',
      address: '12 Lê Lợi',
      members: [
        {
          id: 'm1',
          personalId: '046085001234',
          fullName: headName,
          sex: 'male',
          birthDate: '1985-02-01',
          relation: 'head',
          ethnicity: 'Kinh',
          ableToWork: true,
          employment: 'self_employed',
          disability: false,
          monthlySocialAllowance: false,
          healthInsurance: true,
          studying: false,
          education: 'upper_secondary',
          schoolOnTrack: null,
          malnourished: null,
        },
      ],
    },
    { clientId: 1 },
  )
  return Y.encodeStateAsUpdate(doc.ydoc)
}

describe('household storage on the device', () => {
  it('a remote household lands in the inbox and its summary row is computed without opening it', async () => {
    const d = await device()
    await d.sync.addHouseholds(['h1'])
    await d.sync.persistRemote([{ householdId: 'h1', update: serverHousehold('h1', 'Nguyễn Hữu Phong') }])
    await d.sync.setHeads([['h1', 3]])
    await d.store.settled()
    const row = d.index.get('h1')
    expect(row).toMatchObject({
      headName: 'Nguyễn Hữu Phong',
      village: 'Thôn Đông',
      serverSeq: 3,
      dirty: false,
      known: true,
    })
    expect(row?.searchText).toContain('nguyen huu phong')
    expect(row?.searchText).toContain('046085001234')
    expect(row?.category).not.toBeNull()
    expect(await d.sync.manifest()).toEqual([['h1', 3]])
  })

  it('a bootstrap STATE (V2) of a household opened while the batch is being stored reaches the open document', async () => {
    const d = await device()
    await d.sync.addHouseholds(['h9'])
    const v2 = Y.convertUpdateFormatV1ToV2(serverHousehold('h9', 'Lê Văn Tám'))
    // The batch is read into its list row while the household is closed; it opens before the batch is stored.
    const store = d.summary.appendInboxWithSummaries.bind(d.summary)
    let opening: Promise<OpenedHousehold> | null = null
    d.summary.appendInboxWithSummaries = async (entries, derived) => {
      opening = d.store.openHousehold('h9')
      await opening
      return store(entries, derived)
    }
    await d.sync.persistRemote([{ householdId: 'h9', update: v2, v2: true }])
    const opened = await opening!
    expect(opened.household.read().household.members[0]?.fullName).toBe('Lê Văn Tám')
    await opened.close()
    const reopened = await d.store.openHousehold('h9')
    expect(reopened.household.read().household.address).toBe('12 Lê Lợi')
    await reopened.close()
  })

  it('a bootstrap STATE read from inside a larger BATCH buffer is stored as its own bytes, not the whole buffer', async () => {
    const d = await device()
    await d.sync.addHouseholds(['h10'])
    const v2 = Y.convertUpdateFormatV1ToV2(serverHousehold('h10', 'Phan Văn Mười'))
    const batch = new Uint8Array(v2.length + 100_000)
    batch.set(v2, 50_000)
    await d.sync.persistRemote([{ householdId: 'h10', update: batch.subarray(50_000, 50_000 + v2.length), v2: true }])
    const rows = await new Promise<{ update: Uint8Array }[]>((resolve, reject) => {
      const r = d.summary.db.transaction('inbox').objectStore('inbox').getAll()
      r.onsuccess = () => resolve(r.result as { update: Uint8Array }[])
      r.onerror = () => reject(r.error)
    })
    expect(rows.map((r) => r.update.buffer.byteLength)).toEqual([v2.length])
  })

  it('local edits reach the strict outbox in one batch, survive reopening, and an ACK clears them', async () => {
    const d = await device()
    await d.sync.persistRemote([{ householdId: 'h2', update: serverHousehold('h2', 'Trần Thị Lan') }])
    const opened = await d.store.openHousehold('h2')
    expect(opened.household.read().household.address).toBe('12 Lê Lợi')
    opened.household.setField('address', '14 Lê Lợi')
    opened.household.setField('village', 'Thôn Tây')
    await d.store.flush()
    expect(d.notified).toEqual(['h2'])
    expect(d.index.get('h2')).toMatchObject({ dirty: true, unsyncedCount: 1 })
    expect(await d.sync.pendingHouseholds()).toEqual(['h2'])
    await opened.close()
    expect(d.index.get('h2')?.address).toBe('14 Lê Lợi')
    expect(await d.summary.inboxOf('h2')).toEqual([])

    const again = await d.store.openHousehold('h2')
    expect(again.household.read().household.village).toBe('Thôn Tây')
    await again.close()

    const out = await d.sync.nextOutgoing('h2', 256 * 1024)
    expect(out?.seqs.length).toBe(1)
    const peer = new Y.Doc()
    Y.applyUpdate(peer, serverHousehold('h2', 'Trần Thị Lan'))
    Y.applyUpdate(peer, out!.update)
    expect(new HouseholdDoc(peer).read().household.address).toBe('14 Lê Lợi')
    await d.sync.setHeads([['h2', 8]])
    await d.sync.acked('h2', out!.seqs, 9)
    expect(d.index.get('h2')).toMatchObject({ dirty: false, unsyncedCount: 0, serverSeq: 9 })
    // an ACK that skips a serverSeq (another device's update not received yet) does not claim we hold it
    await d.sync.acked('h2', [], 11)
    expect(d.index.get('h2')?.serverSeq).toBe(9)
    expect(await d.sync.pendingHouseholds()).toEqual([])
  })

  it('a remote update to an open household shows at once and is not echoed to the outbox', async () => {
    const d = await device()
    const base = serverHousehold('h3', 'Lê Văn Tám')
    await d.sync.persistRemote([{ householdId: 'h3', update: base }])
    const opened = await d.store.openHousehold('h3')
    const peer = new Y.Doc()
    Y.applyUpdate(peer, base)
    const sv = Y.encodeStateVector(peer)
    new HouseholdDoc(peer).setField('address', '99 Trần Phú')
    await d.sync.persistRemote([{ householdId: 'h3', update: Y.encodeStateAsUpdate(peer, sv) }])
    expect(opened.household.read().household.address).toBe('99 Trần Phú')
    await d.store.flush()
    expect(await d.summary.outboxOf('h3')).toEqual([])
    await opened.close()
    // the state vector now covers the peer's edit, so a step1 asks only for what is new
    expect(await d.sync.stateVector('h3')).toEqual(Y.encodeStateVector(peer))
  })

  it('a household that left the scope is kept while it holds unsynced edits', async () => {
    const d = await device()
    await d.sync.persistRemote([{ householdId: 'h4', update: serverHousehold('h4', 'Phan Văn A') }])
    await d.sync.persistRemote([{ householdId: 'h5', update: serverHousehold('h5', 'Phan Văn B') }])
    await d.store.settled()
    const o = await d.store.openHousehold('h4')
    o.household.setField('address', 'x')
    await o.close()
    await d.sync.removeHouseholds(['h4', 'h5'])
    expect(d.index.get('h4')).toMatchObject({ removed: true, dirty: true })
    expect(d.index.get('h5')).toBeUndefined()
  })

  it('remote updates of a household that stays closed are merged in the inbox, and the content is kept', async () => {
    const d = await device()
    const base = serverHousehold('h6', 'Đỗ Thị Mai')
    await d.sync.persistRemote([{ householdId: 'h6', update: base }])
    const peer = new Y.Doc()
    Y.applyUpdate(peer, base)
    for (let i = 0; i < 20; i++) {
      const sv = Y.encodeStateVector(peer)
      new HouseholdDoc(peer).setField('address', `${i} Hùng Vương`)
      await d.sync.persistRemote([{ householdId: 'h6', update: Y.encodeStateAsUpdate(peer, sv) }])
    }
    await d.store.settled()
    // Rows are merged once more than 16 wait (on a summary refresh, whose timing varies): 20 arrived, at most 16 stay.
    expect((await d.summary.inboxOf('h6')).length).toBeLessThanOrEqual(16)
    expect(d.index.get('h6')?.address).toBe('19 Hùng Vương')
    const o = await d.store.openHousehold('h6')
    expect(o.household.read().household.address).toBe('19 Hùng Vương')
    await o.close()
    expect(await d.summary.inboxOf('h6')).toEqual([])
  })

  it('an open conflict note becomes settled (no name yet) once the server writes the field; a later notice names who', async () => {
    const d = await device()
    const initial = serverHousehold('h9', 'Lê Văn Đức')
    await d.sync.persistRemote([{ householdId: 'h9', update: initial }])
    await d.store.settled()
    const open = {
      type: 'conflict' as const,
      householdId: 'h9',
      conflictId: '5',
      path: 'address',
      candidates: [
        { value: '1 A', clientId: 500, userId: 'u1' },
        { value: '2 A', clientId: 501, userId: 'u2' },
      ],
      kept: '2 A',
    }
    await d.sync.conflict(open)
    const server = HouseholdDoc.load(initial, { clientId: 1 })
    const before = Y.encodeStateVector(server.ydoc)
    server.setField('address', '3 A')
    await d.sync.persistRemote([{ householdId: 'h9', update: Y.encodeStateAsUpdate(server.ydoc, before) }])
    await d.store.settled()
    expect(d.index.get('h9')?.conflicts).toMatchObject([
      { conflictId: '5', settled: { status: 'resolved', by: '', value: '3 A' } },
    ])
    await d.sync.conflict({ ...open, settled: { status: 'resolved', by: 'Trần An', value: '3 A', at: 7 } })
    expect(d.index.get('h9')?.conflicts).toMatchObject([{ conflictId: '5', settled: { by: 'Trần An' } }])
  })

  it('a local edit is written to the outbox by the task that made it, with no timer involved', async () => {
    const d = await device()
    await d.sync.persistRemote([{ householdId: 'h10', update: serverHousehold('h10', 'Võ Văn Hai') }])
    const opened = await d.store.openHousehold('h10')
    // Timers frozen: a write that waited for a batching timer would never happen.
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] })
    try {
      const written = d.nextOutbox()
      opened.household.setField('address', '7 Nguyễn Huệ')
      opened.household.setField('village', 'Thôn Nam')
      await written
    } finally {
      vi.useRealTimers()
    }
    const outbox = await d.summary.outboxOf('h10')
    expect(outbox).toHaveLength(1)
    expect((await storedDoc('h10')).read().household.address).toBe('7 Nguyễn Huệ')
    await opened.close()
  })

  it('a local edit reaches the document store only after the outbox: a refused outbox write leaves neither', async () => {
    const d = await device()
    await d.sync.persistRemote([{ householdId: 'h11', update: serverHousehold('h11', 'Hồ Thị Ba') }])
    const opened = await d.store.openHousehold('h11')
    const full = fillOutbox(d.summary)
    opened.household.setField('address', '9 Lý Thường Kiệt')
    await vi.waitUntil(() => d.writeErrors.length > 0)
    // The page could die now: the phone holds the edit nowhere, so it never keeps an edit it would not send.
    expect(await d.summary.outboxOf('h11')).toEqual([])
    expect((await storedDoc('h11')).read().household.address).toBe('12 Lê Lợi')
    expect(d.store.unflushedOf('h11')).toBe(1)
    // Space again: the kept edit is written to both, outbox first.
    full.free()
    await d.store.flush()
    expect(await d.summary.outboxOf('h11')).toHaveLength(1)
    expect((await storedDoc('h11')).read().household.address).toBe('9 Lý Thường Kiệt')
    expect(d.store.unflushedOf('h11')).toBe(0)
    await opened.close()
  })

  it('y-indexeddb merges its stored updates only once no local edit is on its way to the outbox', async () => {
    const d = await device()
    const base = serverHousehold('h12', 'Lê Thị Hoa')
    await d.sync.persistRemote([{ householdId: 'h12', update: base }])
    const opened = await d.store.openHousehold('h12')
    const full = fillOutbox(d.summary)
    opened.household.setField('address', '3 Đống Đa')
    await vi.waitUntil(() => d.writeErrors.length > 0)
    // 520 remote updates: past y-indexeddb's 500, after which it merges everything into the whole doc's state.
    const peer = new Y.Doc()
    Y.applyUpdate(peer, base)
    for (let i = 0; i < 520; i++) {
      const sv = Y.encodeStateVector(peer)
      new HouseholdDoc(peer).setField('village', `Thôn ${i}`)
      await d.sync.persistRemote([{ householdId: 'h12', update: Y.encodeStateAsUpdate(peer, sv) }])
    }
    // Two retries of the refused write later (2 s apart) the merge, due a second after the 500th update, has waited.
    const seen = d.writeErrors.length
    await vi.waitUntil(() => d.writeErrors.length >= seen + 2, { timeout: 30_000, interval: 100 })
    const stored = (await storedDoc('h12')).read().household
    expect(stored.village).toBe('Thôn 519')
    expect(stored.address).toBe('12 Lê Lợi')
    full.free()
    await d.store.flush()
    expect((await storedDoc('h12')).read().household.address).toBe('3 Đống Đa')
    await opened.close()
  }, 60_000)

  it('with storage full a household opened before opens (nothing needs writing); one never opened is refused whole', async () => {
    const d = await device()
    await d.sync.addHouseholds(['h13', 'h14'])
    await d.sync.persistRemote([
      { householdId: 'h13', update: serverHousehold('h13', 'Trần Văn Hải') },
      { householdId: 'h14', update: serverHousehold('h14', 'Ngô Thị Lan') },
    ])
    await d.store.settled()
    const before = await d.store.openHousehold('h13')
    await before.close()
    expect(d.index.get('h13')?.hasDocStore).toBe(true)

    const full = fillStorage()
    try {
      const opened = await d.store.openHousehold('h13')
      expect(opened.household.read().household.members[0]?.fullName).toBe('Trần Văn Hải')
      // Never opened: its document store cannot be recorded, so the open fails with the storage's error, leaving
      // nothing open that a later attempt would reuse.
      await expect(d.store.openHousehold('h14')).rejects.toMatchObject({ name: 'QuotaExceededError' })
      expect(d.index.get('h14')?.hasDocStore).toBe(false)
    } finally {
      full.free()
    }
    const again = await d.store.openHousehold('h14')
    expect(again.household.read().household.members[0]?.fullName).toBe('Ngô Thị Lan')
    expect(d.index.get('h14')?.hasDocStore).toBe(true)
    await again.close()
  })
})
