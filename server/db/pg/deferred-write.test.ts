// Writes whose result nobody reads, on the PostgreSQL handle (RASOAT_TEST_DATABASE_URL): sent with the transaction's
// next request, pipelined with it, and failing the transaction when they fail. Requests are counted at the handle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { writeLater } from '../deferred-write.ts'
import { freshPgSchema, type PgSchema } from '../../test-support/postgres.ts'
import { migrate } from '../migrate.ts'
import { migrations } from '../migrations/index.ts'
import { createDocStore } from '../../store/doc-store.ts'
import { createHouseholdWriter } from '../../store/household-writer.ts'
import { DeviceReplica, householdUpdate } from '../../test-support/household-fixture.ts'
import type { Db } from '../open.ts'
import { PgDb } from './pg-db.ts'

/** The requests `db` sends (each one round trip), by their main statement. */
function countRequests(db: Db): string[] {
  const sent: string[] = []
  const pg = db as PgDb
  const call = pg.call.bind(pg)
  pg.call = (req, ...rest) => {
    if (req.op === 'query' || req.op === 'exec') sent.push(req.sql.replace(/\s+/g, ' ').slice(0, 40))
    return call(req, ...rest)
  }
  return sent
}

describe('deferred writes on PostgreSQL', () => {
  let pg: PgSchema
  let db: Db
  let sent: string[]
  beforeAll(() => {
    pg = freshPgSchema('later')
    db = pg.open()
    db.exec('CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)')
    sent = countRequests(db)
  })
  afterAll(() => {
    db?.close()
    pg?.drop()
  })
  const value = (k: string): unknown => db.prepare('SELECT v FROM kv WHERE k = ?').pluck().get(k)

  it('go with the COMMIT: a read, an insert and an update in two requests', () => {
    db.prepare('INSERT INTO kv (k, v) VALUES (?, ?)').run('a', 'one')
    const insert = writeLater(db.prepare<[string, string]>('INSERT INTO kv (k, v) VALUES (?, ?)'))
    const update = writeLater(db.prepare<[string, string]>('UPDATE kv SET v = ? WHERE k = ?'))
    sent.length = 0
    db.transaction(() => {
      expect(db.prepare('SELECT v FROM kv WHERE k = ? FOR UPDATE').pluck().get('a')).toBe('one')
      insert('b', 'two')
      update('uno', 'a')
      expect(sent).toHaveLength(1) // nothing sent since the read
    })()
    expect(sent).toEqual(['SELECT v FROM kv WHERE k = $1 FOR UPDATE', 'COMMIT'])
    expect([value('a'), value('b')]).toEqual(['uno', 'two'])
  })

  it('are seen by the next read of the transaction, sent with it', () => {
    const insert = writeLater(db.prepare<[string, string]>('INSERT INTO kv (k, v) VALUES (?, ?)'))
    sent.length = 0
    const seen = db.transaction(() => {
      insert('c', 'three')
      return db.prepare('SELECT count(*) FROM kv WHERE k = ?').pluck().get('c')
    })()
    expect(seen).toBe(1)
    expect(sent).toEqual(['SELECT count(*) FROM kv WHERE k = $1', 'COMMIT'])
  })

  it('are committed by a transaction that sends nothing else', () => {
    const insert = writeLater(db.prepare<[string, string]>('INSERT INTO kv (k, v) VALUES (?, ?)'))
    sent.length = 0
    db.transaction(() => insert('d', 'four'))()
    expect(sent).toEqual(['COMMIT'])
    expect(value('d')).toBe('four')
  })

  it('fail the transaction when one fails: its error and statement, nothing of the transaction kept', () => {
    const put = db.prepare<[string, string]>('INSERT INTO kv (k, v) VALUES (?, ?)')
    const insert = writeLater(put)
    sent.length = 0
    let caught: unknown
    try {
      db.transaction(() => {
        put.run('e', 'five') // sent at once
        insert('f', 'six')
        insert('a', 'again') // a duplicate key, found only at the next request
        insert('g', 'seven')
      })()
    } catch (e) {
      caught = e
    }
    expect(caught).toMatchObject({ code: '23505', sql: expect.stringContaining('INSERT INTO kv') })
    expect(sent[0]).toMatch(/^INSERT INTO kv/)
    expect(sent[1]).toBe('COMMIT')
    expect([value('e'), value('f'), value('g'), value('a')]).toEqual([undefined, undefined, undefined, 'uno'])
    // The handle goes on: the next transaction commits.
    db.transaction(() => insert('h', 'eight'))()
    expect(value('h')).toBe('eight')
  })

  it('name the failing write when the request they went with is a read, not the aborted read', () => {
    const insert = writeLater(db.prepare<[string, string]>('INSERT INTO kv (k, v) VALUES (?, ?)'))
    expect(() =>
      db.transaction(() => {
        insert('a', 'duplicate')
        db.prepare('SELECT v FROM kv WHERE k = ?').pluck().get('a')
      })(),
    ).toThrow(expect.objectContaining({ code: '23505', sql: expect.stringContaining('INSERT INTO kv') }))
    expect(value('a')).toBe('uno')
  })

  it('never run when the transaction throws before its next request', () => {
    const insert = writeLater(db.prepare<[string, string]>('INSERT INTO kv (k, v) VALUES (?, ?)'))
    sent.length = 0
    expect(() =>
      db.transaction(() => {
        insert('i', 'nine')
        throw new Error('changed my mind')
      })(),
    ).toThrow('changed my mind')
    expect(sent).toEqual([])
    expect(value('i')).toBeUndefined()
  })

  it('run at once outside a transaction and inside a savepoint', () => {
    const insert = writeLater(db.prepare<[string, string]>('INSERT INTO kv (k, v) VALUES (?, ?)'))
    sent.length = 0
    insert('j', 'ten')
    expect(sent).toHaveLength(1)
    expect(value('j')).toBe('ten')
    sent.length = 0
    db.transaction(() => {
      db.prepare('SELECT 1').get()
      db.transaction(() => {
        insert('k', 'eleven')
        expect(sent).toHaveLength(2) // the SELECT, then the insert on its own
      })()
    })()
    expect(value('k')).toBe('eleven')
  })
})

