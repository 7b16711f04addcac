// PostgreSQL for tests: the server named by RASOAT_TEST_DATABASE_URL (absent: the PostgreSQL tests do not run), a
// fresh schema per caller, dropped afterwards, so tests in parallel never see each other's tables.
import { randomBytes } from 'node:crypto'
import { openPostgres, type Db } from '../db/open.ts'

export const testDatabaseUrl: string | undefined = process.env.RASOAT_TEST_DATABASE_URL || undefined

export interface PgSchema {
  url: string
  schema: string
  /** The URL with this schema as search_path: a DATABASE_URL for a server on it. */
  schemaUrl: string
  /** A new handle on the schema (each its own connection, like a second relay). */
  open(): Db
  /** Drops the schema and everything in it. */
  drop(): void
}

export function freshPgSchema(prefix = 'x'): PgSchema {
  const url = testDatabaseUrl
  if (!url) throw new Error('RASOAT_TEST_DATABASE_URL is not set')
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`
  openPostgres(url, schema).close()
  const schemaUrl = new URL(url)
  schemaUrl.searchParams.set('options', `-c search_path=${schema}`)
  return {
    url,
    schema,
    schemaUrl: schemaUrl.toString(),
    open: () => openPostgres(url, schema),
    drop() {
      const db = openPostgres(url)
      try {
        db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      } finally {
        db.close()
      }
    },
  }
}
