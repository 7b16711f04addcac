// The backup file: ONE SQLite file — a consistent copy of rasoat.db (VACUUM INTO, one read transaction, so it can be
// taken while the server writes) plus every photo's bytes in backup_photos and a backup_info row naming the format.

import { randomBytes } from 'node:crypto'
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { sha256Hex } from '../photos/photo-store.ts'
import { DataDirError } from './folder-lock.ts'
import { readEpoch } from './meta.ts'
import type { Migration } from './migrate.ts'
import { openDb, withDialect, type Db } from './open.ts'

export const BACKUP_FORMAT = 'rasoat-backup/1'

export interface BackupSummary {
  file: string
  bytes: number
  households: number
  photos: number
  /** Photo rows whose file was not on disk when copied (the phone uploads them again). */
  photosMissing: number
  epoch: string
}

const photoPath = (photosDir: string, sha: string) => join(photosDir, sha.slice(0, 2), sha.slice(2))

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Writes `target` (which must not exist) from the live database and photo folder; a reader beside a running server. */
export function writeBackup(
  dbFile: string,
  photosDir: string,
  target: string,
  now: () => number = Date.now,
): BackupSummary {
  if (!existsSync(dbFile)) throw new DataDirError('data/no-database', `no database at ${dbFile}`)
  if (existsSync(target)) throw new DataDirError('backup/invalid', `${target} exists; name a new file`)
  const partial = `${target}.${randomBytes(6).toString('hex')}.partial`
  try {
    const live = openDb(dbFile, { busyTimeoutMs: 30_000 })
    try {
      live.prepare('VACUUM INTO ?').run(partial)
    } finally {
      live.close()
    }
    const copy = withDialect(new Database(partial))
    let summary: Omit<BackupSummary, 'file' | 'bytes'>
    try {
      summary = addPhotosAndInfo(copy, photosDir, now())
    } finally {
      copy.close()
    }
    fsyncFile(partial)
    renameSync(partial, target)
    return { file: target, bytes: statSync(target).size, ...summary }
  } catch (e) {
    rmSync(partial, { force: true })
    throw e
  }
}

function addPhotosAndInfo(copy: Db, photosDir: string, at: number): Omit<BackupSummary, 'file' | 'bytes'> {
  copy.exec(`
    CREATE TABLE backup_info (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE backup_photos (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL) WITHOUT ROWID;
  `)
  const shas = copy.prepare('SELECT sha256 FROM photos ORDER BY sha256').pluck().all() as string[]
  const insert = copy.prepare('INSERT INTO backup_photos (sha256, bytes) VALUES (?, ?)')
  let photos = 0
  let photosMissing = 0
  copy.transaction(() => {
    for (const sha of shas) {
      let bytes: Buffer
      try {
        bytes = readFileSync(photoPath(photosDir, sha))
      } catch {
        photosMissing++ // swept or lost since the row was read: the phone still has it and uploads it again
        continue
      }
      insert.run(sha, bytes)
      photos++
    }
  })()
  let epoch = ''
  try {
    epoch = readEpoch(copy)
  } catch {
    // a database no server of this version has opened yet has no epoch; restore gives it one anyway
  }
  const households = copy.prepare('SELECT COUNT(*) FROM households').pluck().get() as number
  const info = copy.prepare('INSERT INTO backup_info (key, value) VALUES (?, ?)')
  for (const [k, v] of Object.entries({
    format: BACKUP_FORMAT,
    created_at: String(at),
    epoch,
    households: String(households),
    photos: String(photos),
  }))
    info.run(k, v)
  return { households, photos, photosMissing, epoch }
}

/** Checks a backup file without changing it; throws DataDirError backup/invalid naming the first problem. */
export function checkBackup(
  file: string,
  migrations: readonly Migration[],
): { epoch: string; households: number; photos: number } {
  const invalid = (why: string) => new DataDirError('backup/invalid', `${file} is not a usable rasoat backup: ${why}`)
  if (!existsSync(file)) throw invalid('no such file')
  let db: Db
  try {
    db = withDialect(new Database(file, { readonly: true, fileMustExist: true }))
  } catch (e) {
    throw invalid(e instanceof Error ? e.message : String(e))
  }
  try {
    const read = <T>(sql: string): T => {
      try {
        return db.prepare(sql).pluck().get() as T
      } catch (e) {
        throw invalid(e instanceof Error ? e.message : String(e))
      }
    }
    if (read<string | undefined>(`SELECT value FROM backup_info WHERE key = 'format'`) !== BACKUP_FORMAT)
      throw invalid(`format is not ${BACKUP_FORMAT}`)
    const integrity = read<string>('PRAGMA integrity_check')
    if (integrity !== 'ok') throw invalid(`integrity check: ${integrity}`)
    const newest = read<number | null>('SELECT MAX(id) FROM schema_migrations') ?? 0
    const known = Math.max(0, ...migrations.map((m) => m.id))
    if (newest > known) throw invalid(`written by a newer rasoat (schema ${newest}, this one knows ${known})`)
    for (const table of ['households', 'doc_state', 'doc_log', 'users', 'photos']) read(`SELECT COUNT(*) FROM ${table}`)
    for (const row of db.prepare('SELECT sha256, bytes FROM backup_photos').iterate() as Iterable<{
      sha256: string
      bytes: Buffer
    }>) {
      if (sha256Hex(row.bytes) !== row.sha256) throw invalid(`photo ${row.sha256} does not hash to its name`)
    }
    return {
      epoch: read<string>(`SELECT value FROM backup_info WHERE key = 'epoch'`),
      households: read<number>('SELECT COUNT(*) FROM households'),
      photos: read<number>('SELECT COUNT(*) FROM backup_photos'),
    }
  } finally {
    db.close()
  }
}

/** Writes the backup's photos under `photosDir` and drops the backup tables from `db` (a staging copy). */
export function unpackPhotos(db: Db, photosDir: string): number {
  let n = 0
  for (const row of db.prepare('SELECT sha256, bytes FROM backup_photos').iterate() as Iterable<{
    sha256: string
    bytes: Buffer
  }>) {
    const target = photoPath(photosDir, row.sha256)
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, row.bytes, { flush: true })
    n++
  }
  db.exec('DROP TABLE backup_photos; DROP TABLE backup_info')
  return n
}
