// A household whose commit keeps failing is refused alone: its device gets ERROR sync/internal (nothing stored, no ACK)
// while other households keep being ACKed; /api/health answers 503 with the reason meanwhile and recovers by itself.
// Real server on port 0, real SQLite file, real WebSocket clients; the failure is injected inside the commit.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { afterAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../server.ts'
import { replicaFrom, seedSyncWorld } from '../test-support/sync-world.ts'
import { SyncClient } from './test-client.ts'
import { createDocStore } from '../store/doc-store.ts'

const dirs: string[] = []
const servers: RunningServer[] = []
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => {})
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function start(opts: Partial<Parameters<typeof startServer>[0]> = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-failing-commit-'))
  dirs.push(dataDir)
  const s = await startServer({
    dataDir,
    port: 0,
    seedDemo: false,
    clientDir: join(dataDir, 'none'),
    log: () => {},
    ...opts,
  })
  servers.push(s)
  return s
}

describe('failing commits', () => {
  it('refuse the failing household’s edits with sync/internal, keep ACKing others, report the stall, recover', async () => {
    let poisoned = true
    let failed: () => void = () => {}
    const firstFailure = new Promise<void>((ok) => (failed = ok))
    const s = await start({
      commit: {
        retryMs: 5,
        maxAttempts: 3,
        beforeCommit: (ids) => {
          if (poisoned && ids.includes('hf-bad')) throw new Error('SQLITE_IOERR: disk I/O error (simulated)')
        },
        onCommitError: () => failed(),
      },
    })
    const token = await seedSyncWorld(s, ['hf-bad', 'hf-ok'])
    const phoneA = await SyncClient.connect({ url: s.url, token, deviceId: 'phone-a' })
    const phoneB = await SyncClient.connect({ url: s.url, token, deviceId: 'phone-b' })
    await phoneA.hello()
    await phoneB.hello()
    await phoneA.manifest([])
    await phoneB.manifest([])
    const bad = replicaFrom(phoneA, 'hf-bad', 71_001)
    const ok = replicaFrom(phoneB, 'hf-ok', 71_002)

    bad.setAddress('Số 1 Lê Duẩn')
    const badAnswer = phoneA.sendUpdate('hf-bad', bad.take())
    await firstFailure
    const during = await fetch(`${s.url}/api/health`)
    expect(during.status).toBe(503)
    expect(await during.json()).toMatchObject({
      ok: false,
      writer: 'stalled',
      reason: expect.stringContaining('disk I/O error'),
    })

    ok.setAddress('Số 2 Lê Duẩn')
    expect(await phoneB.sendUpdate('hf-ok', ok.take())).toMatchObject({
      type: 'ack',
      householdId: 'hf-ok',
      serverSeq: 2,
    })
    expect(await badAnswer).toMatchObject({ type: 'error', householdId: 'hf-bad', code: 'sync/internal' })
    expect(s.db.prepare('SELECT COUNT(*) FROM doc_log WHERE household_id = ?').pluck().get('hf-bad')).toBe(0)
    expect(s.docStore.head('hf-bad')).toBe(1)

    // The disk is back: the device re-sends what it keeps (the refused edit and a newer one), stored at the next seq.
    poisoned = false
    bad.setAddress('Số 3 Lê Duẩn')
    bad.take()
    expect(await phoneA.sendUpdate('hf-bad', Y.encodeStateAsUpdate(bad.doc))).toMatchObject({
      type: 'ack',
      householdId: 'hf-bad',
      serverSeq: 2,
    })
    expect(s.db.prepare('SELECT address FROM households WHERE id = ?').pluck().get('hf-bad')).toBe('Số 3 Lê Duẩn')
    const after = await fetch(`${s.url}/api/health`)
    expect(after.status).toBe(200)
    expect(await after.json()).toMatchObject({ ok: true, writer: 'ok', disk: 'ok' })
    await phoneA.close()
    await phoneB.close()
  })

  it('a real constraint failure on one household’s log (a second writer took its seq) blocks only that household', async () => {
    const s = await start({ commit: { retryMs: 1, maxAttempts: 2 }, log: () => {} })
    const token = await seedSyncWorld(s, ['hu-bad', 'hu-ok'])
    const phone = await SyncClient.connect({ url: s.url, token, deviceId: 'phone-u' })
    await phone.hello()
    await phone.manifest([])
    const bad = replicaFrom(phone, 'hu-bad', 72_001)
    const ok = replicaFrom(phone, 'hu-ok', 72_002)
    bad.setAddress('Số 4 Hà Nội')
    expect(await phone.sendUpdate('hu-bad', bad.take())).toMatchObject({ type: 'ack', serverSeq: 2 })
    // What a second server on the same folder used to do: commit the household's next seq behind this one's back.
    const other = createDocStore(s.db)
    s.db.transaction(() => {
      other.appendLog([
        {
          householdId: 'hu-bad',
          seq: 3,
          update: Uint8Array.from([0, 0]),
          userId: 'x',
          deviceId: 'x',
          clientIds: [],
          receivedAt: 0,
        },
      ])
      s.db.prepare("UPDATE households SET server_seq = 3 WHERE id = 'hu-bad'").run()
    })()
    bad.setAddress('Số 5 Hà Nội')
    ok.setAddress('Số 6 Hà Nội')
    const [badAnswer, okAnswer] = await Promise.all([
      phone.sendUpdate('hu-bad', bad.take()),
      phone.sendUpdate('hu-ok', ok.take()),
    ])
    expect(badAnswer).toMatchObject({ type: 'error', householdId: 'hu-bad', code: 'sync/internal' })
    expect(okAnswer).toMatchObject({ type: 'ack', householdId: 'hu-ok', serverSeq: 2 })
    ok.setAddress('Số 7 Hà Nội')
    expect(await phone.sendUpdate('hu-ok', ok.take())).toMatchObject({ type: 'ack', serverSeq: 3 })
    await phone.close()
  })

  it('health answers 503 disk full when the data folder’s disk has less free space than required', async () => {
    const s = await start({ minFreeBytes: Number.MAX_SAFE_INTEGER })
    const res = await fetch(`${s.url}/api/health`)
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({
      ok: false,
      disk: 'full',
      writer: 'ok',
      reason: expect.stringContaining('bytes free on the data folder'),
    })
  })
})
