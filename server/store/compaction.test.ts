// Compaction of a household's log into its snapshot, on a real SQLite file: from the resident Y.Doc when it holds exactly
// what is stored, rebuilt from snapshot + log otherwise — the stored state is the same either way.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { DeviceReplica, householdUpdate } from '../test-support/household-fixture.ts'
import { COMPACT_BYTES, COMPACT_ROWS, createDocStore, type DocStore } from './doc-store.ts'
import {
  COMPACTION_CHECK_EVERY,
  createHouseholdWriter,
  type HouseholdWriter,
  type SubmitResult,
} from './household-writer.ts'

let dir: string
let db: Db
let store: DocStore
let writer: HouseholdWriter
const alice = { userId: 'u-alice', deviceId: 'd-alice' }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-compaction-'))
  db = openDb(join(dir, 'test.db'))
  migrate(db, migrations)
  store = createDocStore(db, { cacheSize: 4, compactRows: 10 })
  writer = createHouseholdWriter(db, store)
  db.transaction(() =>
    store.createHousehold(
      { id: 'h1', period: '2025', unitCode: '19900', villageId: 'v1' },
      householdUpdate({ id: 'h1', headName: 'Trần Thị Hoa' }),
      'seed',
    ),
  )()
})

afterEach(async () => {
  await writer.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

async function edit(r: DeviceReplica, address: string): Promise<number> {
  r.setAddress(address)
  const s: SubmitResult = writer.submit('h1', r.take(), alice)
  if (s.kind !== 'accepted') throw new Error(JSON.stringify(s))
  return (await s.committed).serverSeq
}

const logRows = (): number =>
  db.prepare('SELECT count(*) FROM doc_log WHERE household_id = ?').pluck().get('h1') as number
const archived = (): number =>
  db.prepare('SELECT count(*) FROM doc_log_archive WHERE household_id = ?').pluck().get('h1') as number
const storedAddress = (): string => {
  const d = new Y.Doc()
  Y.applyUpdate(d, store.readState('h1')!)
  return new HouseholdDoc(d).read().household.address
}
const snapshotSeq = (): number =>
  db.prepare('SELECT snapshot_seq FROM doc_state WHERE household_id = ?').pluck().get('h1') as number

it('the writer compacts from the resident doc: snapshot at the head, log archived, state and V2 snapshot as stored', async () => {
  const r = new DeviceReplica(7001)
  r.apply(store.readState('h1')!)
  let seq = 0
  for (let i = 1; i <= 24; i++) seq = await edit(r, `${i} Lê Lợi`)
  await writer.flush()
  expect(snapshotSeq()).toBe(16) // checked on every 8th seq: at 16 the log holds 15 rows (more than 10)
  expect(logRows()).toBe(seq - 16)
  expect(archived()).toBe(16) // the creation state (seq 1) and every compacted row
  expect(storedAddress()).toBe('24 Lê Lợi')
  const v2 = new Y.Doc()
  Y.applyUpdateV2(
    v2,
    db.prepare('SELECT snapshot_v2 FROM doc_snapshot WHERE household_id = ?').pluck().get('h1') as Uint8Array,
  )
  expect(new HouseholdDoc(v2).read().household.address).toBe('15 Lê Lợi')
  expect(Y.encodeStateVector(r.doc)).toEqual(Y.encodeStateVector(store.openDoc('h1')!))
})

it('a resident doc that is not at the stored head (an edit not committed) is not encoded: the snapshot is rebuilt from stored bytes', async () => {
  const r = new DeviceReplica(7002)
  r.apply(store.readState('h1')!)
  const seq = await edit(r, 'committed street')
  const doc = store.openDoc('h1')!
  new HouseholdDoc(doc).setField('address', 'never committed') // held only in memory
  store.compact('h1', { doc, seq: seq - 1 })
  expect(snapshotSeq()).toBe(seq)
  expect(logRows()).toBe(0)
  expect(storedAddress()).toBe('committed street')
  store.evict('h1')
})

it('a resident doc at the stored head is what the snapshot stores', async () => {
  const r = new DeviceReplica(7003)
  r.apply(store.readState('h1')!)
  const seq = await edit(r, 'from the resident doc')
  const doc = store.openDoc('h1')!
  store.compact('h1', { doc, seq })
  expect(snapshotSeq()).toBe(seq)
  expect(storedAddress()).toBe('from the resident doc')
  expect(Y.encodeStateAsUpdate(doc)).toEqual(new Uint8Array(store.readState('h1')!))
})

describe('thresholds by log size', () => {
  /** The store and writer as the server builds them (default thresholds). */
  beforeEach(async () => {
    await writer.close()
    store = createDocStore(db)
    writer = createHouseholdWriter(db, store)
  })
  const sizes = (): { rows: number; bytes: number; snapshot: number } =>
    db
      .prepare(
        `SELECT (SELECT count(*) FROM doc_log l WHERE l.household_id = s.household_id) AS rows,
                (SELECT coalesce(sum(length(l."update")), 0) FROM doc_log l WHERE l.household_id = s.household_id) AS bytes,
                length(s.snapshot) AS snapshot
         FROM doc_snapshot s WHERE s.household_id = ?`,
      )
      .get('h1') as { rows: number; bytes: number; snapshot: number }

  it('60 small edits of a small household are not compacted (the log is far below COMPACT_BYTES and COMPACT_ROWS)', async () => {
    const r = new DeviceReplica(7004)
    r.apply(store.readState('h1')!)
    for (let i = 1; i <= 60; i++) await edit(r, `${i} Hùng Vương`)
    await writer.flush()
    expect(snapshotSeq()).toBe(1)
    expect(logRows()).toBe(60)
    expect(storedAddress()).toBe('60 Hùng Vương')
  })

  it('the log stays bounded: rows ≤ COMPACT_ROWS + COMPACTION_CHECK_EVERY, bytes ≤ max(snapshot, COMPACT_BYTES) + COMPACTION_CHECK_EVERY updates', async () => {
    const r = new DeviceReplica(7005)
    r.apply(store.readState('h1')!)
    let largest = 0
    const submitAll = async (addresses: string[]): Promise<void> => {
      let last: Promise<unknown> = Promise.resolve()
      for (const a of addresses) {
        r.setAddress(a)
        const u = r.take()
        largest = Math.max(largest, u.length)
        const s = writer.submit('h1', u, alice)
        if (s.kind !== 'accepted') throw new Error(JSON.stringify(s))
        last = s.committed
      }
      await last
      await writer.flush()
      const z = sizes()
      expect(z.rows).toBeLessThanOrEqual(COMPACT_ROWS + COMPACTION_CHECK_EVERY)
      expect(z.bytes).toBeLessThanOrEqual(Math.max(z.snapshot, COMPACT_BYTES) + COMPACTION_CHECK_EVERY * largest)
    }
    // Large values: the byte bound compacts long before the row bound.
    for (let round = 0; round < 10; round++)
      await submitAll(Array.from({ length: 8 }, (_, i) => `${round}.${i} ${'Lê Lợi '.repeat(60)}`))
    expect(snapshotSeq()).toBeGreaterThan(1)
    // Small values: the row bound.
    for (let round = 0; round < 10; round++)
      await submitAll(Array.from({ length: 40 }, (_, i) => `${round}.${i} Lê Lợi`))
    expect(archived()).toBeGreaterThan(COMPACT_ROWS)
    expect(storedAddress()).toBe('9.39 Lê Lợi')
  })
})

describe('the compaction check of a relay alone on its database', () => {
  const row = (seq: number, bytes: number) => ({
    householdId: 'h1',
    seq,
    update: new Uint8Array(bytes),
    userId: 'u-alice',
    deviceId: 'd-alice',
    clientIds: [],
    receivedAt: seq,
  })

  it.each([
    ['rows', { compactRows: 10, compactBytes: 1_000_000 }],
    ['bytes', { compactRows: 1_000, compactBytes: 4_000 }],
  ])(
    'answers as a count of the stored log would (%s deciding), through appends, rolled-back appends and compactions',
    (_by, limits) => {
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              fc.record({
                kind: fc.constant('append' as const),
                sizes: fc.array(fc.nat(900), { minLength: 1, maxLength: 6 }),
              }),
              fc.record({ kind: fc.constant('rolledBack' as const), bytes: fc.nat(900) }),
              fc.constant({ kind: 'check' as const }),
              fc.constant({ kind: 'compact' as const }),
            ),
            { minLength: 1, maxLength: 40 },
          ),
          (ops) => {
            const alone = createDocStore(db, { cacheSize: 4, ...limits })
            // Several relays on one database count in SQL every time: the reference.
            const counted = createDocStore(db, { cacheSize: 4, ...limits, shared: true })
            let seq = db.prepare("SELECT server_seq FROM households WHERE id = 'h1'").pluck().get() as number
            let overCounted = false // an append rolled back since the last count (compaction counts again)
            for (const op of ops) {
              if (op.kind === 'append') {
                db.transaction(() => {
                  alone.appendLog(op.sizes.map((n) => row(++seq, n + 2)))
                  db.prepare("UPDATE households SET server_seq = ? WHERE id = 'h1'").run(seq)
                })()
              } else if (op.kind === 'rolledBack') {
                overCounted = true
                expect(() =>
                  db.transaction(() => {
                    alone.appendLog([row(seq + 1, op.bytes + 2)])
                    throw new Error('the commit failed')
                  })(),
                ).toThrow('the commit failed')
              } else if (op.kind === 'compact') {
                alone.compact('h1')
                overCounted = false
              }
              const due = counted.needsCompaction('h1')
              const answer = alone.needsCompaction('h1')
              // Never later than the count; earlier only after an append that was rolled back.
              if (due || !overCounted) expect(answer).toBe(due)
            }
          },
        ),
        { numRuns: 60 },
      )
    },
  )

  it('counts its own appends without asking the database again (rows written behind its back are not seen)', () => {
    const alone = createDocStore(db, { cacheSize: 4, compactRows: 10 })
    const counted = createDocStore(db, { cacheSize: 4, compactRows: 10, shared: true })
    expect(alone.needsCompaction('h1')).toBe(false) // counted once here
    // Another store on the same database (another relay's) appends 11 rows.
    db.transaction(() => counted.appendLog(Array.from({ length: 11 }, (_, i) => row(i + 2, 2))))()
    expect(counted.needsCompaction('h1')).toBe(true)
    expect(alone.needsCompaction('h1')).toBe(false)
    db.transaction(() => alone.appendLog([row(13, 2)]))()
    expect(alone.needsCompaction('h1')).toBe(false) // 1 row of its own since the count
  })
})
