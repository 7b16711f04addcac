// Backup while serving, three ACKed edits, restore, restart: the devices see a new epoch, a device claiming a seq above
// the server's head is told "changed", and re-sending its state stores those edits again under fresh seqs (P15).
// Real server on port 0, real SQLite files, real WebSocket clients, the CLI commands' run().

import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import * as Y from 'yjs'
import { afterAll, describe, expect, it } from 'vitest'
import { sha256Hex } from '../photos/photo-store.ts'
import { SyncClient } from '../relay/test-client.ts'
import type { DeviceReplica } from '../test-support/household-fixture.ts'
import { startServer, type RunningServer } from '../server.ts'
import { replicaFrom, seedSyncWorld } from '../test-support/sync-world.ts'
import { run as backup } from './backup.ts'
import { run as restore } from './restore.ts'

const root = mkdtempSync(join(tmpdir(), 'rasoat-backup-'))
const dataDir = join(root, 'data')
const open: RunningServer[] = []
afterAll(async () => {
  for (const s of open) await s.close().catch(() => {})
  rmSync(root, { recursive: true, force: true })
})

async function start(): Promise<RunningServer> {
  const s = await startServer({ dataDir, port: 0, seedDemo: false, clientDir: join(root, 'none'), log: () => {} })
  open.push(s)
  return s
}
async function stop(s: RunningServer): Promise<void> {
  await s.close()
  open.splice(open.indexOf(s), 1)
}

const H = 'hb-1'
const photo = new Uint8Array(4000).map((_, i) => (i < 3 ? [0xff, 0xd8, 0xff][i]! : (i * 7) & 0xff))
const sha = sha256Hex(photo)

async function edit(client: SyncClient, r: DeviceReplica, address: string): Promise<number> {
  r.setAddress(address)
  const answer = await client.sendUpdate(H, r.take())
  if (answer.type !== 'ack') throw new Error(`not acked: ${JSON.stringify(answer)}`)
  return answer.serverSeq
}

