// Cost of synchronous=FULL against NORMAL under WAL on this machine: commits of group-commit-sized transactions
// (one doc_log-like row of ~300 B each) on a real file; wall and CPU time per commit. Not a test.
// Usage: tsx server/db/measure-durability.ts [--commits 2000] [--rows 8]

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'

const { values } = parseArgs({
  options: { commits: { type: 'string', default: '2000' }, rows: { type: 'string', default: '8' } },
})
const COMMITS = Number(values.commits)
const ROWS = Number(values.rows)

function measure(mode: 'NORMAL' | 'FULL'): { wallUs: number; cpuUs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'rasoat-sync-'))
  const db = new Database(join(dir, 'm.db'))
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${mode}`)
  db.exec(
    'CREATE TABLE log (id INTEGER PRIMARY KEY, household TEXT NOT NULL, seq INTEGER NOT NULL, body BLOB NOT NULL)',
  )
  const insert = db.prepare('INSERT INTO log (household, seq, body) VALUES (?, ?, ?)')
  const body = Buffer.alloc(300, 7)
  const commit = db.transaction((n: number) => {
    for (let r = 0; r < ROWS; r++) insert.run(`h-${r}`, n, body)
  })
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < COMMITS; i++) commit(i)
  const wallUs = ((performance.now() - t0) * 1000) / COMMITS
  const cpu = process.cpuUsage(cpu0)
  db.close()
  rmSync(dir, { recursive: true, force: true })
  return { wallUs: Math.round(wallUs), cpuUs: Math.round((cpu.user + cpu.system) / COMMITS) }
}

for (const mode of ['NORMAL', 'FULL', 'NORMAL', 'FULL'] as const)
  console.log(JSON.stringify({ mode, commits: COMMITS, rowsPerCommit: ROWS, ...measure(mode) }))
