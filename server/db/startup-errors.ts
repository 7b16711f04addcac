// Why the server (or a CLI command on the data folder) could not start, as ONE line for the operator:
// a full disk, a folder it may not write, a database it cannot open, a second server — never a stack trace.

import Database from 'better-sqlite3'
import { DataDirError } from './folder-lock.ts'
import { PgError } from './pg/pg-error.ts'

const errnoCode = (e: unknown): string | undefined =>
  e !== null && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : undefined

/** One line naming the cause and what to do; `null` for an error this function does not know. */
export function startupErrorLine(err: unknown, where: { dataDir: string; port?: number }): string | null {
  const detail = err instanceof Error ? err.message : String(err)
  if (err instanceof DataDirError) return `${err.code}: ${err.message}`
  // PostgreSQL (DATABASE_URL) refused or did not answer: the server does not start on half a database.
  if (err instanceof PgError)
    return `database/unavailable: cannot use the PostgreSQL database of DATABASE_URL (${err.code}: ${detail})`
  if (err instanceof Database.SqliteError) {
    if (err.code === 'SQLITE_FULL' || err.code.startsWith('SQLITE_IOERR_WRITE'))
      return `data/disk-full: the disk holding ${where.dataDir} is full (${detail}); free space and start again`
    if (err.code.startsWith('SQLITE_CANTOPEN'))
      return `data/cannot-open: cannot open the database in ${where.dataDir} (${detail}); check that rasoat.db is a file this user may read and write`
    if (err.code.startsWith('SQLITE_READONLY'))
      return `data/not-writable: the database in ${where.dataDir} is read-only (${detail})`
    if (err.code === 'SQLITE_NOTADB' || err.code === 'SQLITE_CORRUPT')
      return `data/cannot-open: ${where.dataDir}/rasoat.db is not a rasoat database (${detail})`
    return null
  }
  switch (errnoCode(err)) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `data/not-writable: the data folder ${where.dataDir} is not writable (${detail})`
    case 'ENOTDIR':
    case 'ENOENT':
    case 'EISDIR':
      return `data/cannot-open: the data folder ${where.dataDir} cannot be created or opened (${detail})`
    case 'ENOSPC':
    case 'EDQUOT':
      return `data/disk-full: the disk holding ${where.dataDir} is full (${detail}); free space and start again`
    case 'EADDRINUSE':
      return `net/port-in-use: port ${where.port ?? '?'} is already in use (${detail})`
    case 'EADDRNOTAVAIL':
      return `net/bad-host: cannot listen on that address (${detail})`
    default:
      return null
  }
}
