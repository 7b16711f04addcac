// A relay on a real PostgreSQL reached through a TCP proxy the test cuts (the database "goes down") and restores:
// meanwhile a device's edit is refused with the retryable sync/internal and never acknowledged, HTTP writes answer 503
// storage/unavailable, health and readiness answer 503; a frame whose access or session the relay cannot check is
// refused (the edit with sync/internal, the connection with 1011) — and once the database is back the same edit is
// acknowledged and stored exactly once, without restarting the relay. The relay's clock is the test's: which check
// reaches the database first never depends on how fast the machine is.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createSession } from '../auth/sessions.ts'
import { createUser } from '../auth/users.ts'
import { SCOPE_CACHE_MS, SCOPE_VERSION_POLL_MS } from '../relay/scope-cache.ts'
import { SyncClient } from '../relay/test-client.ts'
import { CloseCode } from '../../shared/sync/limits.ts'
import { docUpdate } from '../../shared/sync/protocol.ts'
import { startServer, type RunningServer } from '../server.ts'
import { freshPgSchema, type PgSchema } from '../test-support/postgres.ts'
import { replicaFrom, seedSyncWorld } from '../test-support/sync-world.ts'
import { startTcpProxy, throughProxy, type TcpProxy } from '../test-support/tcp-proxy.ts'

describe('PostgreSQL down under a running relay', () => {
  let pg: PgSchema | undefined
  let proxy: TcpProxy | undefined
  let server: RunningServer | undefined
  let dataDir: string | undefined
  afterAll(async () => {
    await server?.close().catch(() => {})
    await proxy?.close()
    pg?.drop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('refuses writes with stable codes, acknowledges nothing, and takes the same edit once the database is back', async () => {
    pg = freshPgSchema('down')
    const target = new URL(pg.url)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    dataDir = mkdtempSync(join(tmpdir(), 'rasoat-db-down-'))
    let commitFailed: () => void = () => {}
    let commitFailures = 0
    const failing = new Promise<void>((ok) => (commitFailed = ok))
    let clock = Date.now()
    server = await startServer({
      now: () => clock,
      dataDir,
      port: 0,
      seedDemo: false,
      clientDir: join(dataDir, 'none'),
      databaseUrl: throughProxy(pg.schemaUrl, proxy),
      log: () => {},
      commit: { retryMs: 5, maxAttempts: 3, onCommitError: () => (commitFailures++, commitFailed()) },
    })
    const s = server
    const token = await seedSyncWorld(s, ['hd-1'])
    const admin = await createUser(s.db, { username: 'admin-down', password: 'correct horse battery', role: 'admin' })
    const adminToken = createSession(s.db, admin.id).token
    const phone = await SyncClient.connect({ url: s.url, token, deviceId: 'phone-down' })
    await phone.hello()
    await phone.manifest([])
    const replica = replicaFrom(phone, 'hd-1', 73_001)
    replica.setAddress('Số 1 Trần Hưng Đạo')
    expect(await phone.sendUpdate('hd-1', replica.take())).toMatchObject({ type: 'ack', serverSeq: 2 })

    await proxy.cut()
    replica.setAddress('Số 2 Trần Hưng Đạo')
    const edit = replica.take()
    const answer = await phone.sendUpdate('hd-1', edit)
    await failing
    expect(answer).toMatchObject({ type: 'error', householdId: 'hd-1', code: 'sync/internal' })

    const write = await fetch(`${s.url}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nam', password: 'correct horse battery', role: 'observer' }),
    })
    expect(write.status).toBe(503)
    expect(await write.json()).toMatchObject({ code: 'storage/unavailable' })
    expect((await fetch(`${s.url}/api/health`)).status).toBe(503)
    const ready = await fetch(`${s.url}/api/ready`)
    expect(ready.status).toBe(503)
    expect(await ready.json()).toMatchObject({ database: 'down', notReady: expect.arrayContaining(['database']) })

    // Time for the relay to read the scope version again: it cannot, so the edit is refused before the commit, every
    // time it comes until the database answers, and the connection stays open.
    clock += SCOPE_VERSION_POLL_MS
    const failedCommits = commitFailures
    for (let i = 0; i < 2; i++)
      expect(await phone.sendUpdate('hd-1', edit)).toMatchObject({
        type: 'error',
        householdId: 'hd-1',
        code: 'sync/internal',
      })
    expect(commitFailures).toBe(failedCommits) // refused before the commit: no write was tried
    // Time to check the session again: it cannot be checked, so the connection closes with 1011 (reconnect, retry).
    clock += SCOPE_CACHE_MS
    phone.send(docUpdate('hd-1', edit))
    expect(await phone.closed()).toBe(CloseCode.INTERNAL_ERROR)
    expect(phone.errors.at(-1)).toMatchObject({ code: 'sync/internal' })
    expect(phone.errors.at(-1)?.householdId).toBeUndefined()

    await proxy.restore()
    // The phone reconnects and sends the refused edit again (sync/internal is retryable): acknowledged, stored once.
    const again = await SyncClient.connect({ url: s.url, token, deviceId: 'phone-down' })
    await again.hello()
    await again.manifest([])
    expect(await again.sendUpdate('hd-1', edit)).toMatchObject({ type: 'ack', serverSeq: 3 })
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM doc_log WHERE household_id = ?').pluck().get('hd-1')).toBe(2)
    await expect.poll(async () => (await fetch(`${s.url}/api/ready`)).status).toBe(200)
    await again.close()
  })
})
