// Migration 019 on a real database (SQLite, or PostgreSQL in the suite's second pass): the field history written before
// it stays readable, a commit's values ride on its log row and keep their order, and compaction (which moves log rows
// into the archive) loses none of them. Read through the view field_writes and the history endpoint's query.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fieldHistory } from '../http/household-queries.ts'
import { createDocStore } from './doc-store.ts'
import { createHouseholdWriter, type SubmitResult } from './household-writer.ts'
import { encodeWrites } from './projections.ts'
import { DeviceReplica, householdUpdate, PATH } from '../test-support/household-fixture.ts'
import { migrate } from '../db/migrate.ts'
import { openDb } from '../db/open.ts'
import { migrations } from '../db/migrations/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-019-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const committed = async (r: SubmitResult): Promise<number> => {
  if (r.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(r)}`)
  return (await r.committed).serverSeq
}

describe('migration 019 field-writes', () => {
  it('keeps the rows of field_history and reads a log row’s writes in their order, from the log and the archive', () => {
    const db = openDb(join(dir, 'view.db'))
    migrate(
      db,
      migrations.filter((m) => m.id < 19),
    )
    db.prepare(
      `INSERT INTO field_history (household_id, path, value_json, user_id, device_id, client_id, clock, received_at, server_seq)
       VALUES ('h1', 'members.m1.name', '"Lê Thị Hoa"', 'u-a', 'd-a', 7, 3, 100, 2)`,
    ).run()
    expect(
      migrate(
        db,
        migrations.filter((m) => m.id <= 19),
      ),
    ).toEqual([19])
    const log = (table: string, seq: number, writes: string | null): void => {
      db.prepare(
        `INSERT INTO ${table} (household_id, seq, "update", user_id, device_id, client_ids, received_at, writes${table === 'doc_log' ? '' : ', archived_at'})
         VALUES ('h1', ?, ?, 'u-b', 'd-b', '[]', ?, ?${table === 'doc_log' ? '' : ', 0'})`,
      ).run(seq, Buffer.from([0, 0]), seq * 100, writes)
    }
    log(
      'doc_log_archive',
      3,
      encodeWrites([
        { path: 'dwelling.roof', value: 'durable', clientId: 9, clock: 12 },
        { path: 'members.m1.name', value: 'Lê Thị\u0000 Hoa', clientId: 9, clock: 4 },
      ]),
    )
    log('doc_log', 4, null) // a commit that writes no value
    log(
      'doc_log',
      5,
      encodeWrites([{ path: 'members.m1.income', value: { amount: 1.5, unit: 'm' }, clientId: 9, clock: 30 }]),
    )
    db.prepare(`INSERT INTO households (id, period, unit_code, village_id) VALUES ('h1', '2025', '19900', 'v1')`).run()
    migrate(db, migrations) // the later ones too: the history endpoint reads the log as it stands now
    const rows = db
      .prepare(
        `SELECT path, value_json AS v, user_id AS u, client_id AS c, clock, received_at AS at, server_seq AS seq
         FROM field_writes WHERE household_id = 'h1' ORDER BY server_seq, ord`,
      )
      .all() as { path: string; v: string; u: string; c: number; clock: number; at: number; seq: number }[]
    expect(
      rows.map((r) => ({
        ...r,
        v: JSON.parse(r.v) as unknown,
        c: Number(r.c),
        clock: Number(r.clock),
        at: Number(r.at),
      })),
    ).toEqual([
      { path: 'members.m1.name', v: 'Lê Thị Hoa', u: 'u-a', c: 7, clock: 3, at: 100, seq: 2 },
      { path: 'dwelling.roof', v: 'durable', u: 'u-b', c: 9, clock: 12, at: 300, seq: 3 },
      { path: 'members.m1.name', v: 'Lê Thị\u0000 Hoa', u: 'u-b', c: 9, clock: 4, at: 300, seq: 3 },
      { path: 'members.m1.income', v: { amount: 1.5, unit: 'm' }, u: 'u-b', c: 9, clock: 30, at: 500, seq: 5 },
    ])
    // The history endpoint's query: by path, in order, limited.
    expect(fieldHistory(db, 'h1', { path: 'members.m1.name', limit: 10 }).map((r) => [r.serverSeq, r.value])).toEqual([
      [2, 'Lê Thị Hoa'],
      [3, 'Lê Thị\u0000 Hoa'],
    ])
    expect(fieldHistory(db, 'h1', { limit: 2 }).map((r) => r.path)).toEqual(['members.m1.name', 'dwelling.roof'])
    db.close()
  })

  it('a committed edit’s values are found after compaction moved its log row into the archive', async () => {
    const db = openDb(join(dir, 'writer.db'))
    migrate(db, migrations)
    const store = createDocStore(db)
    const writer = createHouseholdWriter(db, store)
    try {
      db.transaction(() => {
        store.createHousehold(
          { id: 'h1', period: '2025', unitCode: '19900', villageId: 'v1' },
          householdUpdate({ id: 'h1', headName: 'Trần Văn Bình' }),
          'seed',
        )
      })()
      const phone = new DeviceReplica(4242)
      phone.apply(store.readState('h1')!)
      const addresses = ['1 Lê Lợi', '2 Lê Lợi', '3 Lê Lợi', '4 Lê Lợi']
      for (const a of addresses) {
        phone.setAddress(a)
        await committed(writer.submit('h1', phone.take(), { userId: 'u-a', deviceId: 'd-a' }))
      }
      await writer.flush()
      store.compact('h1')
      expect(
        Number(db.prepare("SELECT count(*) FROM doc_log_archive WHERE household_id = 'h1' AND seq > 1").pluck().get()),
      ).toBeGreaterThan(0)
      expect(fieldHistory(db, 'h1', { path: PATH.address, limit: 10 }).map((r) => r.value)).toEqual(addresses)
    } finally {
      await writer.close()
      db.close()
    }
  })
})