describe('backup and restore with an epoch', () => {
  let token = ''
  let epochBefore = ''
  let replica: DeviceReplica
  const file = join(root, 'rasoat-backup.db')

  it('backs up while serving (database and photos in one file), then three more edits are ACKed', async () => {
    const s = await start()
    token = await seedSyncWorld(s, [H, 'hb-2'])
    const put = await fetch(`${s.url}/api/photos/${sha}?household=${H}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
      body: photo,
    })
    expect(put.status).toBe(201)
    const phone = await SyncClient.connect({ url: s.url, token, deviceId: 'phone-1' })
    const welcome = await phone.hello()
    expect(welcome).toMatchObject({ type: 'welcome', epoch: s.epoch })
    epochBefore = s.epoch
    expect(epochBefore).toMatch(/^[0-9a-f-]{36}$/)
    await phone.manifest([])
    replica = replicaFrom(phone, H, 81_001)
    expect(await edit(phone, replica, 'Số 1 Nguyễn Huệ')).toBe(2)

    expect(await backup([file, '--data-dir', dataDir])).toBe(0)
    const b = new Database(file, { readonly: true })
    expect(b.prepare('SELECT server_seq FROM households WHERE id = ?').pluck().get(H)).toBe(2)
    expect(
      new Uint8Array(b.prepare('SELECT bytes FROM backup_photos WHERE sha256 = ?').pluck().get(sha) as Buffer),
    ).toEqual(photo)
    b.close()
    expect(await backup([file, '--data-dir', dataDir])).toBe(1) // never overwrites a file

    expect([
      await edit(phone, replica, 'Số 2'),
      await edit(phone, replica, 'Số 3'),
      await edit(phone, replica, 'Số 4'),
    ]).toEqual([3, 4, 5])
    await phone.close()

    // restore refuses while the server holds the folder, and changes nothing
    expect(await restore([file, '--data-dir', dataDir])).toBe(1)
    expect(s.db.prepare('SELECT server_seq FROM households WHERE id = ?').pluck().get(H)).toBe(5)
    await stop(s)
  })

  it('refuses a file that is not a backup, leaving the data as it was', async () => {
    const junk = join(root, 'junk.db')
    writeFileSync(junk, 'not a database at all, just some text padding '.repeat(200))
    expect(await restore([junk, '--data-dir', dataDir])).toBe(1)
    const plain = join(root, 'plain.db')
    new Database(plain).exec('CREATE TABLE x (y)')
    expect(await restore([plain, '--data-dir', dataDir])).toBe(1)
    const tampered = join(root, 'tampered.db')
    copyFileSync(file, tampered)
    const t = new Database(tampered)
    t.prepare('UPDATE backup_photos SET bytes = ?').run(Buffer.from([0xff, 0xd8, 0xff, 0]))
    t.close()
    expect(await restore([tampered, '--data-dir', dataDir])).toBe(1)
    expect(readdirSync(dataDir).filter((n) => n.startsWith('.restore-') || n.startsWith('before-restore-'))).toEqual([])
    mkdirSync(join(dataDir, '.restore-killed', 'photos'), { recursive: true }) // a restore killed half-way
    const s = await start()
    expect(existsSync(join(dataDir, '.restore-killed'))).toBe(false)
    expect(s.epoch).toBe(epochBefore)
    expect(s.docStore.head(H)).toBe(5)
    await stop(s)
  })

  it('after restore: a new epoch, "changed" for a seq above the head, and the re-sent edits stored under fresh seqs', async () => {
    expect(await restore([file, '--data-dir', dataDir])).toBe(0)
    const kept = readdirSync(dataDir).filter((n) => n.startsWith('before-restore-'))
    expect(kept).toHaveLength(1) // the replaced data is kept aside, not deleted
    const s = await start()
    expect(s.epoch).not.toBe(epochBefore)
    expect(s.docStore.head(H)).toBe(2)
    const got = await fetch(`${s.url}/api/photos/${sha}`, { headers: { authorization: `Bearer ${token}` } })
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(photo)

    // The same phone, ignoring the epoch: it last saw seq 5, the server's head is 2 — never "unchanged".
    const phone = await SyncClient.connect({ url: s.url, token, deviceId: 'phone-1' })
    expect(await phone.hello()).toMatchObject({ type: 'welcome', epoch: s.epoch })
    const reply = await phone.manifest([
      [H, 5],
      ['hb-2', 1],
    ])
    expect(reply.changed).toEqual([[H, 2]])
    expect(reply.added).toEqual([])
    // It re-sends what it holds (its Yjs state): the three edits are stored again, ACKed with a fresh seq after 2.
    const ack = await phone.sendUpdate(H, Y.encodeStateAsUpdate(replica.doc))
    expect(ack).toMatchObject({ type: 'ack', householdId: H, serverSeq: 3 })
    expect(s.db.prepare('SELECT address, server_seq FROM households WHERE id = ?').get(H)).toEqual({
      address: 'Số 4',
      server_seq: 3,
    })
    const seqs = s.db.prepare('SELECT seq FROM doc_log WHERE household_id = ? ORDER BY seq').pluck().all(H)
    expect(seqs).toEqual([2, 3]) // one row per seq: seq 3 of this epoch holds the re-sent edits only
    // A second device starting from nothing gets everything, including the re-sent edits.
    const other = await SyncClient.connect({ url: s.url, token, deviceId: 'phone-2' })
    await other.hello()
    await other.manifest([])
    expect(replicaFrom(other, H, 81_002).address()).toBe('Số 4')
    await phone.close()
    await other.close()
    await stop(s)
    expect(existsSync(join(dataDir, kept[0]!, 'rasoat.db'))).toBe(true)
    expect(readFileSync(join(dataDir, 'photos', sha.slice(0, 2), sha.slice(2)))).toEqual(Buffer.from(photo))
  })
})
