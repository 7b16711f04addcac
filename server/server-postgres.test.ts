// A server on PostgreSQL (DATABASE_URL): migrates the database, writes no SQLite file and takes no folder lock for it,
// and answers; two servers share one database. A wrong DATABASE_URL is refused by the config.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createUser } from './auth/users.ts'
import { readConfig } from './config.ts'
import { startupErrorLine } from './db/startup-errors.ts'
import { startServer, type RunningServer } from './server.ts'
import { freshPgSchema, startPgProxy, testDatabaseUrl, type PgSchema } from './test-support/postgres.ts'

it('reads DATABASE_URL and refuses one that is not postgres://', () => {
  expect(readConfig({}).databaseUrl).toBeUndefined()
  expect(readConfig({ DATABASE_URL: 'postgres://u:p@db:5432/rasoat' }).databaseUrl).toBe(
    'postgres://u:p@db:5432/rasoat',
  )
  expect(() => readConfig({ DATABASE_URL: 'mysql://db/rasoat' })).toThrow('DATABASE_URL must be a postgres:// URL')
})

describe.runIf(testDatabaseUrl)('startServer on PostgreSQL', () => {
  const dirs: string[] = []
  const servers: RunningServer[] = []
  let pg: PgSchema | undefined
  afterAll(async () => {
    for (const s of servers) await s.close()
    pg?.drop()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })
  const dataDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'rasoat-pg-server-'))
    dirs.push(d)
    return d
  }

  it('two servers on one new database: no SQLite file, both healthy, a user added through one logs in on the other', async () => {
    pg = freshPgSchema('srv')
    const opts = { port: 0, seedDemo: false, databaseUrl: pg.schemaUrl }
    const aDir = dataDir()
    const [a, b] = await Promise.all([
      startServer({ ...opts, dataDir: aDir }),
      startServer({ ...opts, dataDir: dataDir() }),
    ])
    servers.push(a, b)
    expect(a.db.dialect).toBe('postgres')
    expect(existsSync(join(aDir, 'rasoat.db'))).toBe(false)
    for (const s of [a, b]) expect((await fetch(`${s.url}/api/health`)).status).toBe(200)
    await createUser(a.db, {
      username: 'lan',
      password: 'correct horse battery',
      role: 'admin',
      displayName: 'Lan',
      unitCode: null,
    })
    const login = await fetch(`${b.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'lan', password: 'correct horse battery' }),
    })
    expect(login.status).toBe(200)
  })

  it('while PostgreSQL is unreachable: requests get storage/unavailable (503), health says so; then it recovers', async () => {
    const p = freshPgSchema('srv')
    const proxy = await startPgProxy(p.schemaUrl)
    try {
      const s = await startServer({ port: 0, seedDemo: false, dataDir: dataDir(), databaseUrl: proxy.url })
      servers.push(s)
      await createUser(s.db, {
        username: 'mai',
        password: 'correct horse battery',
        role: 'admin',
        displayName: 'Mai',
        unitCode: null,
      })
      const login = (): Promise<Response> =>
        fetch(`${s.url}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'mai', password: 'correct horse battery' }),
        })
      await proxy.cut()
      const refused = await login()
      expect(refused.status).toBe(503)
      expect(await refused.json()).toMatchObject({ code: 'storage/unavailable' })
      const health = await fetch(`${s.url}/api/health`)
      expect(health.status).toBe(503)
      expect(await health.json()).toMatchObject({ db: 'error' })
      await proxy.restore()
      expect((await login()).status).toBe(200)
      expect((await fetch(`${s.url}/api/health`)).status).toBe(200)
    } finally {
      await proxy.close()
      p.drop()
    }
  })

  it('does not start when PostgreSQL refuses, and says so in one line', async () => {
    const url = new URL(testDatabaseUrl ?? '')
    url.port = '1'
    const dir = dataDir()
    const err = await startServer({ port: 0, dataDir: dir, databaseUrl: url.toString() }).catch((e: unknown) => e)
    expect(startupErrorLine(err, { dataDir: dir })).toMatch(/^database\/unavailable: .*ECONNREFUSED/)
  })
})
