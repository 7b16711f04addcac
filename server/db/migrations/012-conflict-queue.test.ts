// Migration 012 on a real SQLite file: existing conflicts keep their ids and values (a resolved one reads as resolved
// by value), 'dismissed' becomes a status, and unknown statuses or resolution kinds are refused by the table.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-012-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 012 conflict-queue', () => {
  it('keeps existing conflicts, allows dismissed, records the resolution kind', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id < 12),
    )
    const insert = db.prepare(
      `INSERT INTO conflicts (id, household_id, path, candidates_json, kept_json, status, resolved_by, resolution_json, created_at)
       VALUES (?, 'h', 'address', '[]', '"a"', ?, ?, ?, 5)`,
    )
    insert.run(7, 'open', null, null)
    insert.run(9, 'resolved', 'u1', '"b"')
    expect(
      migrate(
        db,
        migrations.filter((m) => m.id <= 12),
      ),
    ).toEqual([12])
    expect(
      db.prepare(`SELECT id, status, resolution_kind AS kind, kept_json AS kept FROM conflicts ORDER BY id`).all(),
    ).toEqual([
      { id: 7, status: 'open', kind: null, kept: '"a"' },
      { id: 9, status: 'resolved', kind: 'value', kept: '"a"' },
    ])
    db.prepare(`UPDATE conflicts SET status = 'dismissed', resolution_kind = 'dismissed' WHERE id = 7`).run()
    expect(() => db.prepare(`UPDATE conflicts SET status = 'maybe' WHERE id = 7`).run()).toThrow(/CHECK/)
    expect(() => db.prepare(`UPDATE conflicts SET resolution_kind = 'guess' WHERE id = 7`).run()).toThrow(/CHECK/)
    const next = db
      .prepare(
        `INSERT INTO conflicts (household_id, path, candidates_json, status, created_at) VALUES ('h', 'x', '[]', 'open', 6)`,
      )
      .run().lastInsertRowid
    expect(Number(next)).toBe(10)
    db.close()
  })
})
