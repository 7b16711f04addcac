// Group commit: updates arriving within a short window are written in ONE SQLite transaction, then acknowledged.
// A failed commit keeps its entries in memory, in order, and retries; nothing is acknowledged before it is committed.
// With `keyOf`, a failed batch is retried key by key: one household whose commit keeps failing is refused alone.

export interface GroupCommitOptions<T> {
  /** Synchronous; must run one transaction over the whole batch (throwing rolls all of it back). */
  commit(batch: readonly T[]): void
  /**
   * How long the first entry of a batch waits for company. After a quiet spell (nothing committed for this long, no
   * sync in flight) the first entry does not wait: it commits on the next turn of the event loop with whatever that
   * turn brought, so a lone edit is acknowledged a window sooner and a steady stream is still batched.
   */
  windowMs?: number
  /** Commit at once when this many entries are waiting. */
  maxBatch?: number
  /** First retry delay after a failed commit; doubles up to 2 s. */
  retryMs?: number
  onError?(error: unknown, attempt: number): void
  /**
   * Entries of one key (a household) commit or fail together. When a batch fails, each key is committed on its own;
   * a key whose commits fail `maxAttempts` times in a row has all its waiting entries rejected with the last error.
   */
  keyOf?(entry: T): string
  /** Failed commits of one key before its entries are rejected (default 5; only with keyOf). */
  maxAttempts?: number
  /**
   * An error that a retry would meet again (a check made inside the commit refused the key's entries): the key's waiting
   * entries are rejected with it at once, without retries, and it is not a storage failure (health, onError). Only with
   * keyOf.
   */
  final?(error: unknown): boolean
  now?: () => number
  /**
   * Makes what was committed durable (fsync of the WAL); entries resolve only after a sync that started after their
   * commit. Runs off the event loop; syncs are coalesced (one in flight, the next covers every commit since).
   */
  sync?(): Promise<void>
  /**
   * With `sync`: entries whose window ends while a sync is in flight could not be acknowledged before the next sync
   * anyway, so they are committed when it ends — one larger transaction instead of several — or after this many
   * milliseconds if it has not ended by then (default 10 × windowMs; 0 commits at the window's end as without sync).
   */
  holdWhileSyncingMs?: number
}

export interface GroupCommitStats {
  commits: number
  entries: number
  failures: number
}

/** Whether commits are failing now (or failed within the last minute with no success since), and why. */
export interface CommitHealth {
  stalled: boolean
  since: number | null
  lastError: unknown
}

export interface GroupCommit<T> {
  /** Resolves once `entry` is committed; rejects only when its key's commits kept failing (keyOf + maxAttempts). */
  submit(entry: T): Promise<void>
  /** Commit everything waiting now; rejects when the commit fails (entries stay queued). */
  flush(): Promise<void>
  pending(): number
  stats(): GroupCommitStats
  health(): CommitHealth
  /** Stop timers after a last flush. */
  close(): Promise<void>
}

interface Waiting<T> {
  entry: T
  done: () => void
  fail: (e: unknown) => void
}

/** A failure with no success after it is reported as a stall for this long (a refused household included). */
const STALL_MEMORY_MS = 60_000

