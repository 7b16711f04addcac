// Migration 011 on a real SQLite file: existing periods stay open with no predecessor, households gain previous_id,
// and a period status outside open/closed is refused by the table.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-011-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 011 period-lifecycle', () => {
  it('keeps existing periods open, links households across periods, refuses an unknown period status', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id < 11),
    )
    db.prepare(
      `INSERT INTO periods (id, standard, reference_date, is_current) VALUES ('2025', 'ND07_2022_2025', '2025-09-01', 1)`,
    ).run()
    db.prepare(`INSERT INTO households (id, period, unit_code, village_id) VALUES ('h', '2025', '19900', 'v')`).run()
    expect(
      migrate(
        db,
        migrations.filter((m) => m.id <= 11),
      ),
    ).toEqual([11])
    expect(
      db
        .prepare(`SELECT status, previous_id AS previousId, closed_at AS closedAt FROM periods WHERE id = '2025'`)
        .get(),
    ).toEqual({ status: 'open', previousId: null, closedAt: null })
    expect(db.prepare(`SELECT previous_id AS previousId FROM households WHERE id = 'h'`).get()).toEqual({
      previousId: null,
    })
    expect(() => db.prepare(`UPDATE periods SET status = 'frozen' WHERE id = '2025'`).run()).toThrow(/CHECK/)
    db.close()
  })
})
