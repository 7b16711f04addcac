// A household whose assignment was revoked while the phone edited it offline: the server refuses the edit
// (sync/forbidden), the phone keeps it as refused and never says synced; going back to the server's value forgets
// the household, since it is no longer the user's.
import 'fake-indexeddb/auto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../server/server.ts'
import { Backoff } from '../../shared/sync/backoff.ts'
import { openDevice } from '../app/device.ts'
import { SyncClient, type SocketLike, type SyncStatus } from './sync-client.ts'

const PASSWORD = 'demo-password-1'
let server: RunningServer
let dataDir: string
let token: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'rasoat-revoked-'))
  server = await startServer({
    dataDir,
    port: 0,
    seedDemo: true,
    demoPassword: PASSWORD,
    clientDir: join(dataDir, 'none'),
  })
  const res = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'enum1', password: PASSWORD }),
  })
  token = ((await res.json()) as { token: string }).token
})

afterAll(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

it('an edit of a household revoked meanwhile is refused (forbidden); going back forgets the household', async () => {
  const device = await openDevice(indexedDB, 'rasoat-revoked-1')
  const network = { online: true }
  const client = new SyncClient({
    url: () => `${server.url.replace('http', 'ws')}/sync?token=${token}`,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    store: device.syncStore,
    deviceId: device.deviceId,
    appVersion: 'test',
    isOnline: () => network.online,
    backoff: new Backoff({ baseMs: 20, capMs: 100 }),
  })
  device.onOutbox = (id) => client.notifyOutbox(id)
  const until = (test: (s: SyncStatus) => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (test(client.status)) return resolve()
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; ${JSON.stringify(client.status)}`)),
        30_000,
      )
      const off = client.onStatus((s) => test(s) && (clearTimeout(timer), off(), resolve()))
    })
  client.start()
  await until((s) => s.phase === 'synced', 'the bootstrap')
  const id = device.index.all()[0]!.id

  network.online = false
  client.disconnect()
  const opened = await device.households.openHousehold(id)
  opened.household.setField('address', '5 Đã Bị Thu Hồi')
  await opened.close()
  const village = server.db.prepare('SELECT village_id FROM households WHERE id = ?').pluck().get(id) as string
  server.db
    .prepare(
      "DELETE FROM assignments WHERE village_id = ? AND user_id = (SELECT id FROM users WHERE username = 'enum1')",
    )
    .run(village)

  network.online = true
  client.kick()
  await until((s) => s.phase === 'refused', 'the refusal')
  expect(device.index.get(id)).toMatchObject({
    removed: true,
    dirty: true,
    error: { code: 'sync/forbidden', retryable: false },
  })
  // The other households of that village left the phone; the refused one stays until the user decides.
  expect(
    device.index
      .all()
      .filter((r) => r.removed)
      .map((r) => r.id),
  ).toEqual([id])

  await client.discardLocal(id)
  await until((s) => s.phase === 'synced' && s.refused === 0, 'synced once the household is gone')
  expect(device.index.get(id)).toBeUndefined()
  expect(await device.summary.household(id)).toBeUndefined()
  expect((await device.summary.allOutbox()).filter((e) => e.householdId === id)).toEqual([])
  client.stop()
})
