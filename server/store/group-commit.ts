// Group commit: updates arriving within a short window are written in ONE SQLite transaction, then acknowledged.
// A failed commit keeps every entry in memory, in order, and retries; nothing is acknowledged before it is committed.

export interface GroupCommitOptions<T> {
  /** Synchronous; must run one transaction over the whole batch (throwing rolls all of it back). */
  commit(batch: readonly T[]): void
  /** How long the first entry of a batch waits for company. */
  windowMs?: number
  /** Commit at once when this many entries are waiting. */
  maxBatch?: number
  /** First retry delay after a failed commit; doubles up to 2 s. */
  retryMs?: number
  onError?(error: unknown, attempt: number): void
}

export interface GroupCommitStats {
  commits: number
  entries: number
  failures: number
}

export interface GroupCommit<T> {
  /** Resolves once `entry` is committed (never rejects: failures are retried). */
  submit(entry: T): Promise<void>
  /** Commit everything waiting now; rejects when the commit fails (entries stay queued). */
  flush(): Promise<void>
  pending(): number
  stats(): GroupCommitStats
  /** Stop timers after a last flush. */
  close(): Promise<void>
}

interface Waiting<T> {
  entry: T
  done: () => void
}

export function createGroupCommit<T>(opts: GroupCommitOptions<T>): GroupCommit<T> {
  const windowMs = opts.windowMs ?? 5
  const maxBatch = opts.maxBatch ?? 500
  const retryMs = opts.retryMs ?? 50
  let queue: Waiting<T>[] = []
  let timer: NodeJS.Timeout | null = null
  let attempt = 0
  let closed = false
  const stats: GroupCommitStats = { commits: 0, entries: 0, failures: 0 }

  function schedule(delay: number): void {
    if (timer !== null || closed) return
    timer = setTimeout(() => {
      timer = null
      try {
        run()
      } catch {
        // already reported and rescheduled by run()
      }
    }, delay)
  }

  /** Commits batches until the queue is empty; throws the commit error after rescheduling a retry. */
  function run(): void {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch)
      try {
        opts.commit(batch.map((w) => w.entry))
      } catch (e) {
        attempt++
        stats.failures++
        opts.onError?.(e, attempt)
        schedule(Math.min(2_000, retryMs * 2 ** (attempt - 1)))
        throw e
      }
      attempt = 0
      queue = queue.slice(batch.length)
      stats.commits++
      stats.entries += batch.length
      for (const w of batch) w.done()
    }
  }

  return {
    submit(entry) {
      return new Promise<void>((resolve) => {
        queue.push({ entry, done: resolve })
        if (attempt > 0) return // a retry is already scheduled
        if (queue.length >= maxBatch) {
          if (timer !== null) clearTimeout(timer)
          timer = null
          queueMicrotask(() => {
            try {
              run()
            } catch {
              // retry scheduled
            }
          })
        } else schedule(windowMs)
      })
    },
    async flush() {
      if (timer !== null) clearTimeout(timer)
      timer = null
      run()
    },
    pending: () => queue.length,
    stats: () => ({ ...stats }),
    async close() {
      try {
        if (timer !== null) clearTimeout(timer)
        timer = null
        run()
      } finally {
        closed = true
      }
    },
  }
}
