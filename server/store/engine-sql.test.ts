// Store statements whose meaning differs between SQLite and PostgreSQL unless written for both: upserts, the head of a
// household and its log's size, new row ids, JSON array parameters, typed NULL tests. Runs on the suite's engine (RASOAT_TEST_ENGINE).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../db/open.ts'
import { fieldHistory } from '../http/household-queries.ts'
import { PATH } from '../test-support/household-fixture.ts'
import { openTwoVillages, type TwoVillages } from '../test-support/two-villages.ts'
import { createAssignmentStore } from './assignment-store.ts'
import { createClientIdBindings } from './client-ids.ts'
import { createConflictStore } from './conflict-store.ts'
import { createConsoleStore } from './console-store.ts'
import { createDocStore } from './doc-store.ts'
import { createHouseholdWriter } from './household-writer.ts'
import { createProjections } from './projections.ts'

let world: TwoVillages
let db: Db

beforeEach(() => {
  world = openTwoVillages('rasoat-engine-sql-')
  db = world.db
})

afterEach(() => world.close())

const logRow = (seq: number) => ({
  householdId: 'h1',
  seq,
  update: new Uint8Array([0, 0]),
  userId: 'u-lan',
  deviceId: 'phone',
  clientIds: [],
  receivedAt: 0,
})

describe('statements that mean the same on SQLite and PostgreSQL', () => {
  it("doc store: the head is the summary row's server_seq; the log's rows and bytes, counted, decide compaction", () => {
    const docs = createDocStore(db, { compactRows: 1 })
    db.transaction(() => docs.appendLog([logRow(2), logRow(3)]))()
    expect(docs.head('h1')).toBe(1) // appending alone moves nothing: the commit writes the summary row
    expect(docs.needsCompaction('h1')).toBe(true) // 2 rows > compactRows (a bigint count on PostgreSQL)
    db.prepare("UPDATE households SET server_seq = 3 WHERE id = 'h1'").run()
    expect(docs.head('h1')).toBe(3)
    expect(docs.heads(['h1', 'h2', 'h-none'])).toEqual(
      new Map([
        ['h1', 3],
        ['h2', 1],
      ]),
    )
    expect(docs.needsCompaction('h2')).toBe(false)
    expect(docs.needsCompaction('h-none')).toBe(false)
    docs.compact('h1')
    expect(docs.needsCompaction('h1')).toBe(false)
    expect(docs.head('h1')).toBe(3)
  })

  it('client ids: a second binding of a persisted id by another user is refused, the first owner stays', () => {
    createClientIdBindings(db).persist([70_001], 'u-lan', 'phone-a', 1)
    expect(() => createClientIdBindings(db).persist([70_001], 'u-mai', 'phone-b', 2)).toThrow(
      'client id 70001 belongs to another user',
    )
    expect(() => createClientIdBindings(db).persist([70_001], 'u-lan', 'phone-a', 3)).not.toThrow()
    expect(createClientIdBindings(db).refused([70_001], 'u-mai')).toBe(70_001)
    expect(createClientIdBindings(db).refused([70_001], 'u-lan')).toBeNull()
  })

  it('conflicts: new ids come back from the INSERT, and the JSON array parameters and author filter find them', () => {
    const projections = createProjections(db)
    const side = (clientId: number, value: string) => ({ clientId, clock: 1, value })
    const record = (household: string, path: string, by: string) =>
      projections.recordConflict(
        household,
        { path, base: null, current: side(1, 'a'), incoming: side(2, 'b') },
        'b',
        { userId: by, deviceId: 'phone' },
        10,
      )
    const first = record('h1', 'address', 'u-lan')
    const second = record('h2', 'address', 'u-mai')
    expect(second.id).toBeGreaterThan(first.id)
    const conflicts = createConflictStore(db)
    expect(conflicts.get(second.id)?.householdId).toBe('h2')
    const page = conflicts.page({ scope: { sql: '1 = 1', params: [] }, author: 'u-mai', limit: 10, offset: 0 })
    expect(page).toMatchObject({ total: 1, conflicts: [{ id: second.id, headName: 'Chủ hộ h2' }] })
    expect(conflicts.list({ householdIds: ['h1', 'nowhere'] }).map((c) => c.id)).toEqual([first.id])
    expect(conflicts.noticesFor('u-lan', ['h1', 'h2'], 0).map((c) => c.id)).toEqual([first.id])
    expect([...conflicts.displayNames(['u-mai', 'u-lan', 'u-mai'])].sort()).toEqual([
      ['u-lan', 'Lan'],
      ['u-mai', 'Mai'],
    ])
  })

  it('field history: the writes of one commit come back in the order they were recorded', () => {
    const write = (path: string, clock: number) => ({ path, clientId: 70_001, clock, origin: null, value: path })
    const paths = ['members.m2.name', 'address', 'members.m1.name', 'headName']
    db.transaction(() =>
      createProjections(db).writeFieldHistory(
        'h1',
        paths.map((p, i) => write(p, i)),
        { userId: 'u-lan', deviceId: 'phone' },
        5,
        2,
      ),
    )()
    const rows = fieldHistory(db, 'h1', { limit: 100 }).filter((r) => r.serverSeq === 2)
    expect(rows.map((r) => r.path)).toEqual(paths)
  })

  it('summary: a NUL character written into a name or address is left out of the summary row, the commit stands', async () => {
    const writer = createHouseholdWriter(db, createDocStore(db))
    const r = writer.setField('h1', PATH.address, 'Số 1\u0000 Lê Lợi', 'u-admin')
    if (r.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(r)}`)
    await r.committed
    await writer.close()
    expect(db.prepare("SELECT address FROM households WHERE id = 'h1'").pluck().get()).toBe('Số 1 Lê Lợi')
  })

  it('assignments: giving a village to an enumerator who already has it changes nothing and is no error', () => {
    const assignments = createAssignmentStore(db)
    assignments.move({ households: [], villages: ['v1'], from: null, to: 'u-lan' }, 1)
    assignments.move({ households: [], villages: ['v1'], from: 'u-lan', to: 'u-lan' }, 2)
    assignments.move({ households: [], villages: ['v1'], from: 'u-mai', to: 'u-lan' }, 3)
    expect(assignments.villageEnumerators('v1')).toEqual(['u-lan'])
  })

  it('console: progress without a village (a NULL parameter) counts every village; enumerators list villages in order', () => {
    const assignments = createAssignmentStore(db)
    for (const v of ['v2', 'v1']) assignments.move({ households: [], villages: [v], from: null, to: 'u-lan' }, 1)
    const console = createConsoleStore(db)
    expect(console.villageProgress('2025', '19900').map((v) => [v.village, v.counts.assigned])).toEqual([
      ['v1', 1],
      ['v2', 1],
    ])
    expect(console.villageProgress('2025', '19900', 'v2').map((v) => v.village)).toEqual(['v2'])
    expect(console.enumeratorProgress('2025', '19900')).toMatchObject([
      { userId: 'u-lan', villages: ['v1', 'v2'], counts: { assigned: 2 } },
    ])
  })
})
