// Two relays' writers on ONE SQLite file (two connections, as two processes have): the second committer takes in what
// the first committed, numbers after the committed head and records a same-field concurrent edit as exactly one conflict.
// With the fan-out's announcements (othersCommitted), a resident doc is checked without reading the database unless it
// missed one; an update checked against a doc that had not yet taken in another relay's lock is refused in the commit.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { DeviceReplica, householdUpdate, PATH } from '../test-support/household-fixture.ts'
import { createDocStore, type DocStore } from './doc-store.ts'
import { createHouseholdWriter, type Committed, type HouseholdWriter, type SubmitResult } from './household-writer.ts'

interface Relay {
  db: Db
  store: DocStore
  writer: HouseholdWriter
}

let dir: string
let a: Relay
let b: Relay
/** Whether relay A's fan-out delivers other relays' commits now (its `announced` option). */
let live = false
const alice = { userId: 'u-alice', deviceId: 'd-alice' }
const bob = { userId: 'u-bob', deviceId: 'd-bob' }

function relay(file: string, announced?: () => boolean): Relay {
  const db = openDb(file)
  const store = createDocStore(db, { shared: true })
  // A long window: the test decides when each relay commits (flush).
  const writer = createHouseholdWriter(db, store, {
    shared: true,
    walSync: false,
    windowMs: 60_000,
    ...(announced ? { announced } : {}),
  })
  return { db, store, writer }
}

/** Counts the reads of rows committed after a doc's head (the query a check makes when its doc may be behind). */
function countReads(r: Relay): () => number {
  let n = 0
  const read = r.store.rowsAfter.bind(r.store)
  r.store.rowsAfter = (householdId, seq) => {
    n++
    return read(householdId, seq)
  }
  return () => n
}

async function commit(r: Relay, replica: DeviceReplica, author: typeof alice): Promise<Committed> {
  const done = accepted(r.writer.submit('h1', replica.take(), author))
  await r.writer.flush()
  return done
}

