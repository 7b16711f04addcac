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

/** Network-level failures of a connection to the database server (Node's socket errors). */
const UNREACHABLE = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'])

/**
 * The database cannot be reached now — nothing was stored, a retry later may succeed: the connection was refused,
 * reset or timed out (pg/ handle: PG_TIMEOUT, PG_CLOSED), PostgreSQL's connection_exception class 08, a server
 * shutting down or starting (57P01–57P03), or too many connections (53300).
 */
export function isDatabaseUnreachable(e: unknown): boolean {
  const code = codeOf(e)
  if (code === undefined) return false
  return (
    UNREACHABLE.has(code) ||
    code === 'PG_TIMEOUT' ||
    code === 'PG_CLOSED' ||
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '53300'
  )
}
