// A PostgreSQL failure rethrown on the main thread with the server's code (SQLSTATE), message and position, so callers
// tell a unique violation (23505) from a lost connection; codes of the handle itself start with PG_.

export interface PgErrorFields {
  message: string
  code?: string | undefined
  position?: string | undefined
  detail?: string | undefined
  hint?: string | undefined
  constraint?: string | undefined
  table?: string | undefined
  column?: string | undefined
  /** The deferred write that failed (PgDb.defer), when it was one of those sent before the request. */
  deferredSql?: string | undefined
}

export class PgError extends Error {
  readonly code: string
  readonly position: number | undefined
  readonly detail: string | undefined
  readonly constraint: string | undefined
  /** The statement as sent (after translation), when a statement failed. */
  sql: string | undefined

  constructor(f: PgErrorFields) {
    super(f.message)
    this.name = 'PgError'
    this.code = f.code ?? 'PG_ERROR'
    this.position = f.position === undefined ? undefined : Number(f.position)
    this.detail = f.detail
    this.constraint = f.constraint
  }
}
