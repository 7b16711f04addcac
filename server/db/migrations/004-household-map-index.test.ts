// Migration 004 on a real SQLite file: the cluster query of GET /api/pins is answered from the covering index.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-004-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 004 household-map-index', () => {
  it('replaces (period, lat) with a covering (period, lat, lng, status) index used by the cluster query', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id <= 4),
    )
    const names = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'households'")
      .pluck()
      .all()
    expect(names).toContain('households_map')
    expect(names).not.toContain('households_period_lat')
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT CAST((h.lng - ?) / ? AS INTEGER) AS cx, h.status, COUNT(*) FROM households h
           WHERE 1 = 1 AND h.period = ? AND h.lat BETWEEN ? AND ? AND h.lng BETWEEN ? AND ? GROUP BY cx, h.status`,
        )
        .all(107.5, 0.01, '2025', 16.4, 16.5, 107.5, 107.65) as { detail: string }[]
    ).map((r) => r.detail)
    expect(plan.join(' ')).toContain('COVERING INDEX households_map')
    db.close()
  })
})
