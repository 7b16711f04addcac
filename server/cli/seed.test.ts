// The real `npm run cli -- seed --households N` command against a temp data dir: N households, demo logins once.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDb } from '../db/open.ts'
import { databaseFile } from '../server.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-cli-seed-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const cli = (...args: string[]) =>
  spawnSync(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['server/cli.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  })

describe('cli seed', () => {
  it('seeds N households, prints the figures, and prints demo logins only the first time', () => {
    const r = cli('seed', '--households', '150', '--data-dir', dataDir)
    expect(r.status).toBe(0)
    const [summary, ...rest] = r.stdout.trim().split('\n')
    expect(JSON.parse(summary ?? '')).toMatchObject({ households: 150, units: 2, villages: 16 })
    expect(rest.join('\n')).toMatch(/enum1\s+enumerator\s+password: \S+/)
    const again = cli('seed', '--households', '10', '--data-dir', dataDir)
    expect(again.status).toBe(0)
    expect(again.stdout).not.toContain('password')
    const db = openDb(databaseFile(dataDir))
    expect(db.prepare('SELECT COUNT(*) FROM households').pluck().get()).toBe(160)
    db.close()
  })

  it('exits 2 on a bad count', () => {
    expect(cli('seed', '--households', 'many', '--data-dir', dataDir).status).toBe(2)
  })
})
