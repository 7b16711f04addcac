// The WAL checkpointer on a real WAL database: its worker copies committed frames into the database file (a copy of
// the file alone then holds them), the main connection's own auto-checkpoint is only a far fallback, and a database
// with no WAL gets none.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, expect, it, vi } from 'vitest'
import { createCheckpointer } from './checkpointer.ts'
import { openDb, withDialect } from './open.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-checkpointer-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Rows a copy of the database file alone (no -wal beside it) holds. */
function rowsInFileAlone(file: string, name: string): number {
  const copy = join(dir, name)
  copyFileSync(file, copy)
  const db = new Database(copy, { readonly: true })
  try {
    return db.prepare('SELECT COUNT(*) FROM t').pluck().get() as number
  } finally {
    db.close()
  }
}

it('none for an in-memory database', () => {
  expect(createCheckpointer(withDialect(new Database(':memory:')))).toBeNull()
})

it('copies committed frames into the database file from its worker; the main connection checkpoints only past the fallback', async () => {
  const file = join(dir, 'c.db')
  const db = openDb(file)
  db.exec('CREATE TABLE t (n INTEGER, pad BLOB)')
  const cp = createCheckpointer(db, { everyMs: 0 })!
  expect(cp).not.toBeNull()
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(16_384)
  const first = await cp.checkpoint() // the table itself reaches the file
  expect(first?.checkpointed).toBe(first?.log)
  const insert = db.prepare('INSERT INTO t VALUES (?, randomblob(3000))')
  // 1,500 commits of about one page each: past SQLite's default auto-checkpoint (1,000 pages), below the fallback.
  for (let i = 0; i < 1500; i++) insert.run(i)
  expect(rowsInFileAlone(file, 'before.db')).toBe(0) // the main connection did not checkpoint
  const r = await cp.checkpoint()
  expect(r).not.toBeNull()
  expect(r!.busy).toBe(false)
  expect(r!.log).toBeGreaterThan(1500)
  expect(r!.checkpointed).toBe(r!.log)
  expect(rowsInFileAlone(file, 'after.db')).toBe(1500)
  // The WAL is rewound by the next commit, not grown: the file keeps its size.
  const size = statSync(`${file}-wal`).size
  for (let i = 0; i < 10; i++) insert.run(i)
  expect(statSync(`${file}-wal`).size).toBe(size)
  expect(cp.stats()).toMatchObject({ checkpoints: 2, failures: 0 })
  await cp.close()
  expect(await cp.checkpoint()).toBeNull()
  db.close()
})

it('checkpoints by itself after commits', async () => {
  const file = join(dir, 'timer.db')
  const db = openDb(file)
  db.exec('CREATE TABLE t (n INTEGER, pad BLOB)')
  const cp = createCheckpointer(db, { everyMs: 20 })!
  db.prepare('INSERT INTO t VALUES (1, NULL)').run()
  await vi.waitFor(() => expect(rowsInFileAlone(file, 'timer-copy.db')).toBe(1), { timeout: 30_000, interval: 20 })
  await cp.close()
  db.close()
})

it('closes in a process with nothing else to do (the worker does not keep it alive, nor lets it exit mid-close)', () => {
  const file = join(dir, 'exit.db')
  const script = `
    import { openDb } from ${JSON.stringify(new URL('./open.ts', import.meta.url).pathname)}
    import { createCheckpointer } from ${JSON.stringify(new URL('./checkpointer.ts', import.meta.url).pathname)}
    const db = openDb(${JSON.stringify(file)})
    db.exec('CREATE TABLE t (n INTEGER)')
    const cp = createCheckpointer(db)
    await cp.checkpoint()
    await cp.close()
    db.close()
    console.log('closed')
  `
  const entry = join(dir, 'exit.mts')
  writeFileSync(entry, script)
  const out = execFileSync(process.execPath, ['--import', 'tsx', entry], { encoding: 'utf8' })
  expect(out.trim()).toBe('closed')
})

it('two checkpointers on one file (as relays sharing it run) both answer, neither reports a failure', async () => {
  const file = join(dir, 'shared.db')
  const a = openDb(file)
  const b = openDb(file)
  a.exec('CREATE TABLE t (n INTEGER, pad BLOB)')
  const ca = createCheckpointer(a, { everyMs: 0 })!
  const cb = createCheckpointer(b, { everyMs: 0 })!
  const insert = a.prepare('INSERT INTO t VALUES (?, randomblob(3000))')
  for (let i = 0; i < 300; i++) insert.run(i)
  const [ra, rb] = await Promise.all([ca.checkpoint(), cb.checkpoint()])
  expect(ra).not.toBeNull()
  expect(rb).not.toBeNull()
  expect(ca.stats().failures + cb.stats().failures).toBe(0)
  expect(rowsInFileAlone(file, 'shared-copy.db')).toBe(300)
  await Promise.all([ca.close(), cb.close()])
  a.close()
  b.close()
})
