// Migration 015 on a real SQLite file: b1_tables holds loads of Phiếu B1 point tables; a second active table for the
// same standard and area type, or an unknown area type, is refused by the table itself.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-015-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 015 b1-tables', () => {
  it('keeps one active table per standard and area type, any number of inactive ones', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(db, migrations)
    const insert = db.prepare(
      `INSERT INTO b1_tables (standard, area_type, version, table_json, loaded_by, loaded_at, active) VALUES (?, ?, ?, '{}', 'u', 1, ?)`,
    )
    insert.run('ND07_2022_2025', 'rural', 'a', 1)
    insert.run('ND07_2022_2025', 'urban', 'b', 1)
    insert.run('ND07_2022_2025', 'rural', 'old-1', 0)
    insert.run('ND07_2022_2025', 'rural', 'old-2', 0)
    expect(() => insert.run('ND07_2022_2025', 'rural', 'c', 1)).toThrow(/UNIQUE/)
    expect(() => insert.run('ND07_2022_2025', 'suburban', 'd', 1)).toThrow(/CHECK/)
    expect(db.prepare('SELECT count(*) FROM b1_tables').pluck().get()).toBe(4)
    db.close()
  })
})
