// Migration 010 on a real SQLite file: households gain flags and moved_m (existing rows unflagged), the progress index
// and the device_reports table exist.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-010-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 010 console-read-models', () => {
  it('adds households.flags (empty for existing rows), moved_m, households_progress and device_reports', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id < 10),
    )
    db.prepare(`INSERT INTO households (id, period, unit_code, village_id) VALUES ('h', '2025', '19900', 'v')`).run()
    expect(
      migrate(
        db,
        migrations.filter((m) => m.id <= 10),
      ),
    ).toEqual([10])
    expect(db.prepare(`SELECT flags, moved_m AS movedM FROM households WHERE id = 'h'`).get()).toEqual({
      flags: '',
      movedM: null,
    })
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'households'")
      .pluck()
      .all()
    expect(indexes).toContain('households_progress')
    expect(
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'device_reports'").pluck().get(),
    ).toBe('device_reports')
    db.close()
  })
})
