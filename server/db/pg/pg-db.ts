// A synchronous PostgreSQL handle with the better-sqlite3 subset the server uses (types.ts), so stores run unchanged:
// a worker thread owns one `pg` connection; each call posts a request and blocks on Atomics.wait for the answer,
// as an SQLite statement blocks the event loop today. A transaction is BEGIN…COMMIT, a nested one a SAVEPOINT.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import type { Db, PragmaOptions, Statement, Transaction } from '../types.ts'
import { PgError, type PgErrorFields } from './pg-error.ts'
import { PgStatement } from './pg-statement.ts'
import { translateSql } from './translate.ts'

export interface OpenPgOptions {
  /** postgres://… */
  url: string
  /** Schema(s) for unqualified names (search_path); the URL's default when absent. */
  searchPath?: string | undefined
  /** Milliseconds a call waits for an answer before the handle gives up and closes (default 30 s). */
  answerTimeoutMs?: number | undefined
  /** The name the handle reports (default: the URL without its password). */
  name?: string | undefined
}

interface Answer {
  id: number
  ok: boolean
  rows?: unknown[]
  rowCount?: number
  command?: string | null
  error?: PgErrorFields
}

/** A write sent with the next request instead of on its own (PgDb.defer). */
interface Deferred {
  sql: string
  params: unknown[]
}

type Request =
  | { op: 'connect' | 'close' }
  | { op: 'exec'; sql: string }
  | { op: 'query'; sql: string; params: unknown[]; array: boolean }

function withoutPassword(url: string): string {
  try {
    const u = new URL(url)
    u.password = ''
    return u.toString()
  } catch {
    return 'postgres'
  }
}

/** Answers' byte strings cross the thread as Uint8Array; better-sqlite3 gives Buffer. */
function buffers(rows: unknown[], array: boolean): void {
  for (const row of rows) {
    const r = row as Record<string, unknown>
    for (const k of array ? (row as unknown[]).keys() : Object.keys(r)) {
      const v = (r as Record<string | number, unknown>)[k]
      if (v instanceof Uint8Array && !Buffer.isBuffer(v))
        (r as Record<string | number, unknown>)[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength)
    }
  }
}

export class PgDb implements Db {
  readonly dialect = 'postgres' as const
  readonly name: string
  readonly memory = false
  private worker!: Worker
  private port!: MessagePort
  /** Set by the worker after it posted an answer; one per worker, so a dropped worker cannot wake the next one's caller. */
  private signal!: Int32Array
  /** How long one call waits for its answer before the connection is dropped (PG_TIMEOUT); may be changed at any time. */
  answerTimeoutMs: number
  private readonly opts: OpenPgOptions
  private nextId = 1
  private depth = 0
  /** Transaction control (BEGIN, SAVEPOINT, RELEASE…) and deferred writes the worker runs before the next request. */
  private readonly pending: (string | Deferred)[] = []
  private closedBy: PgError | null = null

  constructor(opts: OpenPgOptions) {
    this.name = opts.name ?? withoutPassword(opts.url)
    this.answerTimeoutMs = opts.answerTimeoutMs ?? 30_000
    this.opts = opts
    this.spawn()
    try {
      this.call({ op: 'connect' })
    } catch (e) {
      this.shutdown(e instanceof PgError ? e : null)
      throw e
    }
  }

  /** A worker thread with its own connection (opened at its first request). */
  private spawn(): void {
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    this.signal = new Int32Array(new SharedArrayBuffer(4))
    this.worker = new Worker(new URL('./worker.mjs', import.meta.url), {
      workerData: { port: port2, signal: this.signal, url: this.opts.url, searchPath: this.opts.searchPath },
      transferList: [port2],
    })
    this.worker.unref()
    this.port.unref()
  }

  get open(): boolean {
    return this.closedBy === null
  }

  get inTransaction(): boolean {
    return this.depth > 0
  }

  /**
   * Posts one request and blocks until its answer (or the timeout). `inTransaction`: the request belongs to the open
   * transaction (COMMIT too), so the worker refuses it on any connection but the one that began it.
   */
  call(req: Request, inTransaction = this.depth > 0): Answer {
    if (this.closedBy) throw this.closed()
    const id = this.nextId++
    Atomics.store(this.signal, 0, 0)
    const before = this.pending.length > 0 ? this.pending.splice(0) : undefined
    this.port.postMessage({ ...req, id, before, inTransaction })
    for (;;) {
      const waitMs = this.answerTimeoutMs
      if (Atomics.wait(this.signal, 0, 0, waitMs) === 'timed-out') {
        // The stuck thread and its connection are dropped (PostgreSQL rolls back what it had); a new one takes over.
        this.port.close()
        void this.worker.terminate()
        this.spawn()
        throw new PgError({ message: `PostgreSQL gave no answer within ${waitMs} ms`, code: 'PG_TIMEOUT' })
      }
      // The worker posts the answer before it sets the signal, so the answer is there once the signal is set.
      const got = receiveMessageOnPort(this.port)?.message as Answer | undefined
      if (got === undefined || got.id !== id) continue
      if (!got.ok) {
        const e = new PgError(got.error ?? { message: 'PostgreSQL request failed' })
        if (got.error?.deferredSql !== undefined) e.sql = got.error.deferredSql
        throw e
      }
      return got
    }
  }

  query(sql: string, params: unknown[], array: boolean): { rows: unknown[]; rowCount: number; command: string } {
    try {
      const a = this.call({ op: 'query', sql, params, array })
      const rows = a.rows ?? []
      buffers(rows, array)
      return { rows, rowCount: a.rowCount ?? 0, command: a.command ?? '' }
    } catch (e) {
      if (e instanceof PgError) e.sql ??= sql
      throw e
    }
  }

