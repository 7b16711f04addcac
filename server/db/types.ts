// The database handle every store, route and test is written against: the subset of better-sqlite3's API the server
// uses, satisfied by better-sqlite3's own object (SQLite, no wrapper) and by the synchronous PostgreSQL handle (pg/).

export type Dialect = 'sqlite' | 'postgres'

export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number
  /** SQLite: the rowid of the last insert. PostgreSQL: lastval() of the session, read only when asked for. */
  lastInsertRowid: number | bigint
}

export interface Statement<P extends unknown[] = unknown[], R = unknown> {
  readonly source: string
  readonly reader: boolean
  run(...params: P): RunResult
  get(...params: P): R | undefined
  all(...params: P): R[]
  iterate(...params: P): IterableIterator<R>
  /** Answers the first column's value instead of the row (better-sqlite3's pluck). */
  pluck(toggle?: boolean): this
  /** Answers rows as arrays of values in column order. */
  raw(toggle?: boolean): this
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a transaction wraps a function of any arguments
type AnyFunction = (...args: any[]) => unknown

type Args<F extends AnyFunction> = F extends (...args: infer A) => unknown ? A : never

export interface Transaction<F extends AnyFunction> {
  (...args: Args<F>): ReturnType<F>
  default(...args: Args<F>): ReturnType<F>
  deferred(...args: Args<F>): ReturnType<F>
  immediate(...args: Args<F>): ReturnType<F>
  exclusive(...args: Args<F>): ReturnType<F>
}

export interface PragmaOptions {
  simple?: boolean | undefined
}

export interface Db {
  readonly dialect: Dialect
  /** SQLite: the file. PostgreSQL: the file path a test mapped to a schema, else the URL without its password. */
  readonly name: string
  readonly memory: boolean
  readonly open: boolean
  readonly inTransaction: boolean
  prepare<P extends unknown[] | object = unknown[], R = unknown>(
    source: string,
  ): P extends unknown[] ? Statement<P, R> : Statement<[P], R>
  /** A function running `fn` in one transaction (a SAVEPOINT when called inside another). */
  transaction<F extends AnyFunction>(fn: F): Transaction<F>
  /** Runs a script of statements without parameters. */
  exec(source: string): this
  pragma(source: string, options?: PragmaOptions): unknown
  close(): this
}
