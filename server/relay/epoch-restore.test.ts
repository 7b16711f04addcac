// P15 against the real relay: a device acknowledged under one database epoch meets a server restored from an older
// copy of its SQLite file (new epoch). The device announces every household as never synced, re-sends what the
// server lost (stored and ACKed), keeps unsynced edits counted until their own ACK, and adopts the new epoch; a
// household found in the field after the backup is created again on the restored server, never deleted on the device.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { afterEach, expect, it } from 'vitest'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { MemorySessionStore } from '../../shared/sync/memory-store.ts'
import { createApp } from '../app.ts'
import { createAccess } from '../auth/access.ts'
import { createSession } from '../auth/sessions.ts'
import { createUser } from '../auth/users.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { currentPeriod, ensureReferenceData } from '../db/reference-data.ts'
import { createDocStore, type DocStore } from '../store/doc-store.ts'
import { createRelay } from './index.ts'
import { householdUpdate } from '../test-support/household-fixture.ts'
import { TEST_UNIT } from '../test-support/relay-server.ts'
import { connectDevice, type TestDevice } from './test-client.ts'

interface Running {
  url: string
  db: Db
  docStore: DocStore
  stop(): Promise<void>
}

const dirs: string[] = []
const devices: TestDevice[] = []
afterEach(() => {
  for (const d of devices.splice(0)) d.stop()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** The production assembly (relay + app on port 0) over `file`, announcing `epoch` in WELCOME. */
async function start(file: string, epoch: string): Promise<Running> {
  const db = openDb(file)
  migrate(db, migrations)
  ensureReferenceData(db)
  const docStore = createDocStore(db)
  const relay = createRelay({ db, access: createAccess(db), docStore, epoch, onError: () => {} })
  const app = createApp({
    db,
    access: createAccess(db),
    relay,
    version: 'test',
    clientDir: join(file, '..', 'none'),
    photosDir: join(file, '..', 'photos'),
    logError: () => {},
  })
  const server: ServerType = await new Promise((ok) => {
    const s = serve({ fetch: app.app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(s))
  })
  app.injectWebSocket(server)
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    db,
    docStore,
    async stop() {
      await relay.flush()
      await relay.close()
      for (const ws of app.wss.clients) ws.terminate()
      await new Promise<void>((ok) => {
        server.close(() => ok())
        if ('closeAllConnections' in server) server.closeAllConnections()
      })
      db.close()
    },
  }
}

function serverAddress(docStore: DocStore, id: string): string {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, docStore.readState(id)!)
  return new HouseholdDoc(doc).read().household.address
}

function setAddress(store: MemorySessionStore, id: string, address: string): void {
  store.edit(id, (doc) => {
    const r = new HouseholdDoc(doc).setField('address', address)
    if (!r.ok) throw new Error(r.reason)
  })
}

it('P15: after a restore (new epoch) the device re-sends what the server lost; it is stored and ACKed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rasoat-epoch-'))
  dirs.push(dir)
  const file = join(dir, 'rasoat.db')
  let server = await start(file, 'epoch-1')
  server.db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?)').run('ve', TEST_UNIT, 'Thôn E')
  const docStore = server.docStore
  server.db.transaction(() => {
    for (const id of ['he-1', 'he-2'])
      docStore.createHousehold(
        { id, period: '2025', unitCode: TEST_UNIT, villageId: 've' },
        householdUpdate({ id, headName: `Lê ${id}`, village: 've' }),
        'seed',
      )
  })()
  const user = await createUser(server.db, {
    username: 'mai',
    password: 'correct horse battery',
    role: 'enumerator',
    villages: ['ve'],
  })
  const token = createSession(server.db, user.id).token

  const store = new MemorySessionStore()
  let device = connectDevice({ url: server.url, token, store })
  devices.push(device)
  await device.until((s) => s.phase === 'synced', 'the bootstrap')
  expect(store.storedEpoch).toBe('epoch-1')

  // The backup: taken after a first edit.
  setAddress(store, 'he-1', 'before the backup')
  device.session.notifyOutbox('he-1')
  await device.until((s) => s.phase === 'synced' && store.unsynced() === 0, 'the first edit ACKed')
  server.db.pragma('wal_checkpoint(TRUNCATE)')
  copyFileSync(file, join(dir, 'backup.db'))

  // Work the backup does not hold: an ACKed edit on he-1 and one on he-2, then an edit made while the server is down.
  setAddress(store, 'he-1', 'after the backup')
  setAddress(store, 'he-2', 'also after the backup')
  device.session.notifyOutbox('he-1')
  device.session.notifyOutbox('he-2')
  await device.until((s) => s.phase === 'synced' && store.unsynced() === 0, 'the later edits ACKed')
  const ackedSeq = store.seqs.get('he-1')!
  device.stop()
  await server.stop()
  setAddress(store, 'he-2', 'offline while restoring')
  expect(store.unsynced()).toBe(1)

  // Restore: the older file, a new epoch.
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true })
  copyFileSync(join(dir, 'backup.db'), file)
  server = await start(file, 'epoch-2')
  expect(serverAddress(server.docStore, 'he-1')).toBe('before the backup')

  device = connectDevice({ url: server.url, token, store })
  devices.push(device)
  await device.until(
    (s) => s.phase === 'synced' && store.unsynced() === 0 && store.storedEpoch === 'epoch-2',
    'the re-sent state ACKed under epoch-2',
  )
  expect(serverAddress(server.docStore, 'he-1')).toBe('after the backup')
  expect(serverAddress(server.docStore, 'he-2')).toBe('offline while restoring')
  // serverSeqs now count in the restored log, not the lost one.
  expect(store.seqs.get('he-1')).toBeLessThanOrEqual(server.docStore.head('he-1')!)
  expect(ackedSeq).toBeGreaterThan(0)
  await server.stop()
})

