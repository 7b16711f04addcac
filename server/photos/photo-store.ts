// Content-addressed photo storage: files under DATA_DIR/photos/ab/cdef… named by their SHA-256, written
// atomically (temp file + rename), with one `photos` row per hash recording uploader, household and size.

import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from '../db/open.ts'

export const PHOTO_MAX_BYTES = 2 * 1024 * 1024
export const PHOTO_TYPES = ['image/jpeg', 'image/webp'] as const
export type PhotoType = (typeof PHOTO_TYPES)[number]

/** New photos one user may upload in a rolling day (a field day is ~40 households × a few photos). */
export interface PhotoQuota {
  perDayCount: number
  perDayBytes: number
}
export const DEFAULT_PHOTO_QUOTA: PhotoQuota = { perDayCount: 1_000, perDayBytes: 512 * 1024 * 1024 }
/** A photo linked to no household is deleted this long after its upload (the phone links it on its first PUT). */
export const DEFAULT_ORPHAN_GRACE_MS = 7 * 24 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

/** Whether the bytes start like the declared type: JPEG FF D8 FF, WebP "RIFF" <size> "WEBP". */
export function looksLike(type: PhotoType, b: Uint8Array): boolean {
  if (type === 'image/jpeg') return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to))
  return b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP'
}

export interface PhotoRow {
  sha256: string
  householdId: string | null
  uploadedBy: string
  contentType: PhotoType
  bytes: number
  createdAt: number
}

export function isSha256(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s)
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export interface PhotoStore {
  find(sha256: string): PhotoRow | undefined
  /** Stores the bytes (already checked against `sha256`) unless present. Returns the row and whether it was new. */
  put(p: {
    sha256: string
    bytes: Uint8Array
    contentType: PhotoType
    householdId: string | null
    uploadedBy: string
  }): {
    photo: PhotoRow
    created: boolean
  }
  filePath(sha256: string): string
  /** The row only when its file is on disk too (a row whose file was lost must be uploaded again). */
  findStored(sha256: string): PhotoRow | undefined
  householdExists(householdId: string): boolean
  /** New photos this user uploaded in the last 24 h. */
  uploadedToday(userId: string): { count: number; bytes: number }
  /**
   * Deletes photos linked to no household uploaded before `now - graceMs`, and files without a row (or left-over
   * temp files) older than that. Returns what it removed.
   */
  sweepOrphans(graceMs?: number): { rows: number; files: number }
}

export function createPhotoStore(
  db: Db,
  dir: string,
  now: () => number = Date.now,
  /** Test hook run before each photo file is written; throwing stands for the OS refusing (ENOSPC, EROFS). */
  beforeWrite?: (file: string) => void,
): PhotoStore {
  const select = db.prepare(
    `SELECT sha256, household_id AS householdId, uploaded_by AS uploadedBy, content_type AS contentType, bytes,
            created_at AS createdAt FROM photos WHERE sha256 = ?`,
  )
  // Nothing inserted: another relay on the same database stored the photo's row since this one looked.
  const insert = db.prepare(
    `INSERT INTO photos (sha256, household_id, uploaded_by, content_type, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (sha256) DO NOTHING`,
  )
  const linkHousehold = db.prepare('UPDATE photos SET household_id = ? WHERE sha256 = ? AND household_id IS NULL')
  const householdRow = db.prepare('SELECT 1 FROM households WHERE id = ?')
  const today = db.prepare(
    'SELECT COUNT(*) AS count, COALESCE(SUM(bytes), 0) AS bytes FROM photos WHERE uploaded_by = ? AND created_at > ?',
  )
  const orphans = db.prepare('SELECT sha256 FROM photos WHERE household_id IS NULL AND created_at < ?').pluck()
  const deleteOrphan = db.prepare('DELETE FROM photos WHERE sha256 = ? AND household_id IS NULL')
  const filePath = (sha: string) => join(dir, sha.slice(0, 2), sha.slice(2))
  const find = (sha: string) => select.get(sha) as PhotoRow | undefined

  /** Files under photos/ab/ with no row (a crash between file and row) or temp files, older than `before`. */
  function strayFiles(before: number): string[] {
    if (!existsSync(dir)) return []
    const stray: string[] = []
    for (const prefix of readdirSync(dir)) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue
      for (const name of readdirSync(join(dir, prefix))) {
        const file = join(dir, prefix, name)
        const known = /^[0-9a-f]{62}$/.test(name) && find(prefix + name) !== undefined
        if (!known && statSync(file).mtimeMs < before) stray.push(file)
      }
    }
    return stray
  }

  return {
    find,
    filePath,
    findStored(sha) {
      const row = find(sha)
      return row !== undefined && existsSync(filePath(sha)) ? row : undefined
    },
    householdExists: (id) => householdRow.get(id) !== undefined,
    uploadedToday: (userId) => today.get(userId, now() - DAY_MS) as { count: number; bytes: number },
    sweepOrphans(graceMs = DEFAULT_ORPHAN_GRACE_MS) {
      const before = now() - graceMs
      let rows = 0
      let files = 0
      for (const sha of orphans.all(before) as string[]) {
        // Row first: a row always means a readable file; a file without a row is swept as stray next time.
        if (deleteOrphan.run(sha).changes === 0) continue
        rows++
        if (existsSync(filePath(sha))) {
          rmSync(filePath(sha), { force: true })
          files++
        }
      }
      for (const file of strayFiles(before)) {
        rmSync(file, { force: true })
        files++
      }
      return { rows, files }
    },
    put(p) {
      /** The stored photo, linked to the household now named when it had none. */
      const known = (existing: PhotoRow): { photo: PhotoRow; created: false } => {
        if (existing.householdId === null && p.householdId !== null) {
          linkHousehold.run(p.householdId, p.sha256)
          return { photo: { ...existing, householdId: p.householdId }, created: false }
        }
        return { photo: existing, created: false }
      }
      const existing = find(p.sha256)
      if (existing && existsSync(filePath(p.sha256))) return known(existing)
      const target = filePath(p.sha256)
      mkdirSync(join(dir, p.sha256.slice(0, 2)), { recursive: true })
      const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`
      try {
        beforeWrite?.(tmp)
        writeFileSync(tmp, p.bytes, { flush: true })
        renameSync(tmp, target)
      } catch (err) {
        rmSync(tmp, { force: true })
        throw err
      }
      // The row goes in only after the file is in place: a row always means a readable file.
      const photo: PhotoRow = {
        sha256: p.sha256,
        householdId: p.householdId,
        uploadedBy: p.uploadedBy,
        contentType: p.contentType,
        bytes: p.bytes.byteLength,
        createdAt: now(),
      }
      if (existing) return { photo: existing, created: false } // row survived, file was lost: file restored
      let inserted: boolean
      try {
        inserted =
          insert.run(photo.sha256, photo.householdId, photo.uploadedBy, photo.contentType, photo.bytes, photo.createdAt)
            .changes === 1
      } catch (err) {
        // The database refused the row (full, read-only): take the file back so no file is left without its row.
        rmSync(target, { force: true })
        throw err
      }
      const theirs = inserted ? undefined : find(p.sha256)
      return theirs ? known(theirs) : { photo, created: true }
    },
  }
}