describe('deferred writes on SQLite', () => {
  it('run at once, as run() does', () => {
    const db = new Database(':memory:')
    db.exec('CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)')
    const insert = writeLater(db.prepare<[string, string]>('INSERT INTO kv (k, v) VALUES (?, ?)'))
    db.transaction(() => {
      insert('a', 'one')
      expect(db.prepare('SELECT v FROM kv').pluck().all()).toEqual(['one'])
      expect(() => insert('a', 'again')).toThrow(/UNIQUE/)
    })()
    db.close()
  })
})

describe("a household writer's commit on PostgreSQL", () => {
  it('takes two requests for one edit: the lock on the head, then the writes with COMMIT', async () => {
    const pg = freshPgSchema('later_writer')
    const db = pg.open()
    try {
      migrate(db, migrations)
      const store = createDocStore(db, { shared: true })
      // As on a relay whose fan-out is up: a resident doc that missed no announcement is checked without a read.
      const writer = createHouseholdWriter(db, store, { shared: true, announced: () => true })
      const id = 'hh-later'
      db.transaction(() => {
        store.createHousehold(
          { id, period: '2025', unitCode: '19900', villageId: 'v1' },
          householdUpdate({ id, headName: 'Lê Văn A' }),
          'seed',
        )
      })()
      const phone = new DeviceReplica(4_242)
      phone.apply(store.readState(id)!)
      const author = { userId: 'u-a', deviceId: 'd-a' }
      const edit = async (area: number): Promise<number> => {
        phone.household.setDwelling({ floorAreaM2: area })
        const r = writer.submit(id, phone.take(), author)
        if (r.kind !== 'accepted') throw new Error(JSON.stringify(r))
        return (await r.committed).serverSeq
      }
      await edit(40) // the phone's client id is bound by this first commit
      const sent = countRequests(db)
      const seq = await edit(41)
      expect(sent).toHaveLength(2)
      expect(sent[0]).toMatch(/^SELECT/)
      expect(sent[1]).toBe('COMMIT')
      // Both writes arrived: the log row of this edit, and the summary row's head.
      expect(db.prepare('SELECT max(seq) FROM doc_log WHERE household_id = ?').pluck().get(id)).toBe(seq)
      expect(db.prepare('SELECT server_seq FROM households WHERE id = ?').pluck().get(id)).toBe(seq)
      await writer.close()
    } finally {
      db.close()
      pg.drop()
    }
  })
})