it('P15: a household found in the field after the backup (ACKed, outbox empty) is created again by the re-send, and kept on the device', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rasoat-epoch-'))
  dirs.push(dir)
  const file = join(dir, 'rasoat.db')
  let server = await start(file, 'epoch-1')
  server.db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?)').run('vf', TEST_UNIT, 'Thôn F')
  const user = await createUser(server.db, {
    username: 'lan',
    password: 'correct horse battery',
    role: 'enumerator',
    villages: ['vf'],
  })
  const token = createSession(server.db, user.id).token
  const period = currentPeriod(server.db)
  server.db.pragma('wal_checkpoint(TRUNCATE)')
  copyFileSync(file, join(dir, 'backup.db'))

  const store = new MemorySessionStore()
  let device = connectDevice({ url: server.url, token, store })
  devices.push(device)
  await device.until((s) => s.phase === 'synced', 'the first sync')
  store.edit('hf-1', (doc) => {
    const r = new HouseholdDoc(doc).foundInField({
      id: 'hf-1',
      period,
      unit: TEST_UNIT,
      village: 'vf',
      address: 'Kiệt 3 Lê Lợi',
      headName: 'Trần Thị Hoa',
    })
    if (!r.ok) throw new Error(r.reason)
  })
  device.session.notifyOutbox('hf-1')
  await device.until((s) => s.phase === 'synced' && store.unsynced() === 0, 'the found household ACKed')
  expect(store.seqs.get('hf-1')).toBe(1)
  device.stop()
  await server.stop()

  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true })
  copyFileSync(join(dir, 'backup.db'), file)
  server = await start(file, 'epoch-2')
  expect(server.docStore.readState('hf-1')).toBeFalsy()

  device = connectDevice({ url: server.url, token, store })
  devices.push(device)
  await device.until(
    (s) => s.phase === 'synced' && store.storedEpoch === 'epoch-2',
    'the found household re-sent under epoch-2',
  )
  expect(serverAddress(server.docStore, 'hf-1')).toBe('Kiệt 3 Lê Lợi')
  expect(store.docs.has('hf-1')).toBe(true)
  expect(store.removed.has('hf-1')).toBe(false)
  await server.stop()
})
