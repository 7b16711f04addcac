// Opens the server's database for a CLI command: --data-dir wins over DATA_DIR, then migrates and loads
// reference data, exactly as the server would, so the CLI works on a fresh directory or beside a running server.

import { readConfig } from '../config.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { ensureReferenceData } from '../db/reference-data.ts'
import { databaseFile } from '../server.ts'

export function openCliDatabase(dataDirFlag: string | undefined): { db: Db; file: string } {
  const dataDir = dataDirFlag ?? readConfig(process.env).dataDir
  const file = databaseFile(dataDir)
  const db = openDb(file, { busyTimeoutMs: 30_000 })
  migrate(db, migrations)
  ensureReferenceData(db)
  return { db, file }
}
