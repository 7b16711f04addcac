// A relay's hub with a shared fan-out: a commit message whose server_seq skips one makes the hub read the missing rows
// from the database first; a repeated one is not delivered twice; catchUp() brings held households to the committed head.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { createDocStore, type DocStore } from '../store/doc-store.ts'
import { createHouseholdWriter, type HouseholdWriter } from '../store/household-writer.ts'
import { DeviceReplica, householdUpdate } from '../test-support/household-fixture.ts'
import type { Fanout, FanoutListener, FanoutMessage } from './fanout.ts'
import { createHub, type Hub, type Subscriber } from './hub.ts'

let dir: string
let db: Db
let store: DocStore
let writer: HouseholdWriter
let hub: Hub
/** What the other relays' messages would be: the test decides which ones arrive. */
let listener: FanoutListener
const received: number[] = []
/** How many times the hub told its relay that messages may have been lost. */
let resyncs = 0

const holder: Subscriber = {
  user: { id: 'u-peer', username: 'dung', role: 'enumerator', unitCode: null, displayName: 'Dũng' },
  committed: (_id, _update, serverSeq) => void received.push(serverSeq),
  conflict: () => {},
}

const bus: Fanout = {
  relayId: 'relay-b',
  shared: true,
  publish: () => {},
  listen(l) {
    listener = l
    return () => {}
  },
  close: async () => {},
}

/** Commits an edit of h1 as another relay would (same database) and returns the message it would publish. */
async function commitElsewhere(address: string): Promise<FanoutMessage> {
  const r = new DeviceReplica()
  r.apply(store.readState('h1')!)
  r.setAddress(address)
  const result = writer.submit('h1', r.take(), { userId: 'u-an', deviceId: 'd-an' })
  if (result.kind !== 'accepted') throw new Error(JSON.stringify(result))
  const c = await result.committed
  return { kind: 'commit', relay: 'relay-a', householdId: 'h1', serverSeq: c.serverSeq, update: c.update! }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-hub-gap-'))
  db = openDb(join(dir, 'rasoat.db'))
  migrate(db, migrations)
  store = createDocStore(db)
  store.createHousehold(
    { id: 'h1', period: '2025', unitCode: '19900', villageId: 'v1' },
    householdUpdate({ id: 'h1', headName: 'Lê Thị Hai' }),
    'seed',
  )
  writer = createHouseholdWriter(db, store, { walSync: false, windowMs: 0 })
  resyncs = 0
  hub = createHub({ fanout: bus, rows: store, onResync: () => resyncs++ })
  hub.subscribe('h1', holder) // holds the household as stored: seq 1
  received.length = 0
})

afterEach(async () => {
  hub.close()
  await writer.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

it('a message for seq 3 when seq 2 was never heard delivers 2 from the database, then 3; a repeat of 3 is dropped', async () => {
  await commitElsewhere('Số 2') // its message is lost
  const third = await commitElsewhere('Số 3')
  listener.message(third)
  expect(received).toEqual([2, 3])
  listener.message(third)
  expect(received).toEqual([2, 3])
})

it('catchUp after a reconnect delivers every committed row the holders have not had', async () => {
  await commitElsewhere('Số 2')
  await commitElsewhere('Số 3')
  listener.resync()
  expect(received).toEqual([2, 3])
  expect(resyncs).toBe(1) // the relay's writer reads its resident docs again (othersUnknown)
  expect(hub.catchUp()).toBe(0) // nothing left
})
