// Storage faults while serving: a full disk (a real SQLITE_FULL from a capped file, ENOSPC on photo files), a folder
// that turns read-only (SQLITE_READONLY from query_only, EROFS on photo files — as root chmod stops nothing), a second
// server on the folder, and a backup restored under live phones. Edits are refused with a stable code and kept by the
// phone, nothing is half-written, service resumes by itself, and no phone's edit is lost.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { MemorySessionStore } from '../../shared/sync/memory-store.ts'
import { run as backupCli } from '../cli/backup.ts'
import { restoreBackup } from '../cli/restore.ts'
import { startServer, type RunningServer } from '../server.ts'
import { replicaFrom, seedSyncWorld } from '../test-support/sync-world.ts'
import { SyncClient } from '../relay/test-client.ts'
import { random, report, seed, trials } from './long-run.ts'
import {
  allAcked,
  edit,
  halfWritten,
  phone,
  phoneAddress,
  photoBytes,
  photoOrphans,
  putPhoto,
  serverAddress,
  setDatabaseFault,
  startFaulty,
  type DiskFault,
  type FaultyDisk,
  type Phone,
} from './storage-world.ts'

const SEED = seed()
const next = random(SEED)
const ROUNDS = trials(5, 30)
const figures = { rounds: 0, refused: 0, resumed: 0, halfWritten: 0, lost: 0, photosRefused: 0, restores: 0 }
const dirs: string[] = []
const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  report('storage-faults', SEED, figures)
})

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'rasoat-storage-'))
  dirs.push(d)
  return d
}

const ids = ['hs-1', 'hs-2', 'hs-3', 'hs-4']
const address = (what: string) => `${what} ${Math.floor(next() * 1e9)} ${'kiệt '.repeat(20 + Math.floor(next() * 40))}`

async function health(s: RunningServer): Promise<number> {
  return (await fetch(`${s.url}/api/health`)).status
}

/** One round of `fault`: edits are refused while it lasts, nothing is half-written, the phone's re-send is ACKed after. */
async function faultRound(
  s: RunningServer,
  disk: FaultyDisk,
  p: Phone,
  token: string,
  fault: DiskFault,
): Promise<void> {
  const id = ids[Math.floor(next() * ids.length)]!
  edit(p, id, address('before'))
  await allAcked(p)
  const photosDir = join(s.db.name, '..', 'photos')

  disk.fault = fault
  setDatabaseFault(s, fault)
  // A photo whose file fits but whose row does not, then one whose file cannot be written either.
  for (const photosFail of [false, true]) {
    disk.photosFail = photosFail
    const put = await putPhoto(s, token, id, photoBytes())
    if (fault === 'full' && !photosFail && put.status === 201) continue // the row still fitted in a page
    expect(put).toEqual({ status: 503, code: 'storage/unavailable' })
    figures.photosRefused++
    expect(photoOrphans(s, photosDir)).toEqual([])
  }
  // Edits until one is refused: a capped file still takes what fits in its free pages.
  let refused = false
  for (let i = 0; i < 400 && !refused; i++) {
    const refusal = p.nextRefusal().then(() => 'refused' as const)
    edit(p, id, address(`during ${fault}`))
    const acked = allAcked(p).then(
      () => 'acked' as const,
      () => 'timeout' as const,
    )
    refused = (await Promise.race([refusal, acked])) === 'refused'
  }
  expect(refused).toBe(true)
  figures.refused++
  // What a phone is told, on the wire: ERROR sync/internal for the household ("nothing was stored; retry"). Sent for
  // another household than the phone's, so the phone's pending edit stays the only difference there. A capped file may
  // still take a small update (then it is acknowledged, truly committed): send until one is refused; a read-only
  // folder refuses the first.
  const raw = await SyncClient.connect({ url: s.url, token, deviceId: `raw-${fault}` })
  await raw.hello()
  await raw.manifest([])
  const other = ids.find((x) => x !== id) as string
  const replica = replicaFrom(raw, other, 40_000 + Math.floor(next() * 1e6))
  let answer: Awaited<ReturnType<SyncClient['sendUpdate']>> | undefined
  for (let i = 0; i < 400; i++) {
    replica.setAddress(address(`raw ${i}`))
    answer = await raw.sendUpdate(other, replica.take())
    if (answer.type !== 'ack') break
    expect(fault).toBe('full')
  }
  expect(answer).toMatchObject({ type: 'error', householdId: other, code: 'sync/internal' })
  await raw.close()
  expect(await health(s)).toBe(503)
  const broken = halfWritten(s)
  figures.halfWritten += broken.length
  expect(broken).toEqual([])
  // The phone keeps retrying its refused edit. A read-only folder refuses every retry. A capped file may take one that
  // fits in a page's free space after all (the head row is small since migration 018); it is then truly committed, and
  // the phone may show it synced — never before the server holds its value.
  if (fault === 'read-only') {
    expect(p.store.unsynced()).toBeGreaterThan(0)
    expect(serverAddress(s, id)).not.toBe(phoneAddress(p, id))
  } else if (p.store.unsynced() === 0) expect(serverAddress(s, id)).toBe(phoneAddress(p, id))
  expect(photoOrphans(s, photosDir)).toEqual([])

  // Space (or write access) returns: the phone's own retry is ACKed, with no restart and nothing else done, and so is a
  // new edit (the first commit after the fault, when the capped file already took the retry).
  disk.fault = 'none'
  setDatabaseFault(s, 'none')
  await allAcked(p)
  edit(p, id, address(`after ${fault}`))
  await allAcked(p)
  figures.resumed++
  expect(serverAddress(s, id)).toBe(phoneAddress(p, id))
  expect(halfWritten(s)).toEqual([])
  expect(await putPhoto(s, token, id, photoBytes())).toMatchObject({ status: 201 })
  expect(photoOrphans(s, photosDir)).toEqual([])
  expect(await health(s)).toBe(200)
}