function accepted(r: SubmitResult): Promise<Committed> {
  if (r.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(r)}`)
  return r.committed
}

function replicaOf(r: Relay, clientId: number): DeviceReplica {
  const replica = new DeviceReplica(clientId)
  replica.apply(r.store.readState('h1')!)
  return replica
}

const conflictsOf = (db: Db): { path: string; candidates_json: string }[] =>
  db.prepare(`SELECT path, candidates_json FROM conflicts WHERE household_id = 'h1'`).all() as {
    path: string
    candidates_json: string
  }[]

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-catch-up-'))
  const file = join(dir, 'rasoat.db')
  const seed = openDb(file)
  migrate(seed, migrations)
  createDocStore(seed).createHousehold(
    { id: 'h1', period: '2025', unitCode: '19900', villageId: 'v1' },
    householdUpdate({ id: 'h1', headName: 'Nguyễn Văn Một' }),
    'seed',
  )
  seed.close()
  live = false
  a = relay(file, () => live)
  b = relay(file)
})

afterEach(async () => {
  for (const r of [a, b]) {
    await r.writer.close()
    r.db.close()
  }
  rmSync(dir, { recursive: true, force: true })
})

it('an update checked on relay A before B committed is numbered after B and is one conflict with B (inside the commit)', async () => {
  const onA = replicaOf(a, 5001)
  const onB = replicaOf(b, 5002)
  onA.setAddress('12 Lê Lợi')
  onB.setAddress('34 Trần Hưng Đạo')
  // Both relays hold the household resident at seq 1 and accept their device's edit; B commits first.
  const fromA = accepted(a.writer.submit('h1', onA.take(), alice))
  const fromB = accepted(b.writer.submit('h1', onB.take(), bob))
  await b.writer.flush()
  expect((await fromB).serverSeq).toBe(2)
  await a.writer.flush()
  const committedA = await fromA
  expect(committedA.serverSeq).toBe(3) // never 2 again
  expect(committedA.conflicts.map((c) => c.path)).toEqual([PATH.address])
  expect(conflictsOf(a.db)).toHaveLength(1)
  expect(JSON.parse(conflictsOf(a.db)[0]!.candidates_json)).toHaveLength(2)
  expect(a.db.prepare(`SELECT seq FROM doc_log WHERE household_id = 'h1' ORDER BY seq`).pluck().all()).toEqual([2, 3])
  // A's resident doc took in B's row: it equals what is stored, and the summary row shows the kept value.
  const stored = a.store.readState('h1')!
  const resident = a.store.resident('h1')!
  expect(Y.encodeStateVector(resident)).toEqual(Y.encodeStateVectorFromUpdate(stored))
  const kept = new DeviceReplica()
  kept.apply(stored)
  expect(a.db.prepare(`SELECT server_seq FROM households WHERE id = 'h1'`).pluck().get()).toBe(3)
  expect(committedA.conflicts[0]!.kept).toBe(kept.address())
})

it('an update arriving on relay A after B committed is checked against B’s row (resident doc reloaded): one conflict', async () => {
  const onA = replicaOf(a, 5001)
  const onB = replicaOf(b, 5002)
  a.store.openDoc('h1') // resident on A at seq 1
  onB.setAddress('34 Trần Hưng Đạo')
  const fromB = accepted(b.writer.submit('h1', onB.take(), bob))
  await b.writer.flush()
  expect((await fromB).serverSeq).toBe(2)
  onA.setAddress('12 Lê Lợi') // A's phone never saw B's value
  const fromA = accepted(a.writer.submit('h1', onA.take(), alice))
  await a.writer.flush()
  const committedA = await fromA
  expect(committedA.serverSeq).toBe(3)
  expect(committedA.conflicts).toHaveLength(1)
  expect(conflictsOf(a.db)).toHaveLength(1)
  // And a phone on A asking for what it lacks gets B's edit, not A's stale resident copy.
  const fresh = new DeviceReplica()
  fresh.apply(a.store.diff('h1', new Uint8Array([0]))!)
  expect(Y.encodeStateVector(fresh.doc)).toEqual(Y.encodeStateVectorFromUpdate(b.store.readState('h1')!))
})

it('a sequential edit on A after seeing B’s edit is no conflict, and both relays keep numbering the same log', async () => {
  for (let i = 0; i < 6; i++) {
    const [writer, author] = i % 2 === 0 ? [b, bob] : [a, alice]
    const clientId = 6000 + i
    const replica = replicaOf(writer, clientId)
    replica.setAddress(`Số ${i}`)
    const done = accepted(writer.writer.submit('h1', replica.take(), author))
    await writer.writer.flush()
    expect((await done).serverSeq).toBe(i + 2)
  }
  expect(conflictsOf(a.db)).toHaveLength(0)
  const last = new DeviceReplica()
  last.apply(a.store.readState('h1')!)
  expect(last.address()).toBe('Số 5')
})

it('a client id bound to another user by the other relay meanwhile is refused, never stored under the wrong user', async () => {
  await a.writer.close()
  a = {
    ...a,
    writer: createHouseholdWriter(a.db, a.store, { shared: true, walSync: false, windowMs: 60_000, maxAttempts: 1 }),
  }
  const onA = replicaOf(a, 7777)
  const onB = replicaOf(b, 7777)
  onA.setAddress('12 Lê Lợi')
  onB.setAddress('34 Trần Hưng Đạo')
  const fromA = accepted(a.writer.submit('h1', onA.take(), alice)) // claims 7777 for alice on A
  const fromB = accepted(b.writer.submit('h1', onB.take(), bob)) // and for bob on B, which commits first
  await b.writer.flush()
  await fromB
  await a.writer.flush().catch(() => {})
  await expect(fromA).rejects.toMatchObject({ code: 'sync/client-id-taken' })
  expect(a.db.prepare('SELECT user_id FROM client_ids WHERE client_id = 7777').pluck().get()).toBe(bob.userId)
  expect(a.db.prepare(`SELECT count(*) FROM doc_log WHERE household_id = 'h1'`).pluck().get()).toBe(1)
  // Alice's next update under 7777 is refused at once.
  onA.setAddress('56 Lê Lợi')
  expect(a.writer.submit('h1', onA.take(), alice)).toMatchObject({ kind: 'rejected', code: 'sync/client-id-taken' })
})

it('a resident doc takes in what the other relay committed in place before a check, and its summary row stays exact', async () => {
  const onA = replicaOf(a, 7001)
  const onB = replicaOf(b, 7002)
  const commit = async (r: Relay, replica: DeviceReplica, author: typeof alice): Promise<number> => {
    const done = accepted(r.writer.submit('h1', replica.take(), author))
    await r.writer.flush()
    return (await done).serverSeq
  }
  const row = () =>
    a.db.prepare(`SELECT head_name AS headName, address, server_seq AS seq FROM households WHERE id = 'h1'`).get()
  onA.setAddress('12 Lê Lợi')
  expect(await commit(a, onA, alice)).toBe(2) // A keeps a summary snapshot and the values it wrote
  const resident = a.store.resident('h1')!
  // B changes the address, and A's phone, having seen it, puts back the value A last wrote: the row must follow.
  onB.apply(b.store.readState('h1')!)
  onB.setAddress('34 Trần Hưng Đạo')
  expect(await commit(b, onB, bob)).toBe(3)
  onA.apply(b.store.readState('h1')!)
  onA.setAddress('12 Lê Lợi')
  expect(await commit(a, onA, alice)).toBe(4)
  expect(a.store.resident('h1')).toBe(resident) // caught up in place, not reloaded
  expect(row()).toEqual({ headName: 'Nguyễn Văn Một', address: '12 Lê Lợi', seq: 4 })
  // B renames the head, a root A's next update does not write: A's summary must still show it.
  onB.apply(a.store.readState('h1')!)
  onB.setHeadName(onB.household.read().household.members[0]!.id, 'Trần Thị Lan')
  expect(await commit(b, onB, bob)).toBe(5)
  onA.setRoofDurable(false) // the dwelling: refreshed in place in A's snapshot, the members not read again
  expect(await commit(a, onA, alice)).toBe(6)
  expect(a.store.resident('h1')).toBe(resident)
  expect(row()).toEqual({ headName: 'Trần Thị Lan', address: '12 Lê Lợi', seq: 6 })
  expect(Y.encodeStateVector(resident)).toEqual(Y.encodeStateVectorFromUpdate(a.store.readState('h1')!))
})

it('with announcements, a doc that missed none is checked without a read; the next row announced is taken in place', async () => {
  live = true
  const onA = replicaOf(a, 8001)
  const onB = replicaOf(b, 8002)
  onA.setAddress('1 Lê Lợi')
  expect((await commit(a, onA, alice)).serverSeq).toBe(2) // loaded by this check: current from now on
  const resident = a.store.resident('h1')!
  const reads = countReads(a)
  onA.setAddress('2 Lê Lợi')
  expect((await commit(a, onA, alice)).serverSeq).toBe(3)
  expect(reads()).toBe(0)
  // B commits; its fan-out message reaches A, which takes the row in without asking the database.
  onB.apply(b.store.readState('h1')!)
  onB.setAddress('3 Trần Phú')
  const fromB = await commit(b, onB, bob)
  expect(fromB.serverSeq).toBe(4)
  a.writer.othersCommitted('h1', fromB.serverSeq, fromB.update!)
  expect(Y.encodeStateVector(resident)).toEqual(Y.encodeStateVectorFromUpdate(a.store.readState('h1')!))
  // A's phone saw B's edit: a sequential edit, no conflict, numbered after B's, still without a read.
  onA.apply(fromB.update!)
  onA.setAddress('4 Lê Lợi')
  const next = await commit(a, onA, alice)
  expect(next).toMatchObject({ serverSeq: 5, conflicts: [] })
  expect(reads()).toBe(0)
  expect(a.store.resident('h1')).toBe(resident)
  expect(a.db.prepare(`SELECT address, server_seq AS seq FROM households WHERE id = 'h1'`).get()).toEqual({
    address: '4 Lê Lợi',
    seq: 5,
  })
  expect(conflictsOf(a.db)).toHaveLength(0)
})

it('a skipped announcement, a reconnect of the fan-out or a fan-out that is down makes the next check read', async () => {
  live = true
  const onA = replicaOf(a, 8101)
  const onB = replicaOf(b, 8102)
  onA.setAddress('1 Lê Lợi')
  await commit(a, onA, alice) // seq 2, A current
  const reads = countReads(a)
  const viaB = async (address: string): Promise<Committed> => {
    onB.apply(b.store.readState('h1')!)
    onB.setAddress(address)
    return commit(b, onB, bob)
  }
  await viaB('3 Trần Phú') // seq 3: its message never reaches A
  const fourth = await viaB('4 Trần Phú')
  a.writer.othersCommitted('h1', fourth.serverSeq, fourth.update!) // not the next row: A reads before its next check
  onA.apply(b.store.readState('h1')!)
  onA.setAddress('5 Lê Lợi')
  expect((await commit(a, onA, alice)).serverSeq).toBe(5)
  expect(reads()).toBe(1)
  expect(conflictsOf(a.db)).toHaveLength(0) // A's doc held B's rows before the check: a sequential edit
  onA.setAddress('6 Lê Lợi')
  await commit(a, onA, alice)
  expect(reads()).toBe(1) // current again
  a.writer.othersUnknown() // the fan-out reconnected: messages may have been lost
  onA.setAddress('7 Lê Lợi')
  await commit(a, onA, alice)
  expect(reads()).toBe(2)
  onA.setAddress('8 Lê Lợi')
  await commit(a, onA, alice)
  expect(reads()).toBe(2)
  live = false // the fan-out is down: every check reads
  for (const address of ['9 Lê Lợi', '10 Lê Lợi']) {
    onA.setAddress(address)
    await commit(a, onA, alice)
  }
  expect(reads()).toBe(4)
})

it('an update checked before another relay’s lock reached its doc is refused in the commit: nothing of it is stored', async () => {
  live = true
  a.store.createHousehold(
    { id: 'h2', period: '2025', unitCode: '19900', villageId: 'v1' },
    householdUpdate({ id: 'h2', headName: 'Phan Văn Hai' }),
    'seed',
  )
  const onA = replicaOf(a, 8201)
  onA.setAddress('1 Lê Lợi')
  await commit(a, onA, alice) // seq 2, A current
  // A supervisor's review on relay B locks the record; its announcement has not reached A.
  const lock = b.writer.serverEdit('h1', 'u-sup', (doc) => {
    for (const to of ['assigned', 'in_progress', 'submitted'] as const) {
      const moved = doc.changeStatus(to, { by: 'u-sup' })
      if (!moved.ok) return moved
    }
    return doc.verify({ id: 'u-sup' })
  })
  if (lock.kind !== 'accepted') throw new Error(JSON.stringify(lock))
  await b.writer.flush()
  expect((await lock.committed).serverSeq).toBe(3)
  const reads = countReads(a)
  onA.setAddress('2 Lê Lợi') // accepted by the first check (A's doc still says in progress)
  const refused = accepted(a.writer.submit('h1', onA.take(), alice))
  const other = new DeviceReplica(8202)
  other.apply(a.store.readState('h2')!)
  other.setAddress('9 Hùng Vương')
  const inSameCommit = accepted(a.writer.submit('h2', other.take(), alice))
  expect(reads()).toBe(0)
  await a.writer.flush()
  await expect(refused).rejects.toMatchObject({ name: 'RefusedInCommit', code: 'sync/record-locked' })
  expect((await inSameCommit).serverSeq).toBe(2)
  expect(a.db.prepare(`SELECT seq FROM doc_log WHERE household_id = 'h1' ORDER BY seq`).pluck().all()).toEqual([2, 3])
  expect(a.db.prepare(`SELECT address, status FROM households WHERE id = 'h1'`).get()).toEqual({
    address: '1 Lê Lợi',
    status: 'verified',
  })
  expect(a.writer.health().stalled).toBe(false) // a refusal, not a failing database
  // A's next copy of the household is what is stored: the refused edit is not in it. The phone's next update builds on
  // the refused one (resync), and what it then sends, its whole state, is refused at the first check.
  const stored = new DeviceReplica()
  stored.apply(a.store.readState('h1')!)
  expect(stored.address()).toBe('1 Lê Lợi')
  onA.setAddress('3 Lê Lợi')
  expect(a.writer.submit('h1', onA.take(), alice)).toEqual({ kind: 'resync' })
  expect(a.writer.submit('h1', Y.encodeStateAsUpdate(onA.doc), alice)).toMatchObject({
    kind: 'rejected',
    code: 'sync/record-locked',
  })
})
