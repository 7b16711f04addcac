// The real `npm run cli -- open-period / current-period / close-period` commands against a temp data dir: bad input
// names its argument and exits 2 with nothing written; opening carries the poor household; refusals print their code.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb } from '../db/open.ts'
import { ensureReferenceData } from '../db/reference-data.ts'
import { databaseFile } from '../server.ts'
import { createDocStore } from '../store/doc-store.ts'
import { seedExample } from '../test-support/period-fixtures.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-cli-period-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const cli = (...args: string[]) =>
  spawnSync(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['server/cli.ts', ...args, '--data-dir', dataDir], {
    encoding: 'utf8',
    timeout: 120_000,
  })
const query = (sql: string): unknown => {
  const db = openDb(databaseFile(dataDir))
  try {
    return db.prepare(sql).all()
  } finally {
    db.close()
  }
}

describe('cli period commands', () => {
  it('PC1 open-period carries, current-period switches, close-period freezes; refusals exit 2 with their code', () => {
    const db = openDb(databaseFile(dataDir))
    migrate(db, migrations)
    ensureReferenceData(db)
    seedExample({ db, docStore: createDocStore(db) }, 'poor', 'h-poor', 'vp')
    seedExample({ db, docStore: createDocStore(db) }, 'average', 'h-avg', 'va')
    db.close()

    const bad = cli('open-period', '2026', '--standard', 'ND99', '--reference-date', '2026-09-01')
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('standard: not a known standard')
    expect(query('SELECT id FROM periods')).toEqual([{ id: '2025' }])

    const opened = cli('open-period', '2026', '--standard', 'ND07_2022_2025', '--reference-date', '2026-09-01')
    expect(opened.stderr).toBe('')
    expect(opened.status).toBe(0)
    expect(JSON.parse(opened.stdout)).toMatchObject({ carried: 1, period: { id: '2026', previousId: '2025' } })
    expect(query(`SELECT previous_id AS previousId, status FROM households WHERE period = '2026'`)).toEqual([
      { previousId: 'h-poor', status: 'listed' },
    ])

    const early = cli('close-period', '2025')
    expect(early.status).toBe(2)
    expect(early.stderr).toMatch(/^period\/current: /)
    expect(cli('current-period', '2026').status).toBe(0)
    const closed = cli('close-period', '2025')
    expect(closed.status).toBe(0)
    expect(JSON.parse(closed.stdout)).toMatchObject({ period: { id: '2025', status: 'closed', isCurrent: false } })
    expect(query(`SELECT action, username FROM audit_log ORDER BY id`)).toEqual([
      { action: 'period-open', username: 'cli' },
      { action: 'period-carry', username: 'cli' },
      { action: 'period-current', username: 'cli' },
      { action: 'period-close', username: 'cli' },
    ])
  })
})
