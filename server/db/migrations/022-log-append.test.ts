// Migration 022 on a real SQLite file: the log becomes a rowid table with a unique (household, seq) index. Every row
// and its field history read back as before, a seq is still committed once, a household's rows are found through the
// index, and a stored household reads back whole.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { afterAll, describe, expect, it } from 'vitest'
import { createDocStore } from '../../store/doc-store.ts'
import { householdUpdate } from '../../test-support/household-fixture.ts'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'
import { storeCreatedHousehold } from '../../test-support/old-schema-rows.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-022-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 022 log-append', () => {
  it('keeps every log row and its field history, one row per (household, seq), found through the index', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id < 22),
    )
    const ids = ['h2', 'h1']
    const phones = new Map<string, Y.Doc>()
    for (const id of ids) {
      const created = householdUpdate({ id, headName: `Chủ hộ ${id}` })
      storeCreatedHousehold(db, id, created)
      const doc = new Y.Doc()
      Y.applyUpdate(doc, created)
      phones.set(id, doc)
    }
    // Two edits of each household, committed as the relay did then: the log row carries its field history.
    const appendLog = db.prepare(
      `INSERT INTO doc_log (household_id, seq, "update", user_id, device_id, client_ids, received_at, writes)
       VALUES (?, ?, ?, 'u1', 'd1', ?, ?, ?)`,
    )
    const edits = new Map<string, Uint8Array[]>()
    let seq = 1
    for (const round of [1, 2]) {
      seq++
      for (const id of ids) {
        const doc = phones.get(id)!
        const before = Y.encodeStateVector(doc)
        doc.clientID = 9000 + round
        doc.getMap('fields').set('address', `${round} Lê Lợi, ${id}`)
        const update = Y.encodeStateAsUpdate(doc, before)
        edits.set(id, [...(edits.get(id) ?? []), update])
        db.transaction(() => {
          appendLog.run(
            id,
            seq,
            update,
            JSON.stringify([9000 + round]),
            1_000 + round,
            JSON.stringify([['address', JSON.stringify(`${round} Lê Lợi, ${id}`), 9000 + round, 0]]),
          )
          db.prepare('UPDATE households SET server_seq = ? WHERE id = ?').run(seq, id) // the head, as a commit moves it
        })()
      }
    }
    const rows = () => db.prepare('SELECT * FROM doc_log ORDER BY household_id, seq').raw().all()
    const writes = () =>
      db
        .prepare(
          `SELECT household_id, path, value_json, server_seq FROM field_writes ORDER BY household_id, server_seq`,
        )
        .raw()
        .all()
    const rowsBefore = rows()
    const writesBefore = writes()
    expect(rowsBefore).toHaveLength(4)
    expect(writesBefore.length).toBeGreaterThanOrEqual(4)

    expect(
      migrate(
        db,
        migrations.filter((m) => m.id <= 22),
      ),
    ).toEqual([22])
    expect(rows()).toEqual(rowsBefore)
    expect(writes()).toEqual(writesBefore)
    const sql = db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'doc_log'`).pluck().get() as string
    expect(sql).not.toContain('WITHOUT ROWID')
    const insert = db.prepare(
      `INSERT INTO doc_log (household_id, seq, "update", user_id, device_id, client_ids, received_at) VALUES ('h1', 3, x'00', 'u', 'd', '[]', 0)`,
    )
    expect(() => insert.run()).toThrow(/UNIQUE/)
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT seq, "update" FROM doc_log WHERE household_id = ? AND seq > ? ORDER BY seq`)
      .all('h1', 1) as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toContain('doc_log_key')

    migrate(db, migrations) // and the later ones, which today's store reads with
    const after = createDocStore(db)
    for (const id of ids) {
      expect(after.head(id)).toBe(3)
      const doc = new Y.Doc()
      Y.applyUpdate(doc, after.readState(id)!)
      expect(doc.getMap('fields').get('address')).toBe(`2 Lê Lợi, ${id}`)
    }
    db.close()
  })
})
