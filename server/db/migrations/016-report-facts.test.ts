// Migration 016 on a real SQLite file: existing household rows gain the report facts with neutral defaults (nothing
// deprived, no group, no cause) until their next commit rewrites the summary.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-016-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 016 report-facts', () => {
  it('adds the report facts to existing households with neutral defaults', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id < 16),
    )
    db.prepare(
      `INSERT INTO households (id, period, unit_code, village_id, category) VALUES ('h', '2025', '19900', 'v', 'poor')`,
    ).run()
    expect(
      migrate(
        db,
        migrations.filter((m) => m.id <= 16),
      ),
    ).toEqual([16])
    expect(
      db
        .prepare(
          `SELECT category, deprivation_mask AS mask, ethnic_minority AS em, meritorious, no_working_capacity AS nwc,
             social_protection AS sp, farming, causes, member_count AS members FROM households WHERE id = 'h'`,
        )
        .get(),
    ).toEqual({ category: 'poor', mask: 0, em: 0, meritorious: 0, nwc: 0, sp: 0, farming: 0, causes: '', members: 0 })
    db.close()
  })
})
