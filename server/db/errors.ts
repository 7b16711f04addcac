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

/** PostgreSQL's SQLSTATEs (and the handle's codes) for a database that cannot take the write now: retry later. */
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PG_TIMEOUT',
  'PG_CONNECTION_LOST',
  '53100', // disk_full
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '25006', // read_only_sql_transaction (a standby)
])

/**
 * The database refuses or cannot take writes for now — PostgreSQL down, unreachable, restarting, read-only or full —
 * as opposed to a defect; nothing was committed (callers answer storage/unavailable). Class 08: connection exceptions.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  const code = codeOf(e)
  return code !== undefined && (UNAVAILABLE.has(code) || /^08[0-9A-Z]{3}$/.test(code))
}