export function createGroupCommit<T>(opts: GroupCommitOptions<T>): GroupCommit<T> {
  const windowMs = opts.windowMs ?? 5
  const maxBatch = opts.maxBatch ?? 500
  const retryMs = opts.retryMs ?? 50
  const maxAttempts = opts.maxAttempts ?? 5
  const now = opts.now ?? Date.now
  const keyOf = opts.keyOf
  const holdMs = opts.holdWhileSyncingMs ?? 10 * windowMs
  let queue: Waiting<T>[] = []
  let timer: NodeJS.Timeout | null = null
  let attempt = 0
  let closed = false
  /** Consecutive failed commits per key (keyed mode). */
  const keyFailures = new Map<string, number>()
  let failingSince: number | null = null
  let lastFailureAt = -Infinity
  let lastError: unknown = null
  const stats: GroupCommitStats = { commits: 0, entries: 0, failures: 0 }
  /** Committed entries waiting for the next sync, and the sync in flight. */
  let unsynced: Waiting<T>[] = []
  let syncing: Promise<void> | null = null
  let syncFailures = 0
  /** Waiting entries are held for the end of the sync in flight (holdWhileSyncingMs); `timer` is then the hold's limit. */
  let holding = false
  /** When the last commit went through (the window applies within windowMs of it). */
  let lastCommitAt = -Infinity

  function runNow(): void {
    try {
      run()
    } catch {
      // already reported and rescheduled by run()
    }
  }

  /** Nothing committed within the window and nothing waiting for a sync: the next entry need not wait for company. */
  function quiet(): boolean {
    return syncing === null && unsynced.length === 0 && now() - lastCommitAt >= windowMs
  }

  function cancelTimer(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
    holding = false
  }

  function schedule(delay: number): void {
    if (timer !== null || closed) return
    timer = setTimeout(() => {
      timer = null
      if (syncing !== null && holdMs > 0 && !holding) {
        holding = true
        timer = setTimeout(() => {
          timer = null
          holding = false
          runNow()
        }, holdMs)
        return
      }
      runNow()
    }, delay)
  }

  function failed(e: unknown): void {
    stats.failures++
    lastError = e
    lastFailureAt = now()
    failingSince ??= lastFailureAt
  }

  function committed(done: readonly Waiting<T>[]): void {
    lastCommitAt = now()
    stats.commits++
    stats.entries += done.length
    if (keyFailures.size === 0) failingSince = null
    const gone = new Set(done)
    queue = queue.filter((w) => !gone.has(w))
    if (opts.sync === undefined) for (const w of done) w.done()
    else {
      unsynced.push(...done)
      startSync()
    }
  }

  function startSync(): void {
    const sync = opts.sync
    if (syncing !== null || unsynced.length === 0 || sync === undefined) return
    const covered = unsynced
    unsynced = []
    syncing = sync()
      .then(
        () => {
          syncFailures = 0
          for (const w of covered) w.done()
        },
        (e: unknown) => {
          // Committed but not known to be on disk: not acknowledged; the next sync covers them again.
          syncFailures++
          failed(e)
          opts.onError?.(e, 0)
          unsynced = [...covered, ...unsynced]
          return new Promise<void>((ok) => setTimeout(ok, retryMs))
        },
      )
      .finally(() => {
        syncing = null
        if (failingSince !== null && keyFailures.size === 0 && unsynced.length === 0) failingSince = null
        if (holding) {
          cancelTimer()
          runNow() // what waited for this sync is committed now; its sync starts below
        }
        startSync()
      })
  }

  /** Waits until every committed entry is synced (flush, close); gives up after 3 failed syncs in a row. */
  async function drainSync(): Promise<void> {
    while (syncing !== null && syncFailures < 3) await syncing
  }

  /** Rejects every waiting entry of `key` with `e`. */
  function refuseKey(key: string, e: unknown): void {
    keyFailures.delete(key)
    const refused = queue.filter((w) => keyOf?.(w.entry) === key)
    queue = queue.filter((w) => keyOf?.(w.entry) !== key)
    for (const w of refused) w.fail(e)
  }

  /** Commits one key's entries of a failed batch on their own; returns whether they are still waiting for a retry. */
  function commitKey(key: string, group: Waiting<T>[]): boolean {
    try {
      opts.commit(group.map((w) => w.entry))
    } catch (e) {
      if (opts.final?.(e) === true) {
        refuseKey(key, e) // a retry would meet it again: no attempts, no failure reported
        return false
      }
      failed(e)
      const n = (keyFailures.get(key) ?? 0) + 1
      opts.onError?.(e, n)
      if (n < maxAttempts) {
        keyFailures.set(key, n)
        return true
      }
      refuseKey(key, e)
      return false
    }
    keyFailures.delete(key)
    committed(group)
    return false
  }

  /** Commits batches until the queue is empty; throws the commit error after rescheduling a retry. */
  function run(): void {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch)
      const suspect = keyOf !== undefined && batch.some((w) => keyFailures.has(keyOf(w.entry)))
      if (!suspect) {
        try {
          opts.commit(batch.map((w) => w.entry))
          attempt = 0
          committed(batch)
          continue
        } catch (e) {
          if (keyOf !== undefined) {
            // The keys are committed on their own below. A refusal (final) is no storage failure: the refused key fails.
            if (opts.final?.(e) !== true) {
              failed(e)
              opts.onError?.(e, 0) // 0: the batch; each key's own attempts follow
            }
          } else {
            failed(e)
            attempt++
            opts.onError?.(e, attempt)
            schedule(Math.min(2_000, retryMs * 2 ** (attempt - 1)))
            throw e
          }
        }
      }
      const groups = new Map<string, Waiting<T>[]>()
      for (const w of batch) {
        const key = (keyOf as (entry: T) => string)(w.entry)
        const g = groups.get(key)
        if (g) g.push(w)
        else groups.set(key, [w])
      }
      let retry = false
      for (const [key, group] of groups) if (commitKey(key, group)) retry = true
      if (retry) {
        attempt = Math.max(...keyFailures.values())
        schedule(Math.min(2_000, retryMs * 2 ** (attempt - 1)))
        throw lastError
      }
      attempt = 0
    }
  }

  return {
    submit(entry) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ entry, done: resolve, fail: reject })
        if (attempt > 0) return // a retry is already scheduled
        if (queue.length >= maxBatch) {
          cancelTimer()
          queueMicrotask(runNow)
        } else schedule(quiet() ? 0 : windowMs)
      })
    },
    async flush() {
      cancelTimer()
      run()
      await drainSync()
    },
    pending: () => queue.length,
    stats: () => ({ ...stats }),
    health() {
      const recent = failingSince !== null && now() - lastFailureAt < STALL_MEMORY_MS
      const stalled = keyFailures.size > 0 || (keyOf === undefined && attempt > 0) || recent
      return { stalled, since: stalled ? failingSince : null, lastError: stalled ? lastError : null }
    },
    async close() {
      try {
        cancelTimer()
        run()
        await drainSync()
      } finally {
        closed = true
      }
    },
  }
}
