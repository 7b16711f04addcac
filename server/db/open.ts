// Opens the database of a server process: SQLite (one file, the default) with the pragmas every connection needs, or
// PostgreSQL (DATABASE_URL) through the synchronous handle of pg/. WAL lets SQLite's readers run while the relay's group
// commit writes; synchronous=NORMAL keeps fsync out of COMMIT — the relay fsyncs the WAL before it ACKs (wal-sync.ts).

import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { openPg } from './pg/pg-db.ts'
import type { Db } from './types.ts'

export type { Db, Dialect, RunResult, Statement, Transaction } from './types.ts'

export interface OpenDbOptions {
  /** Milliseconds a statement waits for a lock held by another connection (CLI next to a running server). */
  busyTimeoutMs?: number
  readonly?: boolean
}

/** The schema a test's database file maps to when the suite runs on PostgreSQL (RASOAT_TEST_DATABASE_URL). */
export function testSchemaOf(file: string): string {
  return `t_${createHash('sha256').update(resolve(file)).digest('hex').slice(0, 20)}`
}

/** Opens a PostgreSQL database; `schema` (created if missing) holds its tables instead of the URL's default. */
export function openPostgres(url: string, schema?: string, name?: string): Db {
  const db = openPg({ url, searchPath: schema, name })
  if (schema !== undefined) {
    try {
      db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    } catch (e) {
      // Two processes creating the same schema at once: the loser sees a duplicate, which is what it wanted.
      const code = (e as { code?: unknown }).code
      if (code !== '23505' && code !== '42P06') {
        db.close()
        throw e
      }
    }
  }
  return db
}

/**
 * The suite's PostgreSQL run (vitest.config.ts, RASOAT_TEST_ENGINE=postgres): every database file a test opens is a
 * schema of the run's database instead. The one place outside config.ts that reads the environment: tests only.
 */
function testPostgresUrl(): string | undefined {
  return process.env.RASOAT_TEST_ENGINE === 'postgres' ? process.env.RASOAT_TEST_DATABASE_URL : undefined
}

export function openDb(file: string, opts: OpenDbOptions = {}): Db {
  const testUrl = testPostgresUrl()
  if (testUrl) return openPostgres(testUrl, testSchemaOf(file), file)
  if (!opts.readonly) mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file, { readonly: opts.readonly ?? false })
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`)
  if (!opts.readonly) db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  return withDialect(db)
}

/** better-sqlite3's own object, marked as SQLite (no wrapper on the hot path). */
export function withDialect(db: Database.Database): Db {
  return Object.assign(db, { dialect: 'sqlite' as const })
}
