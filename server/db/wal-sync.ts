// Makes committed WAL frames durable without blocking the event loop: fdatasync of the -wal file in libuv's thread
// pool. The database runs synchronous=NORMAL (no sync inside COMMIT); the relay acknowledges an edit only after this
// sync. fdatasync, as SQLite itself syncs its WAL on Linux: it writes the frames and whatever metadata reading them
// back needs (the file's size when the WAL grew), and leaves out its modification time, which would cost a journal
// commit of the file system per sync.

import { closeSync, fdatasync, openSync } from 'node:fs'
import type { Db } from './open.ts'

export interface WalSync {
  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void>
  close(): void
}

/**
 * A WAL syncer for a file database in WAL mode; null otherwise (in-memory or rollback-journal databases, and
 * PostgreSQL, whose COMMIT returns once the commit is durable).
 */
export function createWalSync(db: Db): WalSync | null {
  if (db.dialect !== 'sqlite' || db.memory || db.pragma('journal_mode', { simple: true }) !== 'wal') return null
  // SQLite keeps the same -wal file (it rewinds it after a checkpoint) while a connection is open, so one fd serves.
  const walFile = `${db.name}-wal`
  let fd: number | null = null
  return {
    sync: () =>
      new Promise<void>((ok, fail) => {
        try {
          fd ??= openSync(walFile, 'r')
        } catch (e) {
          fail(e)
          return
        }
        fdatasync(fd, (err) => (err ? fail(err) : ok()))
      }),
    close() {
      if (fd !== null) closeSync(fd)
      fd = null
    },
  }
}

/**
 * For writes no ACK waits for (sessions, users, photo rows): call periodically; fsyncs the WAL when the connection
 * changed rows since the last call. Resolves whether it synced.
 */
export function syncWhenChanged(db: Db, wal: WalSync): () => Promise<boolean> {
  const changed = changedSinceLastCall(db)
  return async () => {
    if (!changed()) return false
    await wal.sync()
    return true
  }
}

/** Whether the connection changed rows since the previous call (or since this was made); for periodic upkeep. */
export function changedSinceLastCall(db: Db, initially = false): () => boolean {
  const changes = db.prepare('SELECT total_changes()').pluck()
  let seen = initially ? -1 : (changes.get() as number)
  return () => {
    const now = changes.get() as number
    if (now === seen) return false
    seen = now
    return true
  }
}
