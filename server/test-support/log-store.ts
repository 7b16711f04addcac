// A doc store on a fresh database file (SQLite, or PostgreSQL in the suite's second pass) with a few households
// created, for the tests of the log itself.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { createDocStore, type DocStore } from '../store/doc-store.ts'
import { householdUpdate } from './household-fixture.ts'

export interface LogStore {
  dir: string
  db: Db
  store: DocStore
  close(): void
}

export function openLogStore(households: readonly string[]): LogStore {
  const dir = mkdtempSync(join(tmpdir(), 'rasoat-log-'))
  const db = openDb(join(dir, 'test.db'))
  migrate(db, migrations)
  const store = createDocStore(db, { cacheSize: 4 })
  db.transaction(() => {
    for (const id of households)
      store.createHousehold(
        { id, period: '2025', unitCode: '19900', villageId: 'v1' },
        householdUpdate({ id, headName: id }),
        'seed',
      )
  })()
  return {
    dir,
    db,
    store,
    close() {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
