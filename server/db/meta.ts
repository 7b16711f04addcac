// The database's own facts kept in the `meta` table (migration 006): today the epoch, which names this copy of the
// data — it changes when a backup is restored, so a device that synced with the old copy re-sends what it holds.

import { randomUUID } from 'node:crypto'
import type { Db } from './open.ts'

export function readEpoch(db: Db): string {
  const epoch = db.prepare(`SELECT value FROM meta WHERE key = 'epoch'`).pluck().get() as string | undefined
  if (epoch === undefined) throw new Error('database has no epoch (migration 006 not applied)')
  return epoch
}

/** Gives the database a new epoch (restore); returns it. */
export function renewEpoch(db: Db): string {
  const epoch = randomUUID()
  db.prepare(
    `INSERT INTO meta (key, value) VALUES ('epoch', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(epoch)
  return epoch
}
