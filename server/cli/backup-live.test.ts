// `npm run cli -- backup` as its own process while the server commits edits: the file is one consistent moment —
// every household's summary, document state and log agree on its last seq.

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import { SyncClient } from '../relay/test-client.ts'
import { startServer } from '../server.ts'
import { replicaFrom, seedSyncWorld } from '../test-support/sync-world.ts'

const root = mkdtempSync(join(tmpdir(), 'rasoat-backup-live-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function backupProcess(file: string, dataDir: string): Promise<{ code: number | null; out: string }> {
  return new Promise((ok) => {
    const child = spawn(
      join(process.cwd(), 'node_modules', '.bin', 'tsx'),
      ['server/cli.ts', 'backup', file, '--data-dir', dataDir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    child.stdout.on('data', (b: Buffer) => (out += b.toString()))
    child.stderr.on('data', (b: Buffer) => (out += b.toString()))
    child.on('exit', (code) => ok({ code, out }))
  })
}

it('a backup taken by another process while edits are committed is consistent', async () => {
  const dataDir = join(root, 'data')
  const s = await startServer({ dataDir, port: 0, seedDemo: false, clientDir: join(root, 'none'), log: () => {} })
  const ids = Array.from({ length: 8 }, (_, i) => `hl-${i}`)
  const token = await seedSyncWorld(s, ids)
  const phone = await SyncClient.connect({ url: s.url, token, deviceId: 'busy-phone' })
  await phone.hello()
  await phone.manifest([])
  const replicas = ids.map((id, i) => replicaFrom(phone, id, 92_000 + i))

  let editing = true
  let acked = 0
  const edits = (async () => {
    for (let n = 0; editing; n++) {
      const i = n % ids.length
      replicas[i]!.setAddress(`Số ${n} Trần Phú`)
      const answer = await phone.sendUpdate(ids[i]!, replicas[i]!.take())
      if (answer.type === 'ack') acked++
    }
  })()
  const file = join(root, 'live.rasoat-backup')
  const result = await backupProcess(file, dataDir)
  editing = false
  await edits
  const ackedDuringBackup = acked
  expect(result.code, result.out).toBe(0)
  expect(ackedDuringBackup).toBeGreaterThan(0)

  const b = new Database(file, { readonly: true })
  expect(b.pragma('integrity_check', { simple: true })).toBe('ok')
  const rows = b
    .prepare(
      `SELECT h.id, h.server_seq AS summary,
              MAX(d.snapshot_seq, COALESCE((SELECT MAX(seq) FROM doc_log l WHERE l.household_id = h.id), 0)) AS logged
         FROM households h JOIN doc_state d ON d.household_id = h.id`,
    )
    .all() as { id: string; summary: number; logged: number }[]
  b.close()
  expect(rows).toHaveLength(ids.length)
  for (const r of rows) expect([r.id, r.summary]).toEqual([r.id, r.logged])
  await phone.close()
  await s.close()
})
