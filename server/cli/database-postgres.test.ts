// CLI commands (seed, import, periods, users) work on the PostgreSQL database the server uses when DATABASE_URL is set.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { appliedMigrations } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { freshPgSchema, testDatabaseUrl } from '../test-support/postgres.ts'
import { openCliDatabase } from './database.ts'

describe.runIf(testDatabaseUrl)('openCliDatabase with DATABASE_URL', () => {
  const saved = process.env.DATABASE_URL
  afterEach(() => {
    if (saved === undefined) delete process.env.DATABASE_URL
    else process.env.DATABASE_URL = saved
  })

  it('opens, migrates and fills the PostgreSQL database, and writes no SQLite file', () => {
    const pg = freshPgSchema('cli')
    const dir = mkdtempSync(join(tmpdir(), 'rasoat-cli-pg-'))
    process.env.DATABASE_URL = pg.schemaUrl
    const { db, file } = openCliDatabase(dir)
    try {
      expect(db.dialect).toBe('postgres')
      const password = new URL(pg.url).password
      if (password) expect(file).not.toContain(`:${password}@`)
      expect(appliedMigrations(db).map((m) => m.id)).toEqual(migrations.map((m) => m.id))
      expect(db.prepare('SELECT count(*) FROM units').pluck().get()).toBe(40)
      expect(existsSync(join(dir, 'rasoat.db'))).toBe(false)
    } finally {
      db.close()
      pg.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
