// Migration 017 on a real SQLite file: existing household rows are marked as not carrying current report facts (0), so
// the server re-projects them; a summary write marks a row current.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-017-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 017 facts-version', () => {
  it('marks existing households as needing their report facts recomputed', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id < 17),
    )
    db.prepare(`INSERT INTO households (id, period, unit_code, village_id) VALUES ('h', '2025', '19900', 'v')`).run()
    expect(
      migrate(
        db,
        migrations.filter((m) => m.id <= 17),
      ),
    ).toEqual([17])
    expect(db.prepare(`SELECT facts_version FROM households WHERE id = 'h'`).pluck().get()).toBe(0)
    db.close()
  })
})
