// Content-addressed photo storage: files under DATA_DIR/photos/ab/cdef… named by their SHA-256, written
// atomically (temp file + rename), with one `photos` row per hash recording uploader, household and size.

import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, renameSync, writeFileSync, rmSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from '../db/open.ts'

export const PHOTO_MAX_BYTES = 2 * 1024 * 1024
export const PHOTO_TYPES = ['image/jpeg', 'image/webp'] as const
export type PhotoType = (typeof PHOTO_TYPES)[number]

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
  put(p: { sha256: string; bytes: Uint8Array; contentType: PhotoType; householdId: string | null; uploadedBy: string }): {
    photo: PhotoRow
    created: boolean
  }
  filePath(sha256: string): string
}

export function createPhotoStore(db: Db, dir: string, now: () => number = Date.now): PhotoStore {
  const select = db.prepare(
    `SELECT sha256, household_id AS householdId, uploaded_by AS uploadedBy, content_type AS contentType, bytes,
            created_at AS createdAt FROM photos WHERE sha256 = ?`,
  )
  const insert = db.prepare(
    'INSERT INTO photos (sha256, household_id, uploaded_by, content_type, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const linkHousehold = db.prepare('UPDATE photos SET household_id = ? WHERE sha256 = ? AND household_id IS NULL')
  const filePath = (sha: string) => join(dir, sha.slice(0, 2), sha.slice(2))
  const find = (sha: string) => select.get(sha) as PhotoRow | undefined

  return {
    find,
    filePath,
    put(p) {
      const existing = find(p.sha256)
      if (existing && existsSync(filePath(p.sha256))) {
        if (existing.householdId === null && p.householdId !== null) {
          linkHousehold.run(p.householdId, p.sha256)
          return { photo: { ...existing, householdId: p.householdId }, created: false }
        }
        return { photo: existing, created: false }
      }
      const target = filePath(p.sha256)
      mkdirSync(join(dir, p.sha256.slice(0, 2)), { recursive: true })
      const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`
      try {
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
      insert.run(photo.sha256, photo.householdId, photo.uploadedBy, photo.contentType, photo.bytes, photo.createdAt)
      return { photo, created: true }
    },
  }
}
