// The WAL syncer on a real WAL database: available for files (not memory), and the periodic sync runs only after
// the connection changed rows.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import { openDb, withDialect } from './open.ts'
import { createWalSync, syncWhenChanged } from './wal-sync.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-wal-sync-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('syncs a file database in WAL mode; none for an in-memory one; the periodic sync only after changes', async () => {
  expect(createWalSync(withDialect(new Database(':memory:')))).toBeNull()
  const db = openDb(join(dir, 'w.db'))
  db.exec('CREATE TABLE t (n INTEGER)')
  const wal = createWalSync(db)
  expect(wal).not.toBeNull()
  await wal!.sync()
  const tick = syncWhenChanged(db, wal!)
  expect(await tick()).toBe(false)
  db.prepare('INSERT INTO t VALUES (1)').run()
  expect(await tick()).toBe(true)
  expect(await tick()).toBe(false)
  wal!.close()
  db.close()
})
