// GET /api/ready on a real server over a real SQLite file: ready when the database answers with exactly this code's
// migrations and commits succeed; 503 naming the part that is not (migrations ahead or behind, writer stalled,
// database closed, fan-out unsubscribed or catching up), and ready again once it recovers.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrations } from '../db/migrations/index.ts'
import { openDb } from '../db/open.ts'
import { replicaFrom, seedSyncWorld } from '../test-support/sync-world.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { SyncClient } from '../relay/test-client.ts'
import { readiness, type ReadyBody } from './ready.ts'

const servers: TestServer[] = []
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => {})
})

async function start(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer({ log: () => {}, ...opts })
  servers.push(s)
  return s
}

async function ready(s: TestServer): Promise<{ status: number; body: ReadyBody }> {
  const res = await fetch(`${s.url}/api/ready`)
  return { status: res.status, body: (await res.json()) as ReadyBody }
}

const latest = Math.max(...migrations.map((m) => m.id))

describe('GET /api/ready', () => {
  it('answers 200 without a login when the database is current and commits succeed', async () => {
    const s = await start()
    expect(await ready(s)).toEqual({
      status: 200,
      body: {
        ready: true,
        database: 'ok',
        migrations: 'current',
        writer: 'ok',
        fanout: 'local',
        notReady: [],
        degraded: [],
      },
    })
  })

  it('is not ready while the database has a migration this code does not know, nor while one is missing', async () => {
    const s = await start()
    s.db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(9999, 'newer', 1)
    expect(await ready(s)).toMatchObject({
      status: 503,
      body: { ready: false, migrations: 'ahead', notReady: ['migrations'] },
    })
    s.db.prepare('DELETE FROM schema_migrations WHERE id = 9999').run()
    const row = s.db.prepare('SELECT id, name, applied_at FROM schema_migrations WHERE id = ?').get(latest) as {
      id: number
      name: string
      applied_at: number
    }
    s.db.prepare('DELETE FROM schema_migrations WHERE id = ?').run(latest)
    expect(await ready(s)).toMatchObject({ status: 503, body: { migrations: 'behind', notReady: ['migrations'] } })
    s.db
      .prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)')
      .run(row.id, row.name, row.applied_at)
    expect((await ready(s)).status).toBe(200)
  })

  it('is not ready while commits fail, and ready again after the next successful commit', async () => {
    let poisoned = true
    let failed: () => void = () => {}
    const firstFailure = new Promise<void>((ok) => (failed = ok))
    const s = await start({
      commit: {
        retryMs: 5,
        maxAttempts: 2,
        beforeCommit: (ids) => {
          if (poisoned && ids.includes('hr-bad')) throw new Error('SQLITE_IOERR: disk I/O error (simulated)')
        },
        onCommitError: () => failed(),
      },
    })
    const token = await seedSyncWorld(s, ['hr-bad', 'hr-ok'])
    const phone = await SyncClient.connect({ url: s.url, token, deviceId: 'phone-ready' })
    await phone.hello()
    await phone.manifest([])
    const bad = replicaFrom(phone, 'hr-bad', 72_001)
    bad.setAddress('Số 3 Lê Lợi')
    const refused = phone.sendUpdate('hr-bad', bad.take())
    await firstFailure
    expect(await ready(s)).toMatchObject({ status: 503, body: { writer: 'stalled', notReady: ['writer'] } })
    expect(await refused).toMatchObject({ type: 'error', code: 'sync/internal' })

    poisoned = false
    const ok = replicaFrom(phone, 'hr-ok', 72_002)
    ok.setAddress('Số 4 Lê Lợi')
    expect(await phone.sendUpdate('hr-ok', ok.take())).toMatchObject({ type: 'ack', householdId: 'hr-ok' })
    expect(await ready(s)).toMatchObject({ status: 200, body: { ready: true, writer: 'ok' } })
    await phone.close()
  })

  it('is not ready when the database does not answer (the handle is closed under it)', async () => {
    const s = await start()
    s.db.close()
    expect(await ready(s)).toMatchObject({
      status: 503,
      body: { ready: false, database: 'down', migrations: 'unknown', notReady: ['database'] },
    })
  })
})

describe('readiness of the fan-out', () => {
  it('names the fan-out while it is not subscribed or still catching up from the database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rasoat-ready-'))
    const db = openDb(join(dir, 'rasoat.db'))
    db.exec('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)')
    let state = { subscribed: false, caughtUp: false }
    const deps = { db, migrations: [], fanout: { readiness: () => state } }
    expect(readiness(deps)).toMatchObject({ ready: true, fanout: 'unsubscribed', notReady: [], degraded: ['fanout'] })
    state = { subscribed: true, caughtUp: false }
    expect(readiness(deps)).toMatchObject({ ready: true, fanout: 'catching-up', notReady: [], degraded: ['fanout'] })
    state = { subscribed: true, caughtUp: true }
    expect(readiness(deps)).toMatchObject({ ready: true, fanout: 'ok', notReady: [], degraded: [] })
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })
})
