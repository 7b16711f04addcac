// Writes inside a transaction whose result nobody reads (a commit's log rows, its summary rows). On PostgreSQL each
// statement is a request to the database; such a write is sent with the transaction's next request instead, at the
// latest with its COMMIT (PgDb.defer), so a relay's commit of one edit is two requests (the lock on its household's
// head, then the writes with COMMIT) instead of four. An error the write meets fails that later request, and with it
// the transaction. On SQLite a statement is a call into this process: it runs at once, as run() does.
import { PgStatement } from './pg/pg-statement.ts'
import type { Statement } from './types.ts'

/** The statement's run() for writes whose result nobody reads; made once per statement. */
export function writeLater<P extends unknown[]>(statement: Statement<P>): (...params: P) => void {
  if (statement instanceof PgStatement) return (...params: P) => statement.runLater(params)
  return statement.run.bind(statement) as (...params: P) => void
}
