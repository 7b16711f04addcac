// Opens the server's database for a CLI command: --data-dir wins over DATA_DIR, then migrates and loads
// reference data, exactly as the server would, so the CLI works on a fresh directory or beside a running server.

import { readConfig } from '../config.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, openPostgres, type Db } from '../db/open.ts'
import { ensureReferenceData } from '../db/reference-data.ts'
import { databaseFile } from '../server.ts'

/** `file`: the SQLite file, or (DATABASE_URL) the PostgreSQL database's URL without its password. */
export function openCliDatabase(dataDirFlag: string | undefined): { db: Db; file: string } {
  const config = readConfig(process.env)
  const dataDir = dataDirFlag ?? config.dataDir
  const db = config.databaseUrl
    ? openPostgres(config.databaseUrl)
    : openDb(databaseFile(dataDir), { busyTimeoutMs: 30_000 })
  const file = db.dialect === 'postgres' ? db.name : databaseFile(dataDir)
  migrate(db, migrations)
  ensureReferenceData(db)
  return { db, file }
}
