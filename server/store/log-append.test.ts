// A commit's log rows go into doc_log in multi-row INSERTs (up to 64 rows each): every row of every batch size
// lands whole and in order, on a real SQLite file, and a batch with one bad row stores none of them. Readers find each
// household's rows, whatever the batches (on SQLite through its chain: log-chain.test.ts).
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { Db } from '../db/open.ts'
import { openLogStore, type LogStore } from '../test-support/log-store.ts'
import type { DocStore, LogRow } from './doc-store.ts'
import { householdLog } from './household-log.ts'

let db: Db
let store: DocStore
let opened: LogStore
const HOUSEHOLDS = ['h1', 'h2', 'h3']

beforeEach(() => {
  opened = openLogStore(HOUSEHOLDS)
  ;({ db, store } = opened)
})

afterEach(() => opened.close())

interface Stored {
  household_id: string
  seq: number
  update: Uint8Array
  user_id: string
  device_id: string
  client_ids: string
  received_at: number
  writes: string | null
}

const stored = (): Stored[] =>
  db
    .prepare(
      `SELECT household_id, seq, "update", user_id, device_id, client_ids, received_at, writes FROM doc_log
       ORDER BY household_id, seq`,
    )
    .all() as Stored[]

/** A household's rows as readers find them (on SQLite through its chain), in seq order. */
const throughChain = (householdId: string): Stored[] =>
  db
    .prepare(
      `SELECT household_id, seq, "update", user_id, device_id, client_ids, received_at, writes
       FROM ${householdLog(db, '?')} l ORDER BY seq`,
    )
    .all(householdId) as Stored[]

const asStored = (r: LogRow): Stored => ({
  household_id: r.householdId,
  seq: r.seq,
  update: Buffer.from(r.update),
  user_id: r.userId,
  device_id: r.deviceId,
  client_ids: JSON.stringify(r.clientIds),
  received_at: r.receivedAt,
  writes: r.writes ?? null,
})

it('stores every row of batches of 1 to 150 rows, each column as given', () => {
  const seqs = new Map(HOUSEHOLDS.map((h) => [h, 1]))
  const all: LogRow[] = []
  let n = 0
  for (const size of [1, 3, 4, 5, 16, 21, 64, 65, 86, 150]) {
    const batch: LogRow[] = []
    for (let i = 0; i < size; i++) {
      const householdId = HOUSEHOLDS[(n + i) % HOUSEHOLDS.length]!
      const seq = seqs.get(householdId)! + 1
      seqs.set(householdId, seq)
      batch.push({
        householdId,
        seq,
        update: Uint8Array.from([n % 251, i % 251, size]),
        userId: `u-${i % 7}`,
        deviceId: `d-${i % 5}`,
        clientIds: i % 3 === 0 ? [1000 + i] : [],
        receivedAt: 1_700_000_000_000 + n,
        writes: i % 2 === 0 ? `[["dwelling.floorAreaM2","${n}",1,${i}]]` : null,
      })
    }
    n += size
    db.transaction(() => store.appendLog(batch))()
    all.push(...batch)
    const expected = all.map(asStored).sort((a, b) => a.household_id.localeCompare(b.household_id) || a.seq - b.seq)
    expect(stored()).toEqual(expected)
    for (const h of HOUSEHOLDS) expect(throughChain(h)).toEqual(expected.filter((r) => r.household_id === h))
  }
  expect(all).toHaveLength(415)
})

it('a batch with one row that cannot be stored stores none of its rows', () => {
  const row = (seq: number): LogRow => ({
    householdId: 'h1',
    seq,
    update: Uint8Array.from([seq]),
    userId: 'u',
    deviceId: 'd',
    clientIds: [],
    receivedAt: 0,
  })
  db.transaction(() => store.appendLog([row(2)]))()
  // 70 rows (64 + 6): the last one has no update, which the log refuses.
  const batch = [...Array.from({ length: 69 }, (_, i) => row(i + 3)), { ...row(72), update: null as never }]
  expect(() => db.transaction(() => store.appendLog(batch))()).toThrow(/NOT NULL|null value/i)
  expect(stored().map((r) => r.seq)).toEqual([2])
  expect(store.rowsAfter('h1', 0).map((r) => r.seq)).toEqual([2])
})
