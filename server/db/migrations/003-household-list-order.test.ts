// Migration 003 on a real SQLite file: the index exists and the household list query uses it without sorting.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../migrate.ts'
import { openDb } from '../open.ts'
import { migrations } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-003-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 003 household-list-order', () => {
  it('lets the period list walk households_period_id in id order', () => {
    const db = openDb(join(dir, 'rasoat.db'))
    migrate(
      db,
      migrations.filter((m) => m.id <= 3),
    )
    const plan = (
      db
        .prepare(`EXPLAIN QUERY PLAN SELECT id FROM households h WHERE 1 = 1 AND h.period = ? ORDER BY h.id LIMIT 101`)
        .all('2025') as {
        detail: string
      }[]
    ).map((r) => r.detail)
    expect(plan.join(' ')).toContain('households_period_id')
    expect(plan.join(' ')).not.toContain('TEMP B-TREE')
    db.close()
  })
})
