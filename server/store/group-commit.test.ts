// Group commit on a real SQLite file: one transaction per window, acknowledgement only after commit, retry on failure.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDb, type Db } from '../db/open.ts'
import { createGroupCommit, type GroupCommitOptions } from './group-commit.ts'

let dir: string
let db: Db

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-gc-'))
  db = openDb(join(dir, 'gc.db'))
  db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY)')
})

afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

function committer(opts: { maxBatch?: number; failFirst?: number } = {}) {
  const insert = db.prepare('INSERT INTO t (n) VALUES (?)')
  let fail = opts.failFirst ?? 0
  const seenAtAck: number[] = []
  const gc = createGroupCommit<number>({
    maxBatch: opts.maxBatch ?? 500,
    retryMs: 1,
    commit: db.transaction((batch: readonly number[]) => {
      for (const n of batch) insert.run(n)
      if (fail-- > 0) throw new Error('simulated failure after writing')
    }),
  })
  const count = db.prepare('SELECT count(*) FROM t').pluck()
  const submit = (n: number) => gc.submit(n).then(() => seenAtAck.push(count.get() as number))
  return { gc, submit, seenAtAck, count }
}

/** A keyed group commit (even and odd numbers) whose commit throws `refuse()` at row 13; `outcome` of one entry. */
function keyed(refuse: () => Error, opts: Partial<GroupCommitOptions<number>>) {
  const insert = db.prepare('INSERT INTO t (n) VALUES (?)')
  const errors: unknown[] = []
  const gc = createGroupCommit<number>({
    retryMs: 1,
    keyOf: (n) => (n % 2 === 0 ? 'even' : 'odd'),
    onError: (e) => errors.push(e),
    ...opts,
    commit: db.transaction((batch: readonly number[]) => {
      for (const n of batch) {
        if (n === 13) throw refuse()
        insert.run(n)
      }
    }),
  })
  const outcome = (n: number): Promise<string> =>
    gc.submit(n).then(
      () => 'ok',
      (e: Error) => e.message,
    )
  return { gc, errors, outcome }
}

it('entries submitted in one window are written in one transaction, then all acknowledged', async () => {
  const { gc, submit, seenAtAck } = committer()
  await Promise.all(Array.from({ length: 100 }, (_, i) => submit(i)))
  expect(gc.stats()).toMatchObject({ commits: 1, entries: 100, failures: 0 })
  expect(seenAtAck.every((n) => n === 100)).toBe(true) // every ack saw its row committed
})

it('maxBatch splits a burst into several transactions, in order', async () => {
  const { gc, submit } = committer({ maxBatch: 10 })
  await Promise.all(Array.from({ length: 35 }, (_, i) => submit(i)))
  expect(gc.stats()).toMatchObject({ commits: 4, entries: 35 })
  expect(db.prepare('SELECT n FROM t ORDER BY n').pluck().all()).toEqual(Array.from({ length: 35 }, (_, i) => i))
})

it('a failed transaction is rolled back, kept in memory and retried; nothing is acknowledged before it commits', async () => {
  const { gc, submit, seenAtAck, count } = committer({ failFirst: 2 })
  await Promise.all([submit(1), submit(2)])
  expect(gc.stats()).toMatchObject({ commits: 1, failures: 2 })
  expect(count.get()).toBe(2) // the failed attempts left no rows behind
  expect(seenAtAck).toEqual([2, 2]) // acknowledged only once committed
})

it('flush commits at once (shutdown) and close stops the timers', async () => {
  const { gc, count } = committer()
  void gc.submit(7)
  await gc.flush()
  expect(count.get()).toBe(1)
  await gc.close()
  expect(gc.pending()).toBe(0)
})

it('with keyOf, a key whose commit keeps failing is refused alone; other keys are committed and acknowledged', async () => {
  let clock = 1_000
  const { gc, errors, outcome } = keyed(() => new Error('poisoned row 13'), { maxAttempts: 3, now: () => clock })
  const results = await Promise.all([outcome(2), outcome(13), outcome(4), outcome(15)])
  expect(results).toEqual(['ok', 'poisoned row 13', 'ok', 'poisoned row 13']) // 15 waited behind 13: same key
  expect(db.prepare('SELECT n FROM t ORDER BY n').pluck().all()).toEqual([2, 4])
  expect(gc.pending()).toBe(0)
  expect(gc.health()).toMatchObject({ stalled: true, since: 1_000 }) // failed just now, no success since
  clock += 61_000
  expect(gc.health().stalled).toBe(false) // a refused key alone is no stall a minute later
  expect(await outcome(7)).toBe('ok') // the key is not refused forever: a good entry of it commits
  expect(gc.health()).toEqual({ stalled: false, since: null, lastError: null })
  expect(errors).toHaveLength(4) // the whole batch once, then row 13's key three times
})

it('a final error (a refusal found inside the commit) refuses its key at once, without retries, and is no stall', async () => {
  let attempts = 0
  class Refused extends Error {}
  const { gc, errors, outcome } = keyed(
    () => {
      attempts++
      return new Refused('refused row 13')
    },
    { maxAttempts: 5, final: (e) => e instanceof Refused },
  )
  const results = await Promise.all([outcome(2), outcome(13), outcome(4), outcome(15)])
  expect(results).toEqual(['ok', 'refused row 13', 'ok', 'refused row 13'])
  expect(attempts).toBe(2) // the batch, then its key once: never retried
  expect(db.prepare('SELECT n FROM t ORDER BY n').pluck().all()).toEqual([2, 4])
  expect(errors).toEqual([])
  expect(gc.health()).toEqual({ stalled: false, since: null, lastError: null })
  // Alone in its batch: refused the same way, still no stall.
  expect(await outcome(17)).toBe('ok')
  expect(await Promise.all([outcome(13)])).toEqual(['refused row 13'])
  expect(gc.health().stalled).toBe(false)
})

