// Migration 023 on a real SQLite file: the log's rows keep every column and their ids (the rowids they had), each
// names its household's row before it, the summary row names the newest, the (household, seq) index is gone, the field
// history reads as before, and a stored household reads back whole through today's store.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createDocStore } from '../../store/doc-store.ts'
import { DeviceReplica, householdUpdate } from '../../test-support/household-fixture.ts'
import { storeCreatedHousehold } from '../../test-support/old-schema-rows.ts'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-023-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 023 log-chain', () => {
  it('chains each household’s rows by seq, keeps their ids and columns, and drops the index', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id < 23),
    )
    const ids = ['h1', 'h2', 'h3'] // h3 is never edited
    const phones = new Map<string, DeviceReplica>()
    for (const [i, id] of ids.entries()) {
      const created = householdUpdate({ id, headName: `Chủ hộ ${id}` })
      storeCreatedHousehold(db, id, created)
      const phone = new DeviceReplica(7000 + i)
      phone.apply(created)
      phones.set(id, phone)
    }
    const insert = db.prepare(
      `INSERT INTO doc_log (household_id, seq, "update", user_id, device_id, client_ids, received_at, writes)
       VALUES (?, ?, ?, 'u1', 'd1', '[]', ?, ?)`,
    )
    const head = db.prepare('UPDATE households SET server_seq = ? WHERE id = ?')
    // Interleaved commits; h2's rows 2..4 inserted out of seq order (as a rebuilt table may hold them).
    const order: [string, number][] = [
      ['h1', 2],
      ['h2', 3],
      ['h1', 3],
      ['h2', 2],
      ['h1', 4],
      ['h2', 4],
    ]
    const addresses = new Map<string, string>()
    for (const [id, seq] of order) {
      const phone = phones.get(id)!
      const address = `${seq} Lê Lợi, ${id}`
      phone.setAddress(address)
      addresses.set(id, address) // the last one set is the household's
      insert.run(id, seq, phone.take(), seq * 100, JSON.stringify([['address', JSON.stringify(address), 1, seq]]))
      head.run(seq, id)
    }
    const columns = `household_id, seq, "update", user_id, device_id, client_ids, received_at, writes`
    const before = db.prepare(`SELECT rowid AS id, ${columns} FROM doc_log ORDER BY rowid`).all()
    const writesBefore = db.prepare('SELECT * FROM field_writes ORDER BY household_id, server_seq, ord').all()

    expect(migrate(db, migrations)).toEqual([23])
    expect(db.prepare(`SELECT id, ${columns} FROM doc_log ORDER BY id`).all()).toEqual(before)
    expect(db.prepare('SELECT * FROM field_writes ORDER BY household_id, server_seq, ord').all()).toEqual(writesBefore)
    const idOf = (id: string, seq: number): number =>
      db.prepare('SELECT id FROM doc_log WHERE household_id = ? AND seq = ?').pluck().get(id, seq) as number
    const chain = db.prepare('SELECT household_id, seq, prev FROM doc_log ORDER BY household_id, seq').raw().all()
    expect(chain).toEqual([
      ['h1', 2, null],
      ['h1', 3, idOf('h1', 2)],
      ['h1', 4, idOf('h1', 3)],
      ['h2', 2, null],
      ['h2', 3, idOf('h2', 2)],
      ['h2', 4, idOf('h2', 3)],
    ])
    expect(db.prepare('SELECT id, log_last FROM households ORDER BY id').raw().all()).toEqual([
      ['h1', idOf('h1', 4)],
      ['h2', idOf('h2', 4)],
      ['h3', null],
    ])
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE tbl_name = 'doc_log' AND type = 'index'").all()).toEqual([])

    const store = createDocStore(db)
    for (const id of ids) {
      const stored = new DeviceReplica()
      stored.apply(store.readState(id)!)
      expect(stored.stateVector()).toEqual(phones.get(id)!.stateVector())
      if (addresses.has(id)) expect(stored.address()).toBe(addresses.get(id))
      expect(store.rowsAfter(id, 0).map((r) => r.seq)).toEqual(id === 'h3' ? [] : [2, 3, 4])
    }
    db.close()
  })
})
