// `npm run cli -- restore FILE [--data-dir D]`: replaces the data folder's database and photos with a backup, all or
// nothing, with a NEW epoch so devices notice and re-send what the backup lacks. Refuses while a server holds the folder.

import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, rmSync, copyFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { CliCommand } from '../cli.ts'
import { parseFileArgs } from './file-args.ts'
import { checkBackup, unpackPhotos } from '../db/backup-file.ts'
import { lockDataDir } from '../db/folder-lock.ts'
import { renewEpoch } from '../db/meta.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb } from '../db/open.ts'
import { ensureReferenceData } from '../db/reference-data.ts'
import { startupErrorLine } from '../db/startup-errors.ts'

const USAGE = 'usage: restore FILE [--data-dir D]\n'
/** What a data folder holds that a restore replaces (the lock file stays). */
const REPLACED = ['rasoat.db', 'rasoat.db-wal', 'rasoat.db-shm', 'photos']

export interface RestoreResult {
  epoch: string
  households: number
  photos: number
  /** Where the data it replaced was moved (null when the folder held none). */
  previous: string | null
}

/** Restores `file` into `dataDir`. Throws (DataDirError data/locked, backup/invalid, …) with the folder unchanged. */
export function restoreBackup(file: string, dataDir: string, now: () => number = Date.now): RestoreResult {
  mkdirSync(dataDir, { recursive: true })
  const lock = lockDataDir(dataDir, 'restore')
  try {
    const checked = checkBackup(file, migrations)
    // Everything is prepared in a staging folder beside the data; only renames touch the live names.
    const staging = join(dataDir, `.restore-${randomBytes(6).toString('hex')}`)
    mkdirSync(staging)
    let epoch: string
    let photos: number
    try {
      copyFileSync(file, join(staging, 'rasoat.db'))
      const db = openDb(join(staging, 'rasoat.db'))
      try {
        photos = unpackPhotos(db, join(staging, 'photos'))
        migrate(db, migrations)
        ensureReferenceData(db)
        epoch = renewEpoch(db)
        db.exec('VACUUM')
        db.pragma('wal_checkpoint(TRUNCATE)')
      } finally {
        db.close()
      }
      mkdirSync(join(staging, 'photos'), { recursive: true })
    } catch (e) {
      rmSync(staging, { recursive: true, force: true })
      throw e
    }
    const previous = swapIn(dataDir, staging, now)
    rmSync(staging, { recursive: true, force: true })
    return { epoch, households: checked.households, photos, previous }
  } finally {
    lock.release()
  }
}

/** Moves the current data aside and the staged data in; on any failure puts everything back as it was. */
function swapIn(dataDir: string, staging: string, now: () => number): string | null {
  const present = REPLACED.filter((name) => existsSync(join(dataDir, name)))
  const previous =
    present.length > 0 ? join(dataDir, `before-restore-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`) : null
  const done: [from: string, to: string][] = []
  const move = (from: string, to: string) => {
    renameSync(from, to)
    done.push([from, to])
  }
  try {
    if (previous !== null) {
      mkdirSync(previous)
      for (const name of present) move(join(dataDir, name), join(previous, name))
    }
    move(join(staging, 'photos'), join(dataDir, 'photos'))
    move(join(staging, 'rasoat.db'), join(dataDir, 'rasoat.db'))
  } catch (e) {
    for (const [from, to] of done.reverse()) renameSync(to, from)
    if (previous !== null) rmSync(previous, { recursive: true, force: true })
    throw e
  }
  return previous
}

export const run: CliCommand['run'] = async (args) => {
  const parsed = parseFileArgs(args, USAGE)
  if (parsed === null) return 2
  const { file, dataDir } = parsed
  try {
    const r = restoreBackup(resolve(file), dataDir)
    const kept = r.previous === null ? '' : `; the data it replaced is in ${r.previous}`
    process.stdout.write(
      `restored ${resolve(file)} into ${dataDir}: ${r.households} households, ${r.photos} photos, new epoch ${r.epoch}${kept}\n`,
    )
    return 0
  } catch (err) {
    const line = startupErrorLine(err, { dataDir })
    if (line === null) throw err
    process.stderr.write(`restore refused: ${line}\n`)
    return 1
  }
}
