// The storage-fault suite's world: a real server over a temp data folder whose SQLite file and photo writes can be
// made to fail (full disk, read-only) while it serves, phones running the real sync session, and the checks that
// nothing was half-written: summary, document state and log agree, and every photo file has its row and back.

import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { MemorySessionStore } from '../../shared/sync/memory-store.ts'
import { sha256Hex } from '../photos/photo-store.ts'
import { connectDevice, type TestDevice } from '../relay/test-client.ts'
import { startServer, type RunningServer } from '../server.ts'

/** What the data folder does to writes now. */
export type DiskFault = 'none' | 'full' | 'read-only'

export interface FaultyDisk {
  fault: DiskFault
  /** Photo file writes fail too (the photo store's write seam); false: only the database refuses. */
  photosFail: boolean
}

/** The server over `dataDir`, its photo writes failing as `disk` says (ENOSPC / EROFS, what the OS would answer). */
export function startFaulty(dataDir: string, disk: FaultyDisk): Promise<RunningServer> {
  return startServer({
    dataDir,
    port: 0,
    seedDemo: false,
    clientDir: join(dataDir, 'none'),
    log: () => {},
    commit: { retryMs: 5, maxAttempts: 3 },
    beforePhotoWrite: () => {
      if (!disk.photosFail || disk.fault === 'none') return
      const code = disk.fault === 'full' ? 'ENOSPC' : 'EROFS'
      throw Object.assign(
        new Error(
          `${code}: ${disk.fault === 'full' ? 'no space left on device' : 'read-only file system'} (simulated)`,
        ),
        { code },
      )
    },
  })
}

/**
 * Makes the server's own SQLite connection refuse writes the way a real disk would: `full` caps the file at its current
 * page count (SQLITE_FULL "database or disk is full" once a write needs a new page), `read-only` turns on query_only
 * (SQLITE_READONLY "attempt to write a readonly database"). `none` lifts both.
 */
export function setDatabaseFault(s: RunningServer, fault: DiskFault): void {
  if (fault === 'full') s.db.pragma(`max_page_count = ${s.db.pragma('page_count', { simple: true }) as number}`)
  else s.db.pragma('max_page_count = 1073741823')
  s.db.pragma(`query_only = ${fault === 'read-only' ? 'ON' : 'OFF'}`)
}

/** A phone: the real sync session with its own storage, retrying refused edits after `retryMs`. */
export interface Phone extends TestDevice {
  /** Retryable refusals (ERROR sync/internal and the like) this phone has seen. */
  refusals(): number
  /** Resolves at this phone's next retryable refusal. */
  nextRefusal(): Promise<void>
}

export function phone(url: string, token: string, deviceId: string, store = new MemorySessionStore()): Phone {
  let refusals = 0
  let waiters: (() => void)[] = []
  const device = connectDevice({
    url,
    token,
    deviceId,
    store,
    retryDelay: () => {
      refusals++
      for (const w of waiters.splice(0)) w()
      return 10
    },
  })
  return {
    ...device,
    refusals: () => refusals,
    nextRefusal: () => new Promise<void>((ok) => (waiters = [...waiters, ok])),
  }
}

/** Sets a household's address on the phone (a local edit into its outbox) and tells the session. */
export function edit(p: Phone, householdId: string, address: string): void {
  p.store.edit(householdId, (doc) => {
    const r = new HouseholdDoc(doc).setField('address', address)
    if (!r.ok) throw new Error(r.reason)
  })
  p.session.notifyOutbox(householdId)
}

export const allAcked = (p: Phone): Promise<void> =>
  p.until((s) => s.phase === 'synced' && p.store.unsynced() === 0, 'every edit ACKed')

/** The address in the server's committed document of a household. */
export function serverAddress(s: RunningServer, householdId: string): string | undefined {
  const state = s.docStore.readState(householdId)
  if (!state) return undefined
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return new HouseholdDoc(doc).read().household.address
}

/** The address a phone holds for a household. */
export function phoneAddress(p: Phone, householdId: string): string | undefined {
  return new HouseholdDoc(p.store.doc(householdId)).read().household.address
}

/** Households whose summary row, document state and log disagree (a half-written commit), by id. */
export function halfWritten(s: RunningServer): string[] {
  const rows = s.db
    .prepare(
      `SELECT h.id, h.server_seq AS summary, h.address,
              COALESCE((SELECT MAX(seq) FROM doc_log l WHERE l.household_id = h.id AND l.seq > d.snapshot_seq),
                d.snapshot_seq) AS logged
         FROM households h JOIN doc_state d ON d.household_id = h.id`,
    )
    .all() as { id: string; summary: number; address: string; logged: number }[]
  return rows.filter((r) => r.summary !== r.logged || serverAddress(s, r.id) !== r.address).map((r) => r.id)
}

/** Photo files with no row, rows with no file, and left-over temp files under the data folder's photos/. */
export function photoOrphans(s: RunningServer, photosDir: string): string[] {
  const shas = new Set(s.db.prepare('SELECT sha256 FROM photos').pluck().all() as string[])
  const odd: string[] = []
  const onDisk = new Set<string>()
  if (existsSync(photosDir))
    for (const prefix of readdirSync(photosDir))
      for (const name of readdirSync(join(photosDir, prefix))) {
        onDisk.add(prefix + name)
        if (!shas.has(prefix + name)) odd.push(`file ${prefix}/${name}`)
      }
  for (const sha of shas) if (!onDisk.has(sha)) odd.push(`row ${sha}`)
  return odd
}

/** A small JPEG-looking photo of random bytes and its name. */
export function photoBytes(): { sha256: string; bytes: Uint8Array<ArrayBuffer> } {
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...randomBytes(600)])
  return { sha256: sha256Hex(bytes), bytes }
}

export async function putPhoto(
  s: RunningServer,
  token: string,
  householdId: string,
  p: { sha256: string; bytes: Uint8Array<ArrayBuffer> },
): Promise<{ status: number; code: string | undefined }> {
  const res = await fetch(`${s.url}/api/photos/${p.sha256}?household=${householdId}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/jpeg' },
    body: p.bytes,
  })
  const body = (await res.json()) as { code?: string }
  return { status: res.status, code: body.code }
}
