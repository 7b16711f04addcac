// Store-level tests of the write path on a real SQLite file: group commit, log + compaction, projections, conflicts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { DeviceReplica, foreignRootUpdate, householdUpdate, PATH } from '../test-support/household-fixture.ts'
import { createConflictStore } from './conflict-store.ts'
import { createDocStore, type DocStore } from './doc-store.ts'
import { createHouseholdWriter, type Committed, type HouseholdWriter, type SubmitResult } from './household-writer.ts'
import { summarise, touchesSummary, writtenKeys } from './household-view.ts'
import { MISSING_PERIOD_RECHECK_MS } from './period-standard-store.ts'

let dir: string
let db: Db
let store: DocStore
let writer: HouseholdWriter

const meta = (id: string) => ({ id, period: '2025', unitCode: '19900', villageId: 'v1' })
const alice = { userId: 'u-alice', deviceId: 'd-alice' }
const bob = { userId: 'u-bob', deviceId: 'd-bob' }

function accepted(r: SubmitResult): Promise<Committed> {
  if (r.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(r)}`)
  return r.committed
}

function replicaOf(id: string, clientId: number): DeviceReplica {
  const r = new DeviceReplica(clientId)
  r.apply(store.readState(id)!)
  return r
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-store-'))
  db = openDb(join(dir, 'test.db'))
  migrate(db, migrations)
  store = createDocStore(db, { cacheSize: 4 })
  writer = createHouseholdWriter(db, store)
  db.transaction(() => {
    for (const id of ['h1', 'h2'])
      store.createHousehold(meta(id), householdUpdate({ id, headName: `Nguyễn Văn ${id}` }), 'seed')
  })()
})

afterEach(async () => {
  await writer.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('doc store', () => {
  it('createHousehold writes doc_state and the summary row (folded search text)', () => {
    const row = db
      .prepare('SELECT head_name, search_text, server_seq, lat, category FROM households WHERE id = ?')
      .get('h1') as Record<string, unknown>
    expect(row.head_name).toBe('Nguyễn Văn h1')
    expect(row.search_text).toContain('nguyen van h1')
    expect(row.server_seq).toBe(1)
    expect(row.lat).toBeCloseTo(16.46)
    expect(store.head('h1')).toBe(1)
  })

  it('diff answers from stored bytes: an up-to-date client gets an empty diff', () => {
    const r = replicaOf('h1', 500)
    const diff = store.diff('h1', r.stateVector())!
    const probe = new Y.Doc()
    Y.applyUpdate(probe, diff)
    expect(probe.store.clients.size).toBe(0)
  })
})

describe('group commit', () => {
  it('stores and fans out an update whose every struct is new as received; of a resend, only what is new', async () => {
    const storedRow = (seq: number): Uint8Array =>
      new Uint8Array(
        db.prepare('SELECT "update" FROM doc_log WHERE household_id = ? AND seq = ?').pluck().get('h1', seq) as Buffer,
      )
    const r = replicaOf('h1', 1001)
    r.setAddress('1 Lê Lợi')
    const first = r.take()
    const c1 = await accepted(writer.submit('h1', first, alice))
    expect(storedRow(c1.serverSeq)).toEqual(first)
    expect(c1.update).toBe(first) // the bytes received, not encoded again by Yjs
    const clockAfterFirst = Y.getState(r.doc.store, 1001)

    // The first edit sent again, merged with a new one (an outbox re-sent after a lost ACK): its known part is neither
    // stored again nor fanned out.
    r.setAddress('2 Lê Lợi')
    const both = Y.mergeUpdates([first, r.take()])
    const c2 = await accepted(writer.submit('h1', both, alice))
    const stored = storedRow(c2.serverSeq)
    expect(stored.length).toBeLessThan(both.length)
    expect(c2.update).toEqual(stored)
    for (const s of Y.decodeUpdate(stored).structs) expect(s.id.clock).toBeGreaterThanOrEqual(clockAfterFirst)

    // One update of many in a larger frame (a BATCH) is kept as its own bytes, not as a view of the whole frame.
    r.setAddress('3 Lê Lợi')
    const third = r.take()
    const frame = new Uint8Array(third.length + 10_000)
    frame.set(third, 5_000)
    const view = frame.subarray(5_000, 5_000 + third.length)
    const c3 = await accepted(writer.submit('h1', view, alice))
    expect(storedRow(c3.serverSeq)).toEqual(third)
    expect(c3.update).toEqual(third)
    expect(c3.update!.buffer.byteLength).toBe(third.length)

    // What is stored rebuilds the household as the device has it.
    const rebuilt = new Y.Doc()
    Y.applyUpdate(rebuilt, store.readState('h1')!)
    expect(new HouseholdDoc(rebuilt).read().household.address).toBe('3 Lê Lợi')
    expect(Y.encodeStateVector(rebuilt)).toEqual(Y.encodeStateVector(r.doc))
  })

  it('acknowledges with increasing serverSeq only after commit; log + history + summary written', async () => {
    const r = replicaOf('h1', 1001)
    r.setAddress('12 Trần Hưng Đạo')
    const a = writer.submit('h1', r.take(), alice)
    r.setAddress('14 Trần Hưng Đạo')
    const b = writer.submit('h1', r.take(), alice)
    const [ca, cb] = await Promise.all([accepted(a), accepted(b)])
    expect([ca.serverSeq, cb.serverSeq]).toEqual([2, 3])
    expect(db.prepare('SELECT count(*) FROM doc_log WHERE household_id = ?').pluck().get('h1')).toBe(2)
    expect(db.prepare('SELECT address, server_seq, last_editor FROM households WHERE id = ?').get('h1')).toEqual({
      address: '14 Trần Hưng Đạo',
      server_seq: 3,
      last_editor: 'u-alice',
    })
    const hist = db
      .prepare(
        'SELECT value_json, user_id FROM field_writes WHERE household_id = ? AND path = ? AND server_seq > 1 ORDER BY server_seq',
      )
      .all('h1', PATH.address)
    expect(hist).toEqual([
      { value_json: '"12 Trần Hưng Đạo"', user_id: 'u-alice' },
      { value_json: '"14 Trần Hưng Đạo"', user_id: 'u-alice' },
    ])
    expect(db.prepare('SELECT user_id FROM client_ids WHERE client_id = 1001').pluck().get()).toBe('u-alice')
  })

  it('a failed commit keeps the update in memory and acks only after the retry commits', async () => {
    let failures = 2
    await writer.close()
    writer = createHouseholdWriter(db, store, {
      beforeCommit: () => {
        if (failures-- > 0) throw new Error('disk full (simulated)')
      },
    })
    const r = replicaOf('h2', 1002)
    r.setAddress('retry street')
    const c = await accepted(writer.submit('h2', r.take(), alice))
    expect(c.serverSeq).toBe(2)
    expect(writer.stats().failures).toBe(2)
    expect(db.prepare('SELECT address FROM households WHERE id = ?').pluck().get('h2')).toBe('retry street')
  })

  it('a duplicate update is acknowledged with the current serverSeq and not logged again', async () => {
    const r = replicaOf('h1', 1003)
    r.setAddress('once')
    const u = r.take()
    expect((await accepted(writer.submit('h1', u, alice))).serverSeq).toBe(2)
    const again = await accepted(writer.submit('h1', u, alice))
    expect(again).toMatchObject({ serverSeq: 2, update: null })
    expect(db.prepare('SELECT count(*) FROM doc_log').pluck().get()).toBe(1)
  })

  it('flush() and close() return only after the compaction their commits scheduled has run (none runs on a closed database)', async () => {
    const small = createDocStore(db, { cacheSize: 4, compactRows: 4 })
    const w = createHouseholdWriter(db, small)
    const r = new DeviceReplica(1005)
    r.apply(small.readState('h2')!)
    for (let i = 2; i <= 8; i++) {
      r.setAddress(`lane ${i}`)
      await accepted(w.submit('h2', r.take(), alice)) // seq 8 schedules a compaction check
    }
    await w.close()
    const st = db
      .prepare(
        'SELECT snapshot_seq, (SELECT count(*) FROM doc_log l WHERE l.household_id = d.household_id) AS log_rows FROM doc_state d WHERE household_id = ?',
      )
      .get('h2')
    expect(st).toEqual({ snapshot_seq: 8, log_rows: 0 })
  })

  it('compaction folds the log into a gc-ed snapshot and archives the rows', async () => {
    const r = replicaOf('h1', 1004)
    for (let i = 0; i < 60; i++) {
      r.setAddress(`street ${i} ${'Lê Lợi '.repeat(60)}`) // ≈ 500 bytes each: past COMPACT_BYTES within 40 edits
      await accepted(writer.submit('h1', r.take(), alice))
    }
    await writer.flush() // returns once the compaction the commits scheduled has run
    const st = db
      .prepare(
        `SELECT d.snapshot_seq, h.server_seq, (SELECT count(*) FROM doc_log l WHERE l.household_id = d.household_id) AS log_rows
         FROM doc_state d JOIN households h ON h.id = d.household_id WHERE d.household_id = ?`,
      )
      .get('h1') as { snapshot_seq: number; server_seq: number; log_rows: number }
    expect(st.server_seq).toBe(61)
    expect(st.snapshot_seq).toBeGreaterThan(1)
    expect(st.log_rows).toBeLessThanOrEqual(50)
    const archived = db
      .prepare('SELECT count(*) FROM doc_log_archive WHERE household_id = ?')
      .pluck()
      .get('h1') as number
    expect(archived + st.log_rows).toBe(61) // creation (archived at the first compaction) + 60 updates: the audit trail is whole
    const probe = new Y.Doc()
    Y.applyUpdate(probe, store.readState('h1')!)
    expect(new HouseholdDoc(probe).read().household.address).toMatch(/^street 59 /)
  })
})

describe('residency', () => {
  it('keeps at most cacheSize Y.Docs resident while answering every household from stored bytes', async () => {
    db.transaction(() => {
      for (let i = 3; i <= 8; i++)
        store.createHousehold(meta(`h${i}`), householdUpdate({ id: `h${i}`, headName: `H ${i}` }), 'seed')
    })()
    for (let i = 1; i <= 8; i++) {
      const r = replicaOf(`h${i}`, 5000 + i)
      r.setAddress(`resident ${i}`)
      await accepted(writer.submit(`h${i}`, r.take(), alice))
    }
    expect(store.residentCount()).toBeLessThanOrEqual(4)
    const probe = new Y.Doc()
    Y.applyUpdate(probe, store.readState('h1')!)
    expect(new HouseholdDoc(probe).read().household.address).toBe('resident 1')
  })

  it('a household loaded only to find nothing new (a stock client step2, a resend) or a refusal is not kept resident', async () => {
    // A stock y-websocket client answers the relay's step1 with everything it holds: nothing the server lacks.
    const phone = new Y.Doc()
    Y.applyUpdate(phone, store.readState('h2')!)
    expect(store.resident('h2')).toBeUndefined()
    expect(await accepted(writer.submit('h2', Y.encodeStateAsUpdate(phone), alice))).toMatchObject({ update: null })
    expect(store.resident('h2')).toBeUndefined()
    expect(writer.submit('h2', foreignRootUpdate(), alice)).toMatchObject({ kind: 'rejected' })
    expect(store.resident('h2')).toBeUndefined()
    // An update with something new keeps its household resident, waiting for its commit and after it.
    const r = replicaOf('h1', 5101)
    r.setAddress('kept')
    const u = r.take()
    const committed = accepted(writer.submit('h1', u, alice))
    expect(store.resident('h1')).toBeDefined()
    expect(await committed).toMatchObject({ serverSeq: 2 })
    expect(store.resident('h1')).toBeDefined()
    // A resend to a resident household leaves it so.
    expect(await accepted(writer.submit('h1', u, alice))).toMatchObject({ serverSeq: 2, update: null })
    expect(store.resident('h1')).toBeDefined()
  })

  it('refuses with sync/overloaded instead of queueing without bound while commits fail', async () => {
    await writer.close()
    const failing = createHouseholdWriter(db, store, {
      maxPending: 1,
      beforeCommit: () => {
        throw new Error('disk gone (simulated)')
      },
    })
    const r = replicaOf('h1', 6001)
    r.setAddress('first')
    expect(failing.submit('h1', r.take(), alice).kind).toBe('accepted')
    r.setAddress('second')
    expect(failing.submit('h1', r.take(), alice)).toMatchObject({ kind: 'rejected', code: 'sync/overloaded' })
    await expect(failing.close()).rejects.toThrow('disk gone') // nothing acknowledged; retries stop
    writer = createHouseholdWriter(db, store)
  })
})

describe('checks', () => {
  it('refuses a foreign root (layout), garbage (invalid-update) and a client id bound to another user', async () => {
    expect(writer.submit('h1', foreignRootUpdate(), alice)).toMatchObject({
      kind: 'rejected',
      code: 'sync/layout-violation',
    })
    expect(writer.submit('h1', new Uint8Array([1, 2, 3, 250, 251]), alice)).toMatchObject({
      kind: 'rejected',
      code: 'sync/invalid-update',
    })
    const r = replicaOf('h1', 2001)
    r.setAddress('alice')
    await accepted(writer.submit('h1', r.take(), alice))
    r.setAddress('bob pretending')
    expect(writer.submit('h1', r.take(), bob)).toMatchObject({ kind: 'rejected', code: 'sync/client-id-taken' })
    const s = replicaOf('h1', 2002)
    s.doc.clientID = 1 // the reserved server id (set after loading: Yjs would otherwise pick a new one)
    s.setAddress('spoof')
    expect(writer.submit('h1', s.take(), alice)).toMatchObject({ kind: 'rejected', code: 'sync/client-id-taken' })
  })

  it('an update with missing dependencies asks for a resync and stores nothing', async () => {
    const r = replicaOf('h1', 3001)
    r.setAddress('first')
    r.take() // never sent
    r.setAddress('second')
    expect(writer.submit('h1', r.take(), alice)).toEqual({ kind: 'resync' })
    expect(db.prepare('SELECT count(*) FROM doc_log').pluck().get()).toBe(0)
  })
})

describe('conflicts', () => {
  it('concurrent offline edits of one field open exactly one conflict with both candidates; sequential edits do not', async () => {
    const a = replicaOf('h1', 4001)
    const b = replicaOf('h1', 4002)
    a.setAddress('A street')
    b.setAddress('B street')
    const ca = await accepted(writer.submit('h1', a.take(), alice))
    const cb = await accepted(writer.submit('h1', b.take(), bob))
    expect(ca.conflicts).toEqual([])
    expect(cb.conflicts).toHaveLength(1)
    const conflicts = createConflictStore(db).list({ status: 'open' })
    expect(conflicts).toHaveLength(1)
    const c = conflicts[0]!
    expect(c.path).toBe(PATH.address)
    expect(c.candidates.map((x) => [x.value, x.userId, x.deviceId])).toEqual([
      ['A street', 'u-alice', 'd-alice'],
      ['B street', 'u-bob', 'd-bob'],
    ])
    expect(c.base).toBe('h1 đường Lê Lợi')
    expect(c.kept).toBe('B street') // higher client id wins in Yjs
    // sequential: a sees everything, edits again
    a.apply(store.readState('h1')!)
    a.setAddress('A again')
    expect((await accepted(writer.submit('h1', a.take(), alice))).conflicts).toEqual([])
    // server resolution is sequential too
    const res = await accepted(writer.setField('h1', PATH.address, 'A street', 'admin'))
    expect(res.conflicts).toEqual([])
    expect(createConflictStore(db).list({ status: 'open' })).toHaveLength(1)
  })
})

describe('summary projection (only updates that write summarised roots recompute it)', () => {
  const FACT_COLUMNS =
    'deprivation_mask AS deprivationMask, ethnic_minority AS ethnicMinority, meritorious, no_working_capacity AS noWorkingCapacity, social_protection AS socialProtection, farming, causes, member_count AS memberCount'
  const columns =
    'head_name AS headName, address, status, category, deprivation_count AS deprivationCount, lat, lng, accuracy_m AS accuracyM, search_text AS searchText'
  /** The summary row must equal a fresh summarise() of the committed state after every commit. */
  function expectExactSummary(id: string, editor: string, serverSeq: number): void {
    const fresh = new Y.Doc()
    Y.applyUpdate(fresh, store.readState(id)!)
    const row = db.prepare(`SELECT ${columns}, last_editor, server_seq FROM households WHERE id = ?`).get(id) as Record<
      string,
      unknown
    >
    const { last_editor, server_seq, ...summary } = row
    const { locationAt: _at, photoTimes: _photos, facts, ...columnsOnly } = summarise(fresh) // read by the flags, not stored
    expect(summary).toEqual(columnsOnly)
    expect(db.prepare(`SELECT ${FACT_COLUMNS} FROM households WHERE id = ?`).get(id)).toEqual(facts)
    expect({ last_editor, server_seq }).toEqual({ last_editor: editor, server_seq: serverSeq })
  }

  it('touchesSummary: support needs, history, review and meta are not summarised; causes (report facts), photos (visit flags) and anything else or nothing known are', () => {
    expect(touchesSummary(writtenKeys(['supportNeeds.loan', 'review.note', 'meta.schemaVersion', 'history']))).toBe(
      false,
    )
    expect(touchesSummary(writtenKeys(['causes.lack_capital']))).toBe(true)
    expect(touchesSummary(writtenKeys(['supportNeeds.loan', 'dwelling.roofDurable']))).toBe(true)
    expect(touchesSummary(writtenKeys(['address']))).toBe(true)
    expect(touchesSummary(writtenKeys([`photos.${'a'.repeat(64)}.capturedAt`]))).toBe(true)
    expect(touchesSummary(writtenKeys(['workflow.status']))).toBe(true)
    expect(touchesSummary(writtenKeys(['members.m1']))).toBe(true) // an entity map (new member) does not parse: counts as touching
    expect(touchesSummary(writtenKeys([]))).toBe(true)
  })

  it('writtenKeys: the keys written per root, `<member id>.<key>` under members; null when a path does not parse', () => {
    expect(
      writtenKeys(['dwelling.roofDurable', 'dwelling.floorAreaM2', 'farming', 'members.m1.healthInsurance']),
    ).toEqual(
      new Map<string, Set<string>>([
        ['dwelling', new Set(['roofDurable', 'floorAreaM2'])],
        ['fields', new Set(['farming'])],
        ['members', new Set(['m1.healthInsurance'])],
      ]),
    )
    expect(writtenKeys(['dwelling.roofDurable', 'members.m1'])).toBeNull()
    expect(writtenKeys([])).toBeNull()
  })

  it('the row keeps server_seq, last_editor and the category exact per commit, also when a batch mixes both kinds', async () => {
    const r = replicaOf('h1', 1100)
    expect(r.household.setCauses(['lack_capital']).ok).toBe(true)
    await accepted(writer.submit('h1', r.take(), alice))
    expectExactSummary('h1', alice.userId, 2)
    // Same batch: a summarised write (alice) followed by an unsummarised one (bob): the household is recomputed.
    const b = replicaOf('h1', 1101)
    r.setRoofDurable(true)
    const first = accepted(writer.submit('h1', r.take(), alice))
    expect(b.household.setSupportNeeds(['loan']).ok).toBe(true)
    const second = accepted(writer.submit('h1', b.take(), bob))
    await Promise.all([first, second])
    expectExactSummary('h1', bob.userId, 4)
    // A renamed head (summarised) after an unsummarised commit.
    r.setHeadName('h1-m0', 'Trần Thị Lan')
    await accepted(writer.submit('h1', r.take(), alice))
    expectExactSummary('h1', alice.userId, 5)
    expect(db.prepare('SELECT head_name FROM households WHERE id = ?').pluck().get('h1')).toBe('Trần Thị Lan')
    // Indexed columns (location, status) change too, after commits that left them out of the UPDATE.
    expect(
      r.household.setLocation({ lat: 16.47, lng: 107.6, accuracyM: 5, capturedAt: '2025-10-01T08:00:00Z' }).ok,
    ).toBe(true)
    await accepted(writer.submit('h1', r.take(), alice))
    expectExactSummary('h1', alice.userId, 6)
    expect(db.prepare('SELECT lat FROM households WHERE id = ?').pluck().get('h1')).toBeCloseTo(16.47)
  })

  it('a commit that changes no summarised value writes only the per-commit columns, unless the row was rewritten meanwhile', async () => {
    const r = replicaOf('h1', 1300)
    const floor = (m2: number): Promise<Committed> => {
      expect(r.household.setDwelling({ floorAreaM2: m2 }).ok).toBe(true)
      return accepted(writer.submit('h1', r.take(), alice))
    }
    await floor(60)
    expectExactSummary('h1', alice.userId, 2)
    const values = () => db.prepare(`SELECT ${columns} FROM households WHERE id = ?`).get('h1')
    const written = values()
    await floor(61) // no indicator moves: the same values, a new head
    expectExactSummary('h1', alice.userId, 3)
    expect(values()).toEqual(written)
    // b1-reclassify writes the category outside the writer, then tells it: the next commit writes every value again.
    const outside = db.prepare("UPDATE households SET category = 'poor', deprivation_count = 9 WHERE id = 'h1'")
    outside.run()
    writer.summariesRewritten(['h1'])
    await floor(62)
    expectExactSummary('h1', alice.userId, 4)
    // A B1 table loaded (here by another relay, which reclassifies on its side): tables other than those the last
    // summary was computed with are not trusted either.
    outside.run()
    db.prepare(
      `INSERT INTO b1_tables (standard, area_type, version, table_json, loaded_by, loaded_at, active)
       VALUES ('unused', 'urban', '1', '{"standard":"unused","areaType":"urban","version":"1","items":[]}', 'u-admin', 0, 1)`,
    ).run()
    await floor(63)
    expectExactSummary('h1', alice.userId, 5)
  })

  it('several households in one commit that change no summarised value each get their own head and editor', async () => {
    await writer.close()
    writer = createHouseholdWriter(db, store, { windowMs: 60_000, walSync: false }) // commits when flushed
    const edits = [
      { id: 'h1', author: alice, replica: replicaOf('h1', 1400) },
      { id: 'h2', author: bob, replica: replicaOf('h2', 1401) },
    ]
    for (const round of [0, 1]) {
      const done = edits.map(({ id, author, replica }) => {
        expect(replica.household.setSupportNeeds(round === 0 ? ['loan'] : ['housing']).ok).toBe(true)
        return accepted(writer.submit(id, replica.take(), author))
      })
      await writer.flush()
      expect((await Promise.all(done)).map((c) => c.serverSeq)).toEqual([2 + round, 2 + round])
      expect(writer.stats().commits).toBe(round + 1) // both households in one commit
      expectExactSummary('h1', alice.userId, 2 + round)
      expectExactSummary('h2', bob.userId, 2 + round)
    }
    // And several whose summarised values change: a renamed head, a new position (an indexed column).
    const done = edits.map(({ id, author, replica }, i) => {
      replica.setHeadName(`${id}-m0`, `Lê Thị ${id}`)
      if (i === 1)
        expect(
          replica.household.setLocation({ lat: 16.46, lng: 107.59, accuracyM: 8, capturedAt: '2025-10-02T08:00:00Z' })
            .ok,
        ).toBe(true)
      return accepted(writer.submit(id, replica.take(), author))
    })
    await writer.flush()
    expect((await Promise.all(done)).map((c) => c.serverSeq)).toEqual([4, 4])
    expect(writer.stats().commits).toBe(3)
    expectExactSummary('h1', alice.userId, 4)
    expectExactSummary('h2', bob.userId, 4)
    expect(db.prepare('SELECT head_name FROM households WHERE id = ?').pluck().get('h2')).toBe('Lê Thị h2')
  })

  it('a review period missing from the database is asked for again after a while, on the writer clock', async () => {
    let t = 1_000_000
    await writer.close()
    writer = createHouseholdWriter(db, store, { now: () => t })
    const r = replicaOf('h1', 1500)
    const edit = async (m2: number): Promise<void> => {
      expect(r.household.setDwelling({ floorAreaM2: m2 }).ok).toBe(true)
      await accepted(writer.submit('h1', r.take(), alice))
    }
    const category = () =>
      db.prepare('SELECT category, deprivation_count AS n FROM households WHERE id = ?').get('h1') as object
    const expected = (standard?: string) => {
      const fresh = new Y.Doc()
      Y.applyUpdate(fresh, store.readState('h1')!)
      const s = summarise(fresh, undefined, standard ? { '2025': standard } : undefined)
      return { category: s.category, n: s.deprivationCount }
    }
    // An income the two standards' lines classify differently.
    expect(r.household.setIncome({ perCapitaMonthly: 2_500_000 }).ok).toBe(true)
    await edit(50)
    expect(expected('ND351_2027_2030')).not.toEqual(expected())
    expect(category()).toEqual(expected()) // the period '2025' is not in the database: the year picks the standard
    // Opened now (as on another relay) naming another standard: the writer sees it once the recheck is due.
    db.prepare(
      `INSERT INTO periods (id, standard, reference_date, is_current, status) VALUES ('2025', 'ND351_2027_2030', '2025-09-01', 0, 'open')`,
    ).run()
    t += MISSING_PERIOD_RECHECK_MS - 1
    await edit(51)
    expect(category()).toEqual(expected())
    t += 2
    await edit(52)
    expect(category()).toEqual(expected('ND351_2027_2030'))
  })

  it('a move is measured from the position the last commit stored, and remembered until the position changes', async () => {
    const r = replicaOf('h1', 1200)
    const at = (lat: number) => ({ lat, lng: 107.6, accuracyM: 5, capturedAt: '2025-10-01T08:00:00Z' })
    const row = () =>
      db.prepare('SELECT moved_m AS movedM, flags FROM households WHERE id = ?').get('h1') as {
        movedM: number | null
        flags: string
      }
    expect(r.household.setLocation(at(16.47)).ok).toBe(true)
    await accepted(writer.submit('h1', r.take(), alice))
    expect(r.household.setLocation(at(16.471)).ok).toBe(true) // ≈ 111 m north
    await accepted(writer.submit('h1', r.take(), alice))
    expect(row()).toEqual({ movedM: 111, flags: 'moved' })
    r.setRoofDurable(true) // no position change: the distance and the flag stay
    await accepted(writer.submit('h1', r.take(), alice))
    expect(row()).toEqual({ movedM: 111, flags: 'moved' })
    expect(r.household.setLocation(at(16.4711)).ok).toBe(true) // ≈ 11 m from the last stored position, not from the first
    await accepted(writer.submit('h1', r.take(), alice))
    expect(row()).toEqual({ movedM: 11, flags: '' })
    // A writer that starts afresh (no summary in memory) reads the stored position: the same answer.
    await writer.close()
    writer = createHouseholdWriter(db, createDocStore(db, { cacheSize: 4 }))
    const again = replicaOf('h1', 1201)
    expect(again.household.setLocation(at(16.4721)).ok).toBe(true)
    await accepted(writer.submit('h1', again.take(), alice))
    expect(row()).toEqual({ movedM: 111, flags: 'moved' })
  })
})

describe('V2 snapshot at rest (bootstrap STATE, P14)', () => {
  const sameState = (v2: Uint8Array, v1: Uint8Array): void => {
    const a = new Y.Doc()
    Y.applyUpdateV2(a, v2)
    const b = new Y.Doc()
    Y.applyUpdate(b, v1)
    expect(Y.encodeStateVector(a)).toEqual(Y.encodeStateVector(b))
    expect(new HouseholdDoc(a).read()).toEqual(new HouseholdDoc(b).read())
  }

  it('createHousehold stores it; with log rows it is the merged state converted; compaction stores it again', async () => {
    const stored = () =>
      db.prepare('SELECT snapshot_v2 FROM doc_snapshot WHERE household_id = ?').pluck().get('h1') as Uint8Array | null
    expect(stored()).not.toBeNull()
    expect(store.readStateV2('h1')).toEqual(stored())
    sameState(store.readStateV2('h1')!, store.readState('h1')!)
    const r = replicaOf('h1', 1200)
    r.setAddress('V2 street 0')
    await accepted(writer.submit('h1', r.take(), alice))
    expect(store.readStateV2('h1')).not.toEqual(stored()) // the log has a row: converted from snapshot + log
    sameState(store.readStateV2('h1')!, store.readState('h1')!)
    for (let i = 1; i <= 60; i++) {
      r.setAddress(`V2 street ${i}`)
      await accepted(writer.submit('h1', r.take(), alice))
    }
    await writer.flush()
    store.compact('h1')
    expect(db.prepare('SELECT count(*) FROM doc_log WHERE household_id = ?').pluck().get('h1')).toBe(0)
    expect(store.readStateV2('h1')).toEqual(stored())
    sameState(store.readStateV2('h1')!, store.readState('h1')!)
    const probe = new Y.Doc()
    Y.applyUpdateV2(probe, store.readStateV2('h1')!)
    expect(new HouseholdDoc(probe).read().household.address).toBe('V2 street 60')
  })

  it('a database from before migration 005 (NULL snapshot_v2) is answered by converting V1', () => {
    db.prepare('UPDATE doc_snapshot SET snapshot_v2 = NULL WHERE household_id = ?').run('h2')
    sameState(store.readStateV2('h2')!, store.readState('h2')!)
    expect(store.readStateV2('nope')).toBeNull()
  })
})
