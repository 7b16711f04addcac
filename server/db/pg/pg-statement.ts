// A prepared statement of the PostgreSQL handle: better-sqlite3's Statement (run/get/all/iterate, pluck, raw) over the
// handle's one round trip per call; the SQL text is translated once per text (translate.ts).
import type { RunResult, Statement } from '../types.ts'
import { bindValues, translateSql } from './translate.ts'

/** What a statement needs of its handle. */
export interface PgQuery {
  query(sql: string, params: unknown[], array: boolean): { rows: unknown[]; rowCount: number }
  /** Queues a write for the transaction's next request (PgDb.defer); false when it must run now. */
  defer?(sql: string, params: unknown[]): boolean
}

export class PgStatement implements Statement<unknown[], unknown> {
  readonly source: string
  readonly reader: boolean
  private readonly db: PgQuery
  private plucked = false
  private rawRows = false

  constructor(db: PgQuery, source: string) {
    this.db = db
    this.source = source
    translateSql(source)
    this.reader = /^\s*(SELECT|WITH|VALUES|PRAGMA)\b/i.test(source) || /\bRETURNING\b/i.test(source)
  }

  pluck(toggle = true): this {
    this.plucked = toggle
    if (toggle) this.rawRows = false
    return this
  }

  raw(toggle = true): this {
    this.rawRows = toggle
    if (toggle) this.plucked = false
    return this
  }

  private rows(args: unknown[]): unknown[] {
    const t = translateSql(this.source)
    const array = this.plucked || this.rawRows
    const { rows } = this.db.query(t.text, bindValues(t.slots, args), array)
    return this.plucked ? rows.map((r) => (r as unknown[])[0]) : rows
  }

  run(...args: unknown[]): RunResult {
    const t = translateSql(this.source)
    const { rowCount } = this.db.query(t.text, bindValues(t.slots, args), false)
    const db = this.db
    let rowid: number | undefined
    return {
      changes: rowCount,
      // Read on demand: lastval() costs a round trip, and only a few inserts ask for their new id.
      get lastInsertRowid(): number {
        if (rowid === undefined) {
          try {
            rowid = Number(db.query('SELECT lastval()', [], true).rows.map((r) => (r as unknown[])[0])[0] ?? 0)
          } catch {
            rowid = 0
          }
        }
        return rowid
      },
    }
  }

  /** run() whose result nobody reads: deferred to the transaction's next request when the handle can (deferred-write.ts). */
  runLater(args: unknown[]): void {
    const t = translateSql(this.source)
    const values = bindValues(t.slots, args)
    if (this.db.defer?.(t.text, values) !== true) this.db.query(t.text, values, false)
  }

  get(...args: unknown[]): unknown {
    return this.rows(args)[0]
  }

  all(...args: unknown[]): unknown[] {
    return this.rows(args)
  }

  iterate(...args: unknown[]): IterableIterator<unknown> {
    return this.rows(args)[Symbol.iterator]()
  }
}