it('health reports a stall while a key is being retried, and its end once the commit goes through', async () => {
  let fail = true
  const insert = db.prepare('INSERT INTO t (n) VALUES (?)')
  let retried: () => void = () => {}
  const gc = createGroupCommit<number>({
    retryMs: 1,
    maxAttempts: 100,
    keyOf: () => 'k',
    onError: () => retried(),
    commit: db.transaction((batch: readonly number[]) => {
      if (fail) throw new Error('SQLITE_FULL (simulated)')
      for (const n of batch) insert.run(n)
    }),
  })
  const acked = gc.submit(1)
  await new Promise<void>((ok) => (retried = ok))
  expect(gc.health().stalled).toBe(true)
  expect(String(gc.health().lastError)).toContain('SQLITE_FULL')
  fail = false
  await acked
  expect(gc.health().stalled).toBe(false)
})

it('entries whose window ends while a sync is in flight are committed together when it ends, in one transaction', async () => {
  const insert = db.prepare('INSERT INTO t (n) VALUES (?)')
  const gates: (() => void)[] = []
  const gc = createGroupCommit<number>({
    windowMs: 1,
    holdWhileSyncingMs: 60_000,
    commit: db.transaction((batch: readonly number[]) => {
      for (const n of batch) insert.run(n)
    }),
    sync: () => new Promise<void>((open) => gates.push(open)),
  })
  const first = gc.submit(1)
  const flushed = gc.flush() // commits 1 and starts its sync
  const second = gc.submit(2)
  await new Promise((ok) => setTimeout(ok, 5)) // 2's window (1 ms) ends while 1's sync is in flight
  const third = gc.submit(3)
  expect(gc.stats().commits).toBe(1)
  gates[0]!() // 1 is durable: 2 and 3 are committed now, together, and their sync starts
  await first
  await new Promise<void>((ok) => {
    const check = () => (gates.length === 2 ? ok() : setImmediate(check))
    check()
  })
  expect(gc.stats()).toMatchObject({ commits: 2, entries: 3 })
  expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(3)
  gates[1]!()
  await Promise.all([second, third, flushed])
  await gc.close()
})

it('with sync, entries are acknowledged only after a sync that started after their commit; syncs are coalesced', async () => {
  const insert = db.prepare('INSERT INTO t (n) VALUES (?)')
  const gates: { open: () => void; fail: (e: Error) => void }[] = []
  const acked: number[] = []
  const gc = createGroupCommit<number>({
    windowMs: 1,
    retryMs: 1,
    commit: db.transaction((batch: readonly number[]) => {
      for (const n of batch) insert.run(n)
    }),
    sync: () => new Promise<void>((open, fail) => gates.push({ open, fail })),
  })
  const first = gc.submit(1).then(() => acked.push(1))
  const flushed = gc.flush() // commits 1 at once and starts its sync; flush resolves once that sync is done
  expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(1)
  expect(gates).toHaveLength(1)
  const second = gc.submit(2).then(() => acked.push(2))
  const third = gc.submit(3).then(() => acked.push(3))
  await new Promise<void>((ok) => {
    const check = () => (db.prepare('SELECT COUNT(*) FROM t').pluck().get() === 3 ? ok() : setImmediate(check))
    check()
  })
  expect(gates).toHaveLength(1) // 2 and 3 are committed but wait for the next sync: one in flight at a time
  expect(acked).toEqual([])
  gates[0]!.fail(new Error('EIO (simulated)')) // 1 is committed but not known durable: not acknowledged
  await new Promise<void>((ok) => {
    const check = () => (gates.length === 2 ? ok() : setTimeout(check, 1))
    check()
  })
  expect(acked).toEqual([])
  expect(gc.health().stalled).toBe(true)
  gates[1]!.open() // covers 1, 2 and 3
  await Promise.all([first, second, third, flushed])
  expect(acked.sort()).toEqual([1, 2, 3])
  expect(gc.health().stalled).toBe(false)
})

it('after a quiet spell an entry is committed without waiting for the window; one within the window waits for it', async () => {
  let clock = 1_000_000
  const insert = db.prepare('INSERT INTO t (n) VALUES (?)')
  const gc = createGroupCommit<number>({
    windowMs: 60_000,
    now: () => clock,
    commit: db.transaction((batch: readonly number[]) => {
      for (const n of batch) insert.run(n)
    }),
  })
  await gc.submit(1) // resolves long before a 60 s window would end: nothing was committed before it
  expect(gc.stats()).toMatchObject({ commits: 1, entries: 1 })
  const second = gc.submit(2) // within the window of that commit: waits for company
  await new Promise((ok) => setTimeout(ok, 20))
  expect(gc.pending()).toBe(1)
  clock += 60_000
  const third = gc.submit(3) // joins the batch already waiting
  expect(gc.pending()).toBe(2)
  await gc.flush()
  await Promise.all([second, third])
  expect(gc.stats()).toMatchObject({ commits: 2, entries: 3 })
  await gc.close()
})
