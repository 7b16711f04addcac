// CLI commands (seed, import, periods, users) work on the PostgreSQL database the server uses when DATABASE_URL is set.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { appliedMigrations } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { freshPgSchema, testDatabaseUrl } from '../test-support/postgres.ts'
import { openPostgres } from '../db/open.ts'
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
  it('three commands started at once on a new database migrate it once and all succeed', async () => {
    const pg = freshPgSchema('cli')
    const dir = mkdtempSync(join(tmpdir(), 'rasoat-cli-pg-'))
    const runOne = (): Promise<{ code: number | null; err: string }> =>
      new Promise((done) => {
        const p = spawn('node_modules/.bin/tsx', ['server/cli.ts', 'current-period', '2025', '--data-dir', dir], {
          env: { ...process.env, DATABASE_URL: pg.schemaUrl, RASOAT_TEST_ENGINE: '' },
          stdio: ['ignore', 'ignore', 'pipe'],
        })
        let err = ''
        p.stderr?.on('data', (d: Buffer) => (err += d.toString()))
        p.on('exit', (code) => done({ code, err }))
      })
    try {
      const results = await Promise.all([runOne(), runOne(), runOne()])
      expect(results).toEqual([0, 1, 2].map(() => ({ code: 0, err: '' })))
      const db = openPostgres(pg.url, pg.schema)
      expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(migrations.length)
      db.close()
    } finally {
      pg.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
