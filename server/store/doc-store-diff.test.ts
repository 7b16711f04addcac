// A step1 answer (DocStore.diff) is the stored state whether the household's Y.Doc is resident or not, and never holds
// an update still waiting for its commit. Real SQLite file, real write path.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { DeviceReplica, householdUpdate } from '../test-support/household-fixture.ts'
import { createDocStore, type DocStore } from './doc-store.ts'
import { createHouseholdWriter, type HouseholdWriter } from './household-writer.ts'

let dir: string
let db: Db
let store: DocStore
let writer: HouseholdWriter
const author = { userId: 'u-an', deviceId: 'd-an' }
const EMPTY_SV = Y.encodeStateVector(new Y.Doc())

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-diff-'))
  db = openDb(join(dir, 'test.db'))
  migrate(db, migrations)
  store = createDocStore(db)
  writer = createHouseholdWriter(db, store, { walSync: false })
  db.transaction(() =>
    store.createHousehold(
      { id: 'h1', period: '2025', unitCode: '19900', villageId: 'v1' },
      householdUpdate({ id: 'h1', headName: 'Nguyễn Văn h1' }),
      'seed',
    ),
  )()
})

afterEach(async () => {
  await writer.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The address a device would hold after applying `diff` on top of what it had (`base`). */
function addressAfter(base: Uint8Array[], diff: Uint8Array): string {
  const r = new DeviceReplica()
  for (const u of base) r.apply(u)
  r.apply(diff)
  return r.address()
}

it('a step1 is answered with the stored state from the resident doc, and without an update that is not committed yet', async () => {
  const device = new DeviceReplica(70_001)
  device.apply(store.readState('h1')!)
  const seen = device.stateVector()
  device.setAddress('Số 1 Lê Lợi')
  const first = writer.submit('h1', device.take(), author)
  if (first.kind !== 'accepted') throw new Error(first.kind)
  // Not committed yet: the resident doc holds the update, the answer must not.
  expect(addressAfter([], store.diff('h1', EMPTY_SV)!)).not.toBe('Số 1 Lê Lợi')
  await first.committed
  expect(store.residentCount()).toBe(1)
  const fromResident = store.diff('h1', seen)!
  expect(addressAfter([store.readState('h1')!], fromResident)).toBe('Số 1 Lê Lợi')
  expect(addressAfter([], store.diff('h1', EMPTY_SV)!)).toBe('Số 1 Lê Lợi')
  // The same answer as from the stored bytes once the doc is gone.
  store.evict('h1')
  expect(store.residentCount()).toBe(0)
  expect(Y.encodeStateVectorFromUpdate(store.diff('h1', EMPTY_SV)!)).toEqual(
    Y.encodeStateVectorFromUpdate(Y.mergeUpdates([fromResident, store.readState('h1')!])),
  )
})
