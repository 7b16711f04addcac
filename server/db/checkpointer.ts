// Copies committed WAL frames into the database file from a worker thread with its own connection, so a COMMIT on the
// event loop never runs a checkpoint (copying pages and two fsyncs) and every device waits less for its ACK.
// The main connection keeps a far larger auto-checkpoint as a fallback, should the worker fail or fall behind.

import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { Db } from './types.ts'

export interface CheckpointResult {
  /** Frames in the WAL and frames copied into the database file by this checkpoint (SQLite's wal_checkpoint). */
  log: number
  checkpointed: number
  busy: boolean
}

export interface Checkpointer {
  /** Starts a checkpoint unless one runs; resolves with its result (null when one was already running). */
  checkpoint(): Promise<CheckpointResult | null>
  stats(): { checkpoints: number; failures: number; lastError: unknown }
  /** Waits for the running checkpoint, closes the worker's connection and stops it. */
  close(): Promise<void>
}

export interface CheckpointerOptions {
  /** How often a checkpoint runs while commits happen (default 250 ms); 0 runs none by itself (tests call checkpoint). */
  everyMs?: number
  /** The main connection's auto-checkpoint, in pages, kept as a fallback (default 16,384 ≈ 64 MiB of WAL). */
  fallbackPages?: number
  onError?(e: unknown): void
}

// The worker is tiny and plain JavaScript, so it runs the same under tsx, vitest and a built server.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.module)
const db = new Database(workerData.file)
db.pragma('busy_timeout = 0')
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close()
    parentPort.close()
    return
  }
  try {
    // Frames committed while it copies are copied by the next round, each shorter than the last: the WAL is rewound
    // (and stops growing) only when a round ends with every frame copied before the next COMMIT.
    let r
    for (let round = 0; round < 16; round++) {
      r = db.pragma('wal_checkpoint(PASSIVE)')[0]
      if (r.busy === 1 || r.checkpointed >= r.log) break
    }
    parentPort.postMessage({ ok: true, log: r.log, checkpointed: r.checkpointed, busy: r.busy === 1 })
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String(e && e.message || e), code: e && e.code })
  }
})
`

/** A checkpointer for a file database in WAL mode on SQLite; null otherwise (PostgreSQL, in-memory, rollback journal). */
export function createCheckpointer(db: Db, opts: CheckpointerOptions = {}): Checkpointer | null {
  if (db.dialect !== 'sqlite' || db.memory || db.pragma('journal_mode', { simple: true }) !== 'wal') return null
  db.pragma(`wal_autocheckpoint = ${Math.max(1000, Math.floor(opts.fallbackPages ?? 16_384))}`)
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file: db.name, module: createRequire(import.meta.url).resolve('better-sqlite3') },
  })
  worker.unref()
  const stats = { checkpoints: 0, failures: 0, lastError: null as unknown }
  let running: Promise<CheckpointResult | null> | null = null
  let closed = false
  const changes = db.prepare('SELECT total_changes()').pluck()
  let seen = -1

  function checkpoint(): Promise<CheckpointResult | null> {
    if (running !== null || closed) return Promise.resolve(null)
    running = new Promise<CheckpointResult | null>((ok) => {
      worker.once('message', (m: ({ ok: true } & CheckpointResult) | { ok: false; error: string; code?: string }) => {
        running = null
        if (m.ok) {
          stats.checkpoints++
          ok({ log: m.log, checkpointed: m.checkpointed, busy: m.busy })
          return
        }
        stats.failures++
        stats.lastError = Object.assign(new Error(m.error), { code: m.code })
        opts.onError?.(stats.lastError)
        ok(null)
      })
      worker.postMessage('checkpoint')
    })
    return running
  }

  const everyMs = opts.everyMs ?? 250
  const timer =
    everyMs > 0
      ? setInterval(() => {
          // Only after commits: an idle server does nothing.
          const now = changes.get() as number
          if (now === seen) return
          seen = now
          void checkpoint()
        }, everyMs)
      : null
  timer?.unref()

  return {
    checkpoint,
    stats: () => ({ ...stats }),
    async close() {
      if (closed) return
      if (timer !== null) clearInterval(timer)
      await running
      closed = true
      await new Promise<void>((ok) => {
        worker.once('exit', () => ok())
        worker.postMessage('close')
      })
    },
  }
}
