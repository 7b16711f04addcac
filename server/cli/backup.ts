// `npm run cli -- backup FILE [--data-dir D]`: one file holding a consistent copy of the database and every photo,
// taken while the server runs (SQLite's own locking; the server's folder lock does not stop readers).

import { join, resolve } from 'node:path'
import type { CliCommand } from '../cli.ts'
import { parseFileArgs } from './file-args.ts'
import { writeBackup } from '../db/backup-file.ts'
import { startupErrorLine } from '../db/startup-errors.ts'
import { databaseFile } from '../server.ts'

const USAGE = 'usage: backup FILE [--data-dir D]\n'

export const run: CliCommand['run'] = async (args) => {
  const parsed = parseFileArgs(args, USAGE)
  if (parsed === null) return 2
  const { file, dataDir } = parsed
  try {
    const b = writeBackup(databaseFile(dataDir), join(dataDir, 'photos'), resolve(file))
    const missing = b.photosMissing > 0 ? ` (${b.photosMissing} photo files were missing on disk)` : ''
    process.stdout.write(
      `backup ${b.file}: ${b.households} households, ${b.photos} photos${missing}, ${b.bytes} bytes, epoch ${b.epoch}\n`,
    )
    return 0
  } catch (err) {
    const line = startupErrorLine(err, { dataDir })
    if (line === null) throw err
    process.stderr.write(`backup failed: ${line}\n`)
    return 1
  }
}
