// A household's updates refused after failing commits leave nothing behind: not in the database, not in the resident
// Y.Doc (rebuilt from stored bytes) — even while an earlier, committed update of it still waits for its WAL sync.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { DeviceReplica, householdUpdate } from '../test-support/household-fixture.ts'
import { createDocStore, type DocStore } from './doc-store.ts'
import { createHouseholdWriter, type Committed, type SubmitResult } from './household-writer.ts'

let dir: string
let db: Db
let store: DocStore
const alice = { userId: 'u-alice', deviceId: 'd-alice' }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-refusal-'))
  db = openDb(join(dir, 'test.db'))
  migrate(db, migrations)
  store = createDocStore(db)
  db.transaction(() =>
    store.createHousehold(
      { id: 'h1', period: '2025', unitCode: '19900', villageId: 'v1' },
      householdUpdate({ id: 'h1', headName: 'Lê Văn Tám' }),
      'seed',
    ),
  )()
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const committed = (r: SubmitResult): Promise<Committed> => {
  if (r.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(r)}`)
  return r.committed
}
const residentAddress = () => new HouseholdDoc(store.openDoc('h1')!).read().household.address
const storedAddress = () => {
  const d = new Y.Doc()
  Y.applyUpdate(d, store.readState('h1')!)
  return new HouseholdDoc(d).read().household.address
}

it('refused updates are in neither the database nor the resident doc; the same update is stored when sent again', async () => {
  let poisoned = true
  let openSync: () => void = () => {}
  let gated = true
  const writer = createHouseholdWriter(db, store, {
    retryMs: 1,
    maxAttempts: 2,
    // The first update's WAL sync waits for the test; later syncs pass at once.
    sync: () => (gated ? new Promise<void>((ok) => (openSync = ok)) : Promise.resolve()),
    beforeCommit: (ids) => {
      if (poisoned && ids.length === 1 && ids[0] === 'h1' && store.head('h1') === 2)
        throw new Error('disk I/O error (simulated)')
    },
  })
  const device = new DeviceReplica(91_001)
  device.apply(store.readState('h1')!)

  device.setAddress('Số 1 committed')
  const first = committed(writer.submit('h1', device.take(), alice)) // commits; its sync is held open (doc pinned)
  await new Promise<void>((ok) => {
    const check = () => (store.head('h1') === 2 ? ok() : setImmediate(check))
    check()
  })
  device.setAddress('Số 2 refused')
  const refusedUpdate = device.take()
  await expect(committed(writer.submit('h1', refusedUpdate, alice))).rejects.toThrow('disk I/O error')
  expect(storedAddress()).toBe('Số 1 committed')
  expect(residentAddress()).toBe('Số 1 committed') // rebuilt although the first update still pins the household

  gated = false
  openSync()
  expect((await first).serverSeq).toBe(2)
  poisoned = false
  const again = await committed(writer.submit('h1', refusedUpdate, alice))
  expect(again).toMatchObject({ serverSeq: 3 })
  expect(again.update).not.toBeNull() // stored now, not taken for a duplicate
  expect(storedAddress()).toBe('Số 2 refused')
  await writer.close()
})
