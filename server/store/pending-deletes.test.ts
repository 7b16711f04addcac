// An update whose delete set names items the server does not have yet must not be parked in the resident Y.Doc
// (Yjs keeps it as pendingDs and applies it to whatever arrives later, past the layout checks). Real SQLite file.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { DeviceReplica, householdUpdate } from '../test-support/household-fixture.ts'
import { createDocStore, type DocStore } from './doc-store.ts'
import { createHouseholdWriter, type HouseholdWriter, type SubmitResult } from './household-writer.ts'

let dir: string
let db: Db
let store: DocStore
let writer: HouseholdWriter

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-pending-ds-'))
  db = openDb(join(dir, 'test.db'))
  migrate(db, migrations)
  store = createDocStore(db)
  // A long window keeps the first update uncommitted (its doc pinned) while the second arrives.
  writer = createHouseholdWriter(db, store, { windowMs: 200 })
  db.transaction(() =>
    store.createHousehold(
      { id: 'h1', period: '2025', unitCode: '19900', villageId: 'v1' },
      householdUpdate({ id: 'h1', headName: 'Nguyễn Văn A' }),
      'seed',
    ),
  )()
})

afterEach(async () => {
  await writer.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A V1 update with no structs and one delete range. */
function deleteOnly(client: number, clock: number, len: number): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 0) // no struct groups
  encoding.writeVarUint(enc, 1) // one client in the delete set
  encoding.writeVarUint(enc, client)
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint(enc, clock)
  encoding.writeVarUint(enc, len)
  return encoding.toUint8Array(enc)
}

function accepted(r: SubmitResult): Promise<unknown> {
  if (r.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(r)}`)
  return r.committed
}

describe('delete sets ahead of the server state', () => {
  it('I-DS1: a deletion of items the server lacks is refused as resync and never deletes what its owner writes later', async () => {
    const alice = new DeviceReplica(40_001)
    alice.apply(store.readState('h1')!)
    alice.setAddress('first')
    const first = accepted(writer.submit('h1', alice.take(), { userId: 'u-alice', deviceId: 'd-alice' }))
    // Bob names alice's next clocks (which the server has not seen) in a delete set.
    const aheadClock = Y.getState(alice.doc.store, 40_001)
    expect(writer.submit('h1', deleteOnly(40_001, aheadClock, 1), { userId: 'u-bob', deviceId: 'd-bob' })).toEqual({
      kind: 'resync',
    })
    await first
    alice.setAddress('second')
    await accepted(writer.submit('h1', alice.take(), { userId: 'u-alice', deviceId: 'd-alice' }))
    const stored = new DeviceReplica()
    stored.apply(store.readState('h1')!)
    expect(stored.household.read().household.address).toBe('second')
  })
})
