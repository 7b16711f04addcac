// Opens the one SQLite database of a server process with the pragmas every connection needs.
// WAL lets readers (HTTP) run while the relay's group commit writes; synchronous=NORMAL keeps fsync out of COMMIT —
// the relay fsyncs the WAL off the event loop before it ACKs (wal-sync.ts; docs/server.md "Durability").

import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export type Db = Database.Database

export interface OpenDbOptions {
  /** Milliseconds a statement waits for a lock held by another connection (CLI next to a running server). */
  busyTimeoutMs?: number
  readonly?: boolean
}

export function openDb(file: string, opts: OpenDbOptions = {}): Db {
  if (!opts.readonly) mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file, { readonly: opts.readonly ?? false })
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`)
  if (!opts.readonly) db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  return db
}
