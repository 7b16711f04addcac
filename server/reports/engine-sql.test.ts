// Report, period and B1 statements whose meaning differs between SQLite and PostgreSQL unless written for both:
// comparisons used as numbers, EXISTS as 0/1, typed recursive parameters, new ids, casts of period ids. Runs on the
// suite's engine (RASOAT_TEST_ENGINE).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testB1Table } from '../../shared/test-support/b1-tables.ts'
import { createB1TableStore } from '../b1/b1-table-store.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { createPeriodStore } from '../periods/period-store.ts'
import { createPendingFactsStore } from './pending-facts-store.ts'
import { createReportStore } from './report-store.ts'

let dir: string
let db: Db
const admin = { id: 'u-admin', username: 'admin', role: 'admin', unitCode: null, displayName: 'Admin' } as const

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-engine-sql-'))
  db = openDb(join(dir, 'test.db'))
  migrate(db, migrations)
  // One household over three periods (poor → near-poor → poor), one new in 2025, one of a period with no row.
  db.exec(`
    INSERT INTO periods (id, standard, reference_date, status, previous_id) VALUES
      ('2023', 'ND07_2022_2025', '2023-09-01', 'closed', NULL),
      ('2024', 'ND07_2022_2025', '2024-09-01', 'closed', '2023'),
      ('2025', 'ND07_2022_2025', '2025-09-01', 'open', '2024');
    INSERT INTO households (id, period, unit_code, village_id, category, member_count, previous_id) VALUES
      ('a23', '2023', '19900', 'v1', 'poor', 4, NULL),
      ('a24', '2024', '19900', 'v1', 'near_poor', 4, 'a23'),
      ('a25', '2025', '19900', 'v1', 'poor', 5, 'a24'),
      ('b25', '2025', '19900', 'v1', 'poor', 2, NULL),
      ('x1', 'draft', '19900', 'v1', 'poor', 1, NULL);
  `)
})

afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('statements that mean the same on SQLite and PostgreSQL', () => {
  it('reports: earlier categories are counted as 0/1 numbers, with a NULL predecessor counting 0', () => {
    const groups = createReportStore(db).listGroups('2025', 2, { unit: null, village: null })
    const byPrevious = (p: string | null) => groups.find((g) => g.previous === p)
    expect(byPrevious('near_poor')).toMatchObject({ poorBefore: 1, nearPoorBefore: 0, n: 1, members: 5 })
    expect(byPrevious(null)).toMatchObject({ poorBefore: 0, nearPoorBefore: 0, n: 1, members: 2 })
    expect(groups).toHaveLength(2)
  })

  it('reports: pending facts answer true while a row predates the facts, false after', () => {
    const pending = createPendingFactsStore(db)
    expect(pending.anyPending()).toBe(true)
    db.prepare('UPDATE households SET facts_version = 1').run()
    expect(pending.anyPending()).toBe(false)
    expect(createReportStore(db).factsPending()).toBe(false)
  })

  it('periods: counts sum categories and carried records as numbers; the chain walks both ways', () => {
    const periods = createPeriodStore(db)
    expect(periods.counts(admin).filter((c) => c.period !== 'draft')).toEqual([
      { period: '2025', households: 2, poor: 2, nearPoor: 0, carried: 1 },
      { period: '2024', households: 1, poor: 0, nearPoor: 1, carried: 1 },
      { period: '2023', households: 1, poor: 1, nearPoor: 0, carried: 0 },
    ])
    expect(periods.chain('a24').map((r) => [r.id, r.offset])).toEqual([
      ['a23', -1],
      ['a24', 0],
      ['a25', 1],
    ])
    expect(periods.chain('a25', 1).map((r) => r.id)).toEqual(['a24', 'a25'])
  })

  it('periods: opening a period another relay opened meanwhile answers false and changes nothing', () => {
    const periods = createPeriodStore(db)
    const p = { id: '2026', standard: 'ND07_2022_2025', referenceDate: '2026-09-01', previousId: '2025', openedAt: 7 }
    expect(db.transaction(() => periods.insert(p))()).toBe(true)
    expect(db.transaction(() => periods.insert({ ...p, referenceDate: '2026-10-01', openedAt: 8 }))()).toBe(false)
    expect(periods.get('2026')).toMatchObject({ referenceDate: '2026-09-01', openedAt: 7 })
  })

  it('b1 tables: a load answers its new row; a period id that is no year is skipped, not an error', () => {
    const tables = createB1TableStore(db)
    const first = tables.load(testB1Table({ version: 'urban-1' }, 'urban'), 'u-admin', 1)
    const second = tables.load(testB1Table({ version: 'urban-2' }, 'urban'), 'u-admin', 2)
    expect(second.row.id).toBeGreaterThan(first.row.id)
    expect(second).toMatchObject({ row: { version: 'urban-2', active: true }, replaced: { id: first.row.id } })
    // Without its periods row, a record's year is read from its period id; 'draft' (x1) names no year.
    db.prepare("DELETE FROM periods WHERE id = '2025'").run()
    const ids = tables.householdsOfStandard({ id: 'none', periods: { from: 2022, to: 2025 } }, '', 10).map((h) => h.id)
    expect(ids).toEqual(['a25', 'b25'])
  })
})