for (const fault of ['full', 'read-only'] as const)
  it(`${fault === 'full' ? 'a full disk' : 'a read-only folder'} while serving: refused, nothing half-written, resumes by itself`, async () => {
    const disk: FaultyDisk = { fault: 'none', photosFail: false }
    const s = await startFaulty(dataDir(), disk)
    cleanups.push(() => s.close())
    const token = await seedSyncWorld(s, ids)
    const p = phone(s.url, token, `phone-${fault}`)
    cleanups.push(() => p.stop())
    await allAcked(p)
    for (let round = 0; round < ROUNDS; round++) {
      await faultRound(s, disk, p, token, fault)
      figures.rounds++
    }
    const lost = ids.filter((id) => serverAddress(s, id) !== phoneAddress(p, id))
    figures.lost += lost.length
    expect(lost).toEqual([])
  })

it('a second server on the folder refuses with data/locked while the first keeps serving', async () => {
  const dir = dataDir()
  const s = await startServer({ dataDir: dir, port: 0, seedDemo: false, clientDir: join(dir, 'none'), log: () => {} })
  cleanups.push(() => s.close())
  const token = await seedSyncWorld(s, ids)
  const p = phone(s.url, token, 'phone-lock')
  cleanups.push(() => p.stop())
  edit(p, 'hs-1', address('first'))
  await allAcked(p)
  for (let round = 0; round < ROUNDS; round++) {
    await expect(startServer({ dataDir: dir, port: 0, seedDemo: false, log: () => {} })).rejects.toMatchObject({
      code: 'data/locked',
    })
    const id = ids[round % ids.length]!
    edit(p, id, address('while refused'))
    await allAcked(p)
    expect(serverAddress(s, id)).toBe(phoneAddress(p, id))
  }
  expect(await health(s)).toBe(200)
})

it('a backup taken while phones edit, restored: every phone re-sends what the copy lacks and all replicas converge', async () => {
  const dir = dataDir()
  const start = () =>
    startServer({ dataDir: dir, port: 0, seedDemo: false, clientDir: join(dir, 'none'), log: () => {} })
  let s = await start()
  const token = await seedSyncWorld(s, ids)
  const stores = [new MemorySessionStore(), new MemorySessionStore()]
  const own = (d: number) => ids.filter((_, i) => i % stores.length === d)
  /** What each phone last wrote, per household: the server must end up holding exactly this. */
  const written = new Map<string, string>()
  let phones = stores.map((st, d) => phone(s.url, token, `phone-b${d}`, st))
  const editAll = async (what: string) => {
    phones.forEach((p, d) => {
      for (const id of own(d)) {
        const a = address(what)
        edit(p, id, a)
        written.set(id, a)
      }
    })
  }
  await Promise.all(phones.map(allAcked))
  for (let round = 0; round < Math.max(1, Math.ceil(ROUNDS / 2)); round++) {
    await editAll('before the backup')
    await Promise.all(phones.map(allAcked))
    await editAll('during the backup') // in flight while the backup reads the file
    const file = join(dir, `round-${round}.rasoat-backup`)
    expect(await backupCli([file, '--data-dir', dir])).toBe(0)
    await Promise.all(phones.map(allAcked))
    await editAll('after the backup')
    await Promise.all(phones.map(allAcked))
    for (const p of phones) p.stop()
    await s.close()
    await editAll('offline during the restore')

    const restored = restoreBackup(file, dir)
    s = await start()
    expect(s.epoch).toBe(restored.epoch)
    figures.restores++
    phones = stores.map((st, d) => phone(s.url, token, `phone-b${d}`, st))
    await Promise.all(
      phones.map((p) =>
        p.until(
          (st) => st.phase === 'synced' && p.store.unsynced() === 0 && p.store.storedEpoch === s.epoch,
          'the re-sent state ACKed under the new epoch',
        ),
      ),
    )
    const lost = [...written].filter(([id, a]) => {
      const holder = phones[ids.indexOf(id) % phones.length]!
      return serverAddress(s, id) !== a || phoneAddress(holder, id) !== a
    })
    figures.lost += lost.length
    expect(lost).toEqual([])
    expect(halfWritten(s)).toEqual([])
  }
  cleanups.push(() => s.close())
  cleanups.push(() => phones.forEach((p) => p.stop()))
})
