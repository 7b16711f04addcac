// One server per data folder: an exclusive SQLite lock on DATA_DIR/rasoat.lock, held by the OS for as long as the
// process keeps it open (released on exit or crash — no stale PID files). Backups read rasoat.db beside it. Relays that
// share the folder (REDIS_URL: several processes on one WAL database, one machine) hold a shared lock instead.

import Database from 'better-sqlite3'
import { join } from 'node:path'

export const LOCK_FILE = 'rasoat.lock'

/** A failure the server or a CLI command reports as one line (see startupErrorLine). */
export class DataDirError extends Error {
  constructor(
    readonly code:
      | 'data/locked'
      | 'data/not-writable'
      | 'data/cannot-open'
      | 'data/disk-full'
      | 'data/no-database'
      | 'backup/invalid',
    message: string,
  ) {
    super(message)
    this.name = 'DataDirError'
  }
}

export interface FolderLock {
  release(): void
}

/**
 * Takes the folder's lock or throws DataDirError data/locked at once (no waiting). `shared`: any number of shared
 * holders (relays with a fan-out between them) may hold it together; never together with an exclusive holder.
 */
export function lockDataDir(dataDir: string, holder: string, opts: { shared?: boolean } = {}): FolderLock {
  const file = join(dataDir, LOCK_FILE)
  const db = new Database(file)
  try {
    if (opts.shared === true) holdShared(db)
    else holdExclusive(db, holder)
  } catch (e) {
    db.close()
    if (e instanceof Database.SqliteError && (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED')) {
      throw new DataDirError(
        'data/locked',
        opts.shared === true
          ? `a rasoat process that does not share the data folder (server without REDIS_URL, restore) is using ${dataDir}`
          : `another rasoat process (server, restore) is using the data folder ${dataDir}`,
      )
    }
    throw e
  }
  let held = true
  return {
    release() {
      if (!held) return
      held = false
      db.close()
    },
  }
}

/** In EXCLUSIVE locking mode the first read takes a SHARED lock and keeps it until the connection closes. */
function holdShared(db: Database.Database): void {
  db.pragma('busy_timeout = 0')
  // A write (even CREATE … IF NOT EXISTS) would wait for the other shared holders' locks: only on a new lock file,
  // where two relays starting together may both create the table.
  if (db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'holder'`).get() === undefined) {
    db.pragma('busy_timeout = 2000')
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, what TEXT NOT NULL, since INTEGER NOT NULL)')
    db.pragma('busy_timeout = 0')
  }
  db.pragma('locking_mode = EXCLUSIVE')
  db.prepare('SELECT count(*) FROM holder').pluck().get()
}

function holdExclusive(db: Database.Database, holder: string): void {
  db.pragma('busy_timeout = 0')
  db.pragma('journal_mode = DELETE')
  // EXCLUSIVE locking mode keeps the write lock of the first transaction until the connection closes.
  db.pragma('locking_mode = EXCLUSIVE')
  db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, what TEXT NOT NULL, since INTEGER NOT NULL)')
  db.transaction(() => {
    db.exec('DELETE FROM holder')
    db.prepare('INSERT INTO holder (pid, what, since) VALUES (?, ?, ?)').run(process.pid, holder, Date.now())
  }).exclusive()
}
