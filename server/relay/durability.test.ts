// "Synced ✓ means committed": kill -9 the real server process (server/main.ts) right after ACKs arrive, restart it on
// the same data dir, and check that every acknowledged update is in the household state (P8). A SIGTERM while updates
// stream in is a clean stop: the process exits 0, tells the device it is shutting down, and keeps what it ACKed.
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createSession } from '../auth/sessions.ts'
import { createUser } from '../auth/users.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb } from '../db/open.ts'
import { ensureReferenceData } from '../db/reference-data.ts'
import { createDocStore } from '../store/doc-store.ts'
import { DeviceReplica, householdUpdate } from '../test-support/household-fixture.ts'
import { TEST_UNIT } from '../test-support/relay-server.ts'
import { freePort, killGroup, startServerProcess, stopProcess } from '../test-support/server-process.ts'
import { CloseCode, type SyncMessage } from '../../shared/sync/protocol.ts'
import { SyncClient } from './test-client.ts'

const HOUSEHOLDS = ['hk-1', 'hk-2', 'hk-3', 'hk-4']
let dataDir: string
let token: string
let child: ChildProcess | null = null

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'rasoat-kill9-'))
  const db = openDb(join(dataDir, 'rasoat.db'))
  migrate(db, migrations)
  ensureReferenceData(db)
  db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?)').run('vk', TEST_UNIT, 'Thôn K')
  const docStore = createDocStore(db)
  db.transaction(() => {
    for (const id of HOUSEHOLDS)
      docStore.createHousehold(
        { id, period: '2025', unitCode: TEST_UNIT, villageId: 'vk' },
        householdUpdate({ id, headName: id, village: 'vk' }),
        'seed',
      )
  })()
  const user = await createUser(db, {
    username: 'kim',
    password: 'correct horse battery',
    role: 'enumerator',
    villages: ['vk'],
  })
  token = createSession(db, user.id).token
  db.close()
})

afterAll(async () => {
  if (child) await killGroup(child, 'SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

it('P8: every ACKed update survives kill -9 of the server process', () => killAfterAcks('one by one'))

it("P8: every ACKed update sent in BATCHes (a reconnecting phone's outbox) survives kill -9 of the server process", () =>
  killAfterAcks('batched'))

it('a SIGTERM while updates stream in: exit code 0, the device told the server is shutting down, every ACK kept, none refused', () =>
  killAfterAcks('one by one', 'SIGTERM'))

/**
 * Fires 400 updates without waiting (one frame each, or BATCHes of 20); kill -9 (or SIGTERM) once 150 are ACKed; checks
 * them all.
 */
async function killAfterAcks(send: 'one by one' | 'batched', signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
  const port = await freePort()
  child = await startServerProcess(dataDir, port)
  const url = `http://127.0.0.1:${port}`
  const device = await SyncClient.connect({ url, token, deviceId: 'kim-phone' })
  await device.hello()
  await device.manifest([])
  const replicas = new Map(
    HOUSEHOLDS.map((id, i) => [
      id,
      (() => {
        const r = new DeviceReplica(50_000 + i)
        for (const u of device.updates.get(id) ?? []) r.apply(u)
        return r
      })(),
    ]),
  )

  // Fire 400 updates without waiting; kill -9 (or SIGTERM) as soon as 150 ACKs are in.
  const acked: { householdId: string; clientId: number; clockEnd: number }[] = []
  /** Answers other than an ACK: a stop, clean or not, never refuses an update (unanswered ones are sent again). */
  const refused: SyncMessage[] = []
  let killed: Promise<void> | null = null
  let batch: [string, Uint8Array, (m: SyncMessage) => void][] = []
  for (let i = 0; i < 400; i++) {
    const id = HOUSEHOLDS[i % HOUSEHOLDS.length]!
    const r = replicas.get(id)!
    r.setAddress(`Số ${i} đường Hùng Vương`)
    const clockEnd = Y.getState(r.doc.store, r.doc.clientID)
    const onAnswer = (m: SyncMessage): void => {
      if (m.type !== 'ack') refused.push(m)
      // After a SIGTERM the server still commits and ACKs what it holds: those ACKs count too.
      if (m.type !== 'ack' || (killed && signal === 'SIGKILL')) return
      acked.push({ householdId: id, clientId: r.doc.clientID, clockEnd })
      if (acked.length >= 150 && !killed)
        killed = signal === 'SIGKILL' ? killGroup(child!, 'SIGKILL') : stopProcess(child!) // SIGTERM to the process alone
    }
    if (send === 'one by one') void device.sendUpdate(id, r.take()).then(onAnswer)
    else batch.push([id, r.take(), onAnswer])
    if (batch.length === 20) {
      const answers = device.sendUpdates(batch.map(([h, u]) => [h, u]))
      batch.forEach(([, , then], k) => void answers[k]!.then(then))
      batch = []
    }
  }
  const closeCode = await device.closed()
  await killed
  expect(acked.length).toBeGreaterThanOrEqual(150)
  expect(refused).toEqual([])
  console.log(`${signal} after 150 ACKs; ${acked.length} of 400 updates ACKed in all`)
  if (signal === 'SIGTERM') {
    expect(closeCode).toBe(CloseCode.SERVER_SHUTDOWN)
    expect(child!.exitCode).toBe(0)
  }

  child = await startServerProcess(dataDir, port)
  const after = await SyncClient.connect({ url, token, deviceId: 'kim-phone-2' })
  await after.hello()
  await after.manifest([])
  for (const a of acked) {
    const state = Y.mergeUpdates(after.updates.get(a.householdId) ?? [])
    const sv = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state))
    expect(sv.get(a.clientId) ?? 0, `${a.householdId} lost an ACKed update`).toBeGreaterThanOrEqual(a.clockEnd)
  }
  await after.close()
  await killGroup(child, 'SIGTERM')
  child = null
}
