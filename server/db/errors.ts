// Recognises a database failure by kind on either engine: better-sqlite3's SQLITE_* codes and PostgreSQL's SQLSTATE
// codes (rethrown by the pg/ handle), so callers branch on the kind, not on the engine.

function codeOf(e: unknown): string | undefined {
  if (e === null || typeof e !== 'object' || !('code' in e)) return undefined
  return typeof e.code === 'string' ? e.code : undefined
}

/** A UNIQUE or PRIMARY KEY constraint refused the write. */
export function isUniqueViolation(e: unknown): boolean {
  const code = codeOf(e)
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505'
}

/** The database's disk is full (SQLite SQLITE_FULL, PostgreSQL 53100 disk_full, or the OS's ENOSPC). */
export function isDiskFull(e: unknown): boolean {
  const code = codeOf(e)
  return code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC'
}
