// Applies the numbered migrations in order, each in its own transaction, recording them in schema_migrations.
// A migration runs once per database; ids must be increasing and are never reused or edited after release.

import type { Db } from './open.ts'

export interface Migration {
  id: number
  name: string
  up(db: Db): void
}

export interface AppliedMigration {
  id: number
  name: string
  appliedAt: number
}

/** A migration's SQL in both dialects: the same schema, PostgreSQL's types (BIGINT, BYTEA, DOUBLE PRECISION…). */
export interface DialectSql {
  sqlite: string
  postgres: string
}

/** Runs the script written for the database's engine. */
export function execFor(db: Db, sql: DialectSql): void {
  db.exec(db.dialect === 'postgres' ? sql.postgres : sql.sqlite)
}

function ensureTable(db: Db): void {
  execFor(db, {
    sqlite: `CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`,
    postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
  )`,
  })
}

export function appliedMigrations(db: Db): AppliedMigration[] {
  ensureTable(db)
  return db
    .prepare('SELECT id, name, applied_at AS appliedAt FROM schema_migrations ORDER BY id')
    .all() as AppliedMigration[]
}

/**
 * Runs every migration not yet applied; returns the ids it ran. Throws (rolling back that migration) on failure.
 * On PostgreSQL several relays may start at once: an advisory lock (per schema) lets one migrate while the others
 * wait, then find everything applied.
 */
export function migrate(db: Db, migrations: readonly Migration[], now: () => number = Date.now): number[] {
  for (let i = 1; i < migrations.length; i++) {
    const prev = migrations[i - 1]
    const cur = migrations[i]
    if (prev && cur && cur.id <= prev.id) throw new Error(`migrations out of order: ${prev.id} then ${cur.id}`)
  }
  if (db.dialect !== 'postgres') return migrateLocked(db, migrations, now)
  db.prepare("SELECT pg_advisory_lock(hashtext('rasoat-migrate:' || current_schema()))").get()
  try {
    return migrateLocked(db, migrations, now)
  } finally {
    try {
      db.prepare("SELECT pg_advisory_unlock(hashtext('rasoat-migrate:' || current_schema()))").get()
    } catch {
      // The connection is gone, and its session lock with it; the migration's own error is the one to report.
    }
  }
}

function migrateLocked(db: Db, migrations: readonly Migration[], now: () => number): number[] {
  const done = new Set(appliedMigrations(db).map((m) => m.id))
  const ran: number[] = []
  const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)')
  for (const m of migrations) {
    if (done.has(m.id)) continue
    db.transaction(() => {
      m.up(db)
      record.run(m.id, m.name, now())
    })()
    ran.push(m.id)
  }
  return ran
}
