// SQLite finds a household's log rows through their chain (household-log.ts, migration 023): on a real SQLite file,
// a roll-back, a compaction, a backup copy and a broken link leave every household with its own rows, found by id.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../db/open.ts'
import { openLogStore, type LogStore } from '../test-support/log-store.ts'
import type { DocStore, LogRow } from './doc-store.ts'
import { householdLog } from './household-log.ts'

let db: Db
let store: DocStore
let opened: LogStore
const HOUSEHOLDS = ['h1', 'h2', 'h3']

beforeEach(() => {
  opened = openLogStore(HOUSEHOLDS)
  ;({ db, store } = opened)
})

afterEach(() => opened.close())

describe('the chain of a household’s rows (SQLite)', () => {
  const row = (householdId: string, seq: number): LogRow => ({
    householdId,
    seq,
    update: Uint8Array.from([0, 0]), // an update that adds nothing, which compaction applies
    userId: 'u',
    deviceId: 'd',
    clientIds: [],
    receivedAt: seq,
  })
  const seqsOf = (householdId: string, from: Db = db): number[] =>
    from
      .prepare(`SELECT seq FROM ${householdLog(from, '?')} l ORDER BY seq`)
      .pluck()
      .all(householdId) as number[]
  /** A commit of these rows, which moves the heads as the writer's does. */
  const append = (rows: LogRow[]): void =>
    db.transaction(() => {
      store.appendLog(rows)
      const head = db.prepare('UPDATE households SET server_seq = ? WHERE id = ? AND server_seq < ?')
      for (const r of rows) head.run(r.seq, r.householdId, r.seq)
    })()

  it('a commit rolled back leaves every chain as it was; the next one takes the same ids', () => {
    append([row('h1', 2), row('h2', 2), row('h1', 3)])
    const lastBefore = db.prepare('SELECT id, log_last FROM households ORDER BY id').raw().all()
    expect(() => append([row('h1', 4), row('h3', 2), { ...row('h2', 3), update: null as never }])).toThrow()
    expect(db.prepare('SELECT id, log_last FROM households ORDER BY id').raw().all()).toEqual(lastBefore)
    append([row('h3', 2), row('h1', 4)])
    expect([seqsOf('h1'), seqsOf('h2'), seqsOf('h3')]).toEqual([[2, 3, 4], [2], [2]])
    expect(db.prepare('SELECT id FROM doc_log ORDER BY id').pluck().all()).toEqual([1, 2, 3, 4, 5])
  })

  it('a seq not above its household’s newest is refused, from an earlier commit or the same one', () => {
    append([row('h1', 2), row('h2', 2)])
    expect(() => append([row('h3', 2), row('h1', 2)])).toThrow(/CHECK constraint failed: seq_above_head/)
    expect(() => append([row('h1', 3), row('h1', 3)])).toThrow(/h1:3 follows 3 in one commit/)
    expect([seqsOf('h1'), seqsOf('h2'), seqsOf('h3')]).toEqual([[2], [2], []])
    append([row('h1', 3), row('h1', 4)])
    expect(seqsOf('h1')).toEqual([2, 3, 4])
  })

  it('compaction empties a household’s chain; its freed ids, taken by another household, never join it', () => {
    append([row('h2', 2), row('h1', 2), row('h1', 3)])
    store.compact('h1')
    expect(seqsOf('h1')).toEqual([])
    expect(db.prepare("SELECT log_last FROM households WHERE id = 'h1'").pluck().get()).toBeNull()
    append([row('h2', 3), row('h2', 4)]) // ids 2 and 3 again
    expect(db.prepare('SELECT id FROM doc_log ORDER BY id').pluck().all()).toEqual([1, 2, 3])
    expect([seqsOf('h1'), seqsOf('h2')]).toEqual([[], [2, 3, 4]])
    append([row('h1', 4)])
    expect([seqsOf('h1'), seqsOf('h2')]).toEqual([[4], [2, 3, 4]])
  })

  it('a copy made by VACUUM INTO (the backup) keeps every chain', () => {
    for (let seq = 2; seq < 40; seq++) append(HOUSEHOLDS.filter((_, i) => (seq + i) % 2 === 0).map((h) => row(h, seq)))
    store.compact('h2') // deleted rows leave gaps in the ids, which a VACUUM of a table without its own key closes
    append([row('h2', 40)])
    const copy = join(opened.dir, 'copy.db')
    db.prepare('VACUUM INTO ?').run(copy)
    const other = openDb(copy)
    try {
      for (const h of HOUSEHOLDS) expect(seqsOf(h, other)).toEqual(seqsOf(h))
      expect(seqsOf('h1', other)).toHaveLength(19)
    } finally {
      other.close()
    }
  })

  it('a broken link ends the walk: never another household’s rows, never a loop', () => {
    append([row('h1', 2), row('h2', 2), row('h1', 3), row('h1', 4)])
    const id = (h: string, seq: number): number =>
      db.prepare('SELECT id FROM doc_log WHERE household_id = ? AND seq = ?').pluck().get(h, seq) as number
    db.prepare('UPDATE doc_log SET prev = ? WHERE id = ?').run(id('h2', 2), id('h1', 4))
    expect(seqsOf('h1')).toEqual([4])
    db.prepare('UPDATE doc_log SET prev = ? WHERE id = ?').run(id('h1', 4), id('h1', 4))
    expect(seqsOf('h1')).toEqual([4])
    db.prepare('UPDATE doc_log SET prev = ? WHERE id = ?').run(id('h1', 4), id('h1', 2)) // 4 → 3 → 2 → 4
    db.prepare('UPDATE doc_log SET prev = ? WHERE id = ?').run(id('h1', 3), id('h1', 4))
    expect(seqsOf('h1')).toEqual([2, 3, 4])
  })

  it('reads a household’s rows by id look-ups, not by scanning the log', () => {
    const plan = (
      db.prepare(`EXPLAIN QUERY PLAN SELECT seq FROM ${householdLog(db, '?')} l`).all('h1') as {
        detail: string
      }[]
    ).map((p) => p.detail)
    expect(plan.some((d) => /SEARCH .*PRIMARY KEY/.test(d))).toBe(true)
    expect(plan.filter((d) => /^SCAN/.test(d) && !/^SCAN c\b/.test(d))).toEqual([])
  })
})