  /**
   * Queues a write whose result nobody reads, to be sent with the next request of the transaction (at the latest its
   * COMMIT) instead of a round trip of its own. Only directly inside an outermost transaction: its COMMIT always
   * follows, and an error the write meets surfaces at that next request and fails the transaction (PostgreSQL aborts a
   * transaction at its first error, so nothing of it can be committed). False: not deferred, run it now.
   */
  defer(sql: string, params: unknown[]): boolean {
    if (this.depth !== 1 || this.closedBy) return false
    this.pending.push({ sql, params })
    return true
  }

  prepare<P extends unknown[] | object = unknown[], R = unknown>(
    source: string,
  ): P extends unknown[] ? Statement<P, R> : Statement<[P], R> {
    if (this.closedBy) throw this.closed()
    return new PgStatement(this, source) as unknown as P extends unknown[] ? Statement<P, R> : Statement<[P], R>
  }

  exec(source: string): this {
    this.call({ op: 'exec', sql: translateSql(source).text })
    return this
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Db.transaction: a function of any arguments
  transaction<F extends (...args: any[]) => unknown>(fn: F): Transaction<F> {
    const run = (...args: Parameters<F>): ReturnType<F> => {
      const outer = this.depth === 0
      const savepoint = `sp_${this.depth}`
      // Sent with the next request instead of a round trip of its own; not sent at all if nothing follows.
      const opening = outer ? 'BEGIN' : `SAVEPOINT ${savepoint}`
      this.pending.push(opening)
      this.depth++
      let result: ReturnType<F>
      try {
        result = fn(...args) as ReturnType<F>
      } catch (e) {
        this.depth--
        this.rollback(outer, savepoint, opening)
        throw e
      }
      this.depth--
      if (!outer) {
        if (this.pending.at(-1) === opening) this.pending.pop()
        else this.pending.push(`RELEASE SAVEPOINT ${savepoint}`)
        return result
      }
      if (this.pending[0] === 'BEGIN' && this.pending.every((p) => typeof p === 'string')) {
        this.pending.length = 0 // nothing ran, and nothing waits to run
        return result
      }
      let tag: string | null | undefined
      try {
        tag = this.call({ op: 'exec', sql: 'COMMIT' }, true).command
      } catch (e) {
        this.rollback(true, savepoint, opening)
        throw e
      }
      // PostgreSQL answers COMMIT of a transaction broken by a caught error with ROLLBACK: nothing was kept.
      if (tag === 'ROLLBACK')
        throw new PgError({
          message: 'the transaction was rolled back by an earlier failed statement',
          code: '25P02',
        })
      return result
    }
    // PostgreSQL has one kind of BEGIN that matters here; SQLite's deferred/immediate/exclusive are the same call.
    return Object.assign(run, {
      default: run,
      deferred: run,
      immediate: run,
      exclusive: run,
    }) as unknown as Transaction<F>
  }

  private rollback(outer: boolean, savepoint: string, opening: string): void {
    if (outer) {
      const sent = this.pending[0] !== 'BEGIN'
      this.pending.length = 0
      if (!sent) return
      try {
        this.call({ op: 'exec', sql: 'ROLLBACK' }, true)
      } catch {
        // The connection is gone: PostgreSQL rolled back what it had; the next call reconnects.
      }
    } else if (this.pending.at(-1) === opening) this.pending.pop()
    else this.pending.push(`ROLLBACK TO SAVEPOINT ${savepoint}`, `RELEASE SAVEPOINT ${savepoint}`)
  }

  /**
   * SQLite pragmas the server sets have no PostgreSQL counterpart or are always on there: busy_timeout, journal_mode,
   * synchronous (commits are durable: synchronous_commit), foreign_keys (always enforced), wal_checkpoint (the
   * server's own checkpoints). query_only maps to default_transaction_read_only. Others are refused.
   */
  pragma(source: string, options?: PragmaOptions): unknown {
    const m = /^\s*(\w+)(?:\s*=\s*(\w+)|\((\w+)\))?\s*$/.exec(source)
    const key = m?.[1]?.toLowerCase()
    const value = m?.[2]
    const answer = (v: unknown, column: string): unknown => (options?.simple ? v : [{ [column]: v }])
    switch (key) {
      case 'busy_timeout':
      case 'synchronous':
      case 'wal_checkpoint':
        return value === undefined ? answer(0, key) : []
      case 'journal_mode':
        return answer('postgres', key)
      case 'foreign_keys':
        return value === undefined ? answer(1, key) : []
      case 'query_only':
        if (value === undefined) return answer(0, key)
        this.exec(`SET default_transaction_read_only = ${/^(on|1|true|yes)$/i.test(value) ? 'on' : 'off'}`)
        return []
      default:
        throw new PgError({ message: `pragma ${source} has no PostgreSQL meaning`, code: 'PG_UNSUPPORTED_PRAGMA' })
    }
  }

  close(): this {
    if (this.closedBy) return this
    try {
      this.call({ op: 'close' })
    } catch {
      // Closing a handle whose connection is already gone.
    }
    this.shutdown(null)
    return this
  }

  /** A new error for each use of a closed handle (the reason's code and message), so none is shared or mutated. */
  private closed(): PgError {
    const why = this.closedBy
    return new PgError({
      message: why?.message ?? 'The database connection is not open',
      code: why?.code ?? 'PG_CLOSED',
    })
  }

  private shutdown(reason: PgError | null): void {
    this.closedBy = reason ?? new PgError({ message: 'The database connection is not open', code: 'PG_CLOSED' })
    this.port.close()
    void this.worker.terminate()
  }
}

export function openPg(opts: OpenPgOptions): PgDb {
  return new PgDb(opts)
}
