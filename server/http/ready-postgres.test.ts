// Readiness on a real PostgreSQL reached through a TCP proxy the test cuts and restores: while the database resets
// every connection the relay is not ready (database down, nothing answered from memory), and it is ready again by
// itself once the database is back (the handle reconnects; no restart).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrations } from '../db/migrations/index.ts'
import { openPg } from '../db/pg/pg-db.ts'
import type { Db } from '../db/open.ts'
import { freshPgSchema, type PgSchema } from '../test-support/postgres.ts'
import { startTcpProxy, throughProxy, type TcpProxy } from '../test-support/tcp-proxy.ts'
import { readiness } from './ready.ts'

describe('readiness on PostgreSQL', () => {
  let pg: PgSchema
  let proxy: TcpProxy
  let db: Db
  beforeAll(async () => {
    pg = freshPgSchema('ready')
    const setup = pg.open()
    setup.exec('CREATE TABLE schema_migrations (id BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)')
    const record = setup.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)')
    for (const m of migrations) record.run(m.id, m.name, 1)
    setup.close()
    const target = new URL(pg.url)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    db = openPg({ url: throughProxy(pg.url, proxy), searchPath: pg.schema })
  })
  afterAll(async () => {
    db?.close()
    await proxy?.close()
    pg?.drop()
  })

  it('is ready, not ready while the database resets connections, and ready again once it is back', async () => {
    expect(readiness({ db, migrations })).toMatchObject({ ready: true, database: 'ok', migrations: 'current' })
    await proxy.cut()
    expect(readiness({ db, migrations })).toEqual({
      ready: false,
      database: 'down',
      migrations: 'unknown',
      writer: 'ok',
      fanout: 'local',
      notReady: ['database'],
      degraded: [],
    })
    await proxy.restore()
    expect(readiness({ db, migrations })).toMatchObject({ ready: true, database: 'ok', migrations: 'current' })
  })
})
