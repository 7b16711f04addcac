// Household documents at rest: snapshot + append-only log in SQLite, answered from stored bytes without a Y.Doc,
// with a bounded LRU of Y.Docs only for households being written to, and compaction of the log into the snapshot.
import * as Y from 'yjs'
import { keepContentTight } from '../../shared/doc/tight-content.ts'
import { YoungDoc } from '../../shared/doc/young-transactions.ts'
import type { Db } from '../db/open.ts'
import { writeLater } from '../db/deferred-write.ts'
import { createPeriodStandards } from './period-standard-store.ts'
import { creationRows, type CreationRows } from './creation-rows.ts'
import type { B1Table } from '../../shared/rules/b1-table.ts'
import { createProjections } from './projections.ts'
import type { JsonValue } from '../../shared/sync/messages.ts'
import { createB1TableStore } from '../b1/b1-table-store.ts'
import { householdLog } from './household-log.ts'

export interface DocStoreOptions {
  /** Y.Docs kept resident (recently written households). */
  cacheSize?: number
  /** Compact when the log has more rows than this (COMPACT_ROWS), or more bytes than compactBytes… */
  compactRows?: number
  /** …and than the snapshot (COMPACT_BYTES): a small household is not re-encoded every few dozen edits. */
  compactBytes?: number
  now?: () => number
  /**
   * Other relays write the same database (REDIS_URL): a resident Y.Doc may lag the committed head, so a diff is
   * answered from it only when it is known to hold that head.
   */
  shared?: boolean
}

export interface HouseholdMeta {
  id: string
  period: string
  unitCode: string
  villageId: string
}

export interface LogRow {
  householdId: string
  seq: number
  update: Uint8Array
  userId: string
  deviceId: string
  clientIds: number[]
  receivedAt: number
  /** The values the update writes, as projections' encodeWrites gives them (the field history); null: none. */
  writes?: string | null
  /** SQLite: the row's id in the log, set by appendLog. */
  id?: number
}

export interface DocStore {
  /** Seed/import: doc_state + households summary row, in the caller's transaction. Returns the server_seq (1). */
  createHousehold(meta: HouseholdMeta, initialUpdate: Uint8Array, by: string): number
  /**
   * The bulk path (seeding, register import): the same rows as createHousehold, from the Y.Doc the
   * caller built (no decode of its encoding); the doc stays the caller's. In the caller's transaction; returns 1.
   */
  createHouseholdFromDoc(meta: HouseholdMeta, doc: Y.Doc, by: string): number
  /** The rows of createHouseholdFromDoc, computed elsewhere (creationRows on a worker thread); caller's transaction. */
  insertCreation(meta: HouseholdMeta, rows: CreationRows, by: string): number
  /** What creationRows needs from this database, as plain data for a worker (the standards of `periods`). */
  summaryContext(periods: readonly string[]): { b1Tables: B1Table[]; periodStandards: Record<string, string> }
  exists(householdId: string): boolean
  /** Committed server_seq, or null when the household does not exist. */
  head(householdId: string): number | null
  /** Full state (V1) from stored bytes: snapshot merged with the log. */
  readState(householdId: string): Uint8Array | null
  /** Full state in Yjs update format V2 (bootstrap STATE frames): the stored V2 snapshot when the log is empty. */
  readStateV2(householdId: string): Uint8Array | null
  /** What a client with `stateVector` lacks (V1), from stored bytes; null when the household does not exist. */
  diff(householdId: string, stateVector: Uint8Array): Uint8Array | null
  /** A resident Y.Doc of the household (loaded from stored bytes on a miss), or null when it does not exist. */
  openDoc(householdId: string): Y.Doc | null
  /** Keep `householdId` resident while uncommitted updates live only in its Y.Doc. */
  pin(householdId: string): void
  unpin(householdId: string): void
  /**
   * Drop the resident Y.Doc (it will be rebuilt from stored bytes). Pinned docs stay, unless `refused`: every
   * uncommitted update of the household was refused, so what pins it now is committed already.
   */
  evict(householdId: string, refused?: boolean): void
  /**
   * Inside the commit transaction: append rows (the head is the summary row's server_seq, written by the same commit),
   * setting each row's id on SQLite. `headsWritten`: the caller writes each household's newest id into its summary row
   * (SummaryMeta.logLast) in the same transaction; otherwise appendLog does.
   */
  appendLog(rows: readonly LogRow[], opts?: { headsWritten?: boolean }): void
  /**
   * Whether the household's log is due for compaction. `counted`: its size as the commit that called for the check
   * read it under its lock (several relays), instead of a query of its own.
   */
  needsCompaction(householdId: string, counted?: LogTally): boolean
  /**
   * Merge the log into a gc'd snapshot; compacted rows move to doc_log_archive. Own transaction. `committed`: a resident
   * Y.Doc known to hold exactly what is stored up to `seq` — encoded as is when `seq` is the stored head, instead of
   * rebuilding the document from snapshot + log.
   */
  compact(householdId: string, committed?: { doc: Y.Doc; seq: number }): void
  /** The resident Y.Doc of the household if there is one (never loads, never changes the LRU order). */
  resident(householdId: string): Y.Doc | undefined
  residentCount(): number
  /** The value a server-written item of the household's creation state held (base of conflicts on seeded values). */
  creationValue(householdId: string, id: { client: number; clock: number }): JsonValue | undefined
  /** Committed server_seq of many households in few queries (a relay's sweep after missed fan-out messages). */
  heads(householdIds: readonly string[]): Map<string, number>
  /** Committed rows after `seq` in order (log and archive): what a document or a device at `seq` lacks. */
  rowsAfter(householdId: string, seq: number): { seq: number; update: Uint8Array }[]
  /** The committed server_seq a resident Y.Doc is known to contain (set at load, raised by the writer). */
  docHead(doc: Y.Doc): number | undefined
  advanceDoc(doc: Y.Doc, seq: number): void
}

interface StateRow {
  snapshot: Uint8Array
  snapshot_seq: number
  server_seq: number
}

/**
 * A log is merged into the snapshot past COMPACT_ROWS rows, or past COMPACT_BYTES and the snapshot's size: reading a
 * household costs at most the snapshot plus max(snapshot, COMPACT_BYTES) and COMPACT_ROWS small applies, and an
 * edit re-encodes the household once per hundreds of edits, not once per 50 (docs/server.md "Performance of the sync relay").
 */
export const COMPACT_ROWS = 256
export const COMPACT_BYTES = 16 * 1024
/** Most rows per INSERT into the log; a commit with more takes several. */
const LOG_INSERT_MAX_ROWS = 64
/** Households per query of heads(). */
const HEADS_CHUNK = 500

/**
 * Compaction is checked on every COMPACTION_CHECK_EVERY-th server_seq of a household (a query per commit otherwise).
 * Several relays on PostgreSQL count a household's log with the lock of the commit that reaches such a seq.
 */
export const COMPACTION_CHECK_EVERY = 8

/** A household's log rows and bytes and its snapshot's bytes (null: none yet), as the compaction check reads them. */
export interface LogTally {
  rows: number
  bytes: number
  snapshotBytes: number | null
}

/** Households whose log size is kept in memory (cleared when full; a cleared one is counted again). */
const TALLIES_MAX = 20_000

export function createDocStore(db: Db, opts: DocStoreOptions = {}): DocStore {
  // Households being edited stay resident as Y.Docs (~55 KB each). A city's 1,200 enumerators each have one or two
  // open: 6,000 keeps that working set resident with room to spare (≈ 330 MB at most). Below the working set every
  // edit reloads its household from SQLite (W5 with 2,000: 323 µs of CPU per edit and a growing backlog; with 6,000:
  // 233 µs).
  const cacheSize = opts.cacheSize ?? 6_000
  const compactRows = opts.compactRows ?? COMPACT_ROWS
  const compactBytes = opts.compactBytes ?? COMPACT_BYTES
  const now = opts.now ?? Date.now
  const docs = new Map<string, Y.Doc>() // insertion order = LRU order
  const docHeads = new WeakMap<Y.Doc, number>()
  const pins = new Map<string, number>()
  /**
   * One relay alone on its database: each household's log size as last counted, plus what this store appended since —
   * the compaction check without a query per check. Never below the stored count (an append rolled back stays
   * counted: compaction comes early, never late); dropped at compaction. Several relays count in SQL every time.
   */
  const tallies = opts.shared === true ? null : new Map<string, LogTally>()
  const projections = createProjections(db)
  const b1Tables = createB1TableStore(db)
  const periodStandards = createPeriodStandards(db)

  // The committed head (server_seq) is the summary row's, which every commit rewrites anyway (migration 020); doc_state
  // holds where the snapshot stands and doc_snapshot its bytes, both rewritten by compaction only.
  const HEAD = 'doc_state d JOIN households h ON h.id = d.household_id'
  const HEAD_AND_SNAPSHOT = `${HEAD} JOIN doc_snapshot s ON s.household_id = d.household_id`
  const insertState = db.prepare('INSERT INTO doc_state (household_id, snapshot_seq, updated_at) VALUES (?, 1, ?)')
  const insertSnapshot = db.prepare(
    'INSERT INTO doc_snapshot (household_id, snapshot, snapshot_v2, state_vector) VALUES (?, ?, ?, ?)',
  )
  // `WHERE true`: SQLite reads ON CONFLICT after INSERT … SELECT only behind a WHERE clause.
  const archiveCreation = db.prepare(
    `INSERT INTO doc_log_archive (household_id, seq, "update", user_id, device_id, client_ids, received_at, archived_at)
     SELECT ?, 1, ?, coalesce((SELECT last_editor FROM households WHERE id = ?), 'server'), 'server', '[]', ?, ? WHERE true
     ON CONFLICT DO NOTHING`,
  )
  const creationBytes = db
    .prepare(
      `SELECT coalesce((SELECT "update" FROM doc_log_archive WHERE household_id = ? AND seq = 1),
                     (SELECT s.snapshot FROM doc_snapshot s JOIN doc_state d ON d.household_id = s.household_id
                       WHERE s.household_id = ? AND d.snapshot_seq = 1))`,
    )
    .pluck()
  const selectState = db.prepare(
    `SELECT s.snapshot, d.snapshot_seq, h.server_seq FROM ${HEAD_AND_SNAPSHOT} WHERE d.household_id = ?`,
  )
  const lite = db.dialect !== 'postgres'
  const selectV2 = db.prepare(
    `SELECT s.snapshot_v2 FROM doc_snapshot s WHERE s.household_id = ? AND ${
      lite
        ? '(SELECT log_last FROM households WHERE id = s.household_id) IS NULL'
        : 'NOT EXISTS (SELECT 1 FROM doc_log l WHERE l.household_id = s.household_id)'
    }`,
  )
  const selectSizes = db.prepare(
    `SELECT count(*) AS log_rows, coalesce(sum(length(l."update")), 0) AS log_bytes,
       (SELECT length(s.snapshot) FROM doc_snapshot s WHERE s.household_id = ?) AS snapshot_bytes
     FROM ${householdLog(db, '?')} l`,
  )
  const selectHead = db.prepare(`SELECT h.server_seq FROM ${HEAD} WHERE d.household_id = ?`).pluck()
  const selectSeqs = db.prepare(
    `SELECT s.snapshot, d.snapshot_seq, h.server_seq
     FROM ${HEAD_AND_SNAPSHOT} WHERE d.household_id = ?${db.dialect === 'postgres' ? ' FOR UPDATE OF h' : ''}`,
  )
  const selectLog = db.prepare(`SELECT "update" FROM ${householdLog(db, '?')} l ORDER BY seq`).pluck()
  const selectAfter = db.prepare(
    `SELECT seq, "update" FROM ${householdLog(db, '?')} l WHERE seq > ?
     UNION ALL SELECT seq, "update" FROM doc_log_archive WHERE household_id = ? AND seq > ? ORDER BY seq`,
  )
  /**
   * A commit's log rows go in one INSERT (up to LOG_INSERT_MAX_ROWS rows each), prepared once per row count. On SQLite
   * OR FAIL: a row that fails ends the statement without undoing the rows before it, so SQLite keeps no statement
   * journal (a copy of every page the statement changes, spilled to a temporary file past 64 KiB); the commit's
   * transaction is rolled back whole anyway. Nothing reads its result: on PostgreSQL it goes with the next request.
   */
  const insertLogVerb = lite ? 'INSERT OR FAIL' : 'INSERT'
  const insertLogs = new Map<number, (...params: unknown[]) => void>()
  const insertLogOf = (n: number): ((...params: unknown[]) => void) => {
    let insert = insertLogs.get(n)
    if (insert === undefined) {
      // SQLite: each row's id, and its prev: the row before it in this commit, or else the household's newest. A row
      // whose seq is not above its household's committed head gets prev -1 instead, which the table's CHECK refuses:
      // a seq is committed once, as the unique (household, seq) index ensures on PostgreSQL. (Within a commit the
      // entries of a household come in seq order.) One read of the summary row; none of the log, since an INSERT
      // that reads its own table is run in two passes.
      const row = lite
        ? `(?, ?, ?, ?, ?, ?, ?, ?, ?,
            coalesce(?, (SELECT CASE WHEN ? > server_seq THEN log_last ELSE -1 END FROM households WHERE id = ?)))`
        : '(?, ?, ?, ?, ?, ?, ?, ?)'
      insert = writeLater(
        db.prepare(
          `${insertLogVerb} INTO doc_log (household_id, seq, "update", user_id, device_id, client_ids, received_at, writes${
            lite ? ', id, prev' : ''
          }) VALUES ${Array.from({ length: n }, () => row).join(', ')}`,
        ),
      )
      insertLogs.set(n, insert)
    }
    return insert
  }
  /** Parameters of the multi-row INSERT, reused by every commit (one flat list, 8 per row; 12 on SQLite). */
  const logParams: unknown[] = []
  /** SQLite: the highest id in the log, read at each commit (its rows take the next ones), and the chain's head. */
  const selectMaxId = lite ? db.prepare('SELECT coalesce(max(id), 0) FROM doc_log').pluck() : null
  const setLogLast = lite ? db.prepare('UPDATE households SET log_last = ? WHERE id = ?') : null
  /** Per household of the commit being appended, its newest row (reused). */
  const newest = new Map<string, { id: number; seq: number }>()
  const moveToArchive = db.prepare(
    `INSERT INTO doc_log_archive (household_id, seq, "update", user_id, device_id, client_ids, received_at, writes, archived_at)
     SELECT household_id, seq, "update", user_id, device_id, client_ids, received_at, writes, ? FROM ${householdLog(db, '?')} l
     WHERE seq <= ?`,
  )
  const deleteLog = db.prepare(
    lite
      ? `DELETE FROM doc_log WHERE id IN (SELECT id FROM ${householdLog(db, '?')} l WHERE seq <= ?)`
      : 'DELETE FROM doc_log WHERE household_id = ? AND seq <= ?',
  )
  // SQLite: a household whose newest row was compacted has no rows left (all of them are at or below the head).
  const clearLogLast = lite
    ? db.prepare(
        'UPDATE households SET log_last = NULL WHERE id = ? AND NOT EXISTS (SELECT 1 FROM doc_log WHERE id = households.log_last)',
      )
    : null
  const resetHead = db.prepare(
    `UPDATE doc_state SET snapshot_seq = ?, updated_at = ?
     WHERE household_id = ? AND (SELECT server_seq FROM households WHERE id = ?) = ?`,
  )
  const replaceSnapshot = db.prepare(
    'UPDATE doc_snapshot SET snapshot = ?, snapshot_v2 = ?, state_vector = ? WHERE household_id = ?',
  )

  function stored(householdId: string): { state: StateRow; updates: Uint8Array[] } | null {
    const state = selectState.get(householdId) as StateRow | undefined
    if (!state) return null
    const updates = state.server_seq > state.snapshot_seq ? (selectLog.all(householdId) as Uint8Array[]) : []
    return { state, updates }
  }

  const headsQuery = (n: number) =>
    db
      .prepare(`SELECT d.household_id, h.server_seq FROM ${HEAD} WHERE d.household_id IN (${'?,'.repeat(n - 1)}?)`)
      .raw()
  const selectHeads = headsQuery(HEADS_CHUNK)

  function readStateAt(householdId: string): { bytes: Uint8Array; seq: number } | null {
    const s = stored(householdId)
    if (!s) return null
    const bytes = s.updates.length === 0 ? s.state.snapshot : Y.mergeUpdates([s.state.snapshot, ...s.updates])
    return { bytes, seq: s.state.server_seq }
  }
  const readState = (householdId: string): Uint8Array | null => readStateAt(householdId)?.bytes ?? null

  function touch(householdId: string, doc: Y.Doc): void {
    docs.delete(householdId)
    docs.set(householdId, doc)
    if (docs.size <= cacheSize) return
    for (const [id, d] of docs) {
      if (docs.size <= cacheSize) break
      if (pins.has(id)) continue
      docs.delete(id)
      d.destroy()
    }
  }

  function insertCreation(meta: HouseholdMeta, rows: CreationRows, by: string): number {
    const t = now()
    insertState.run(meta.id, t)
    insertSnapshot.run(meta.id, rows.snapshot, rows.snapshotV2, rows.stateVector)
    // The creation state stays in the snapshot (seq 1) until the first compaction archives it: no copy per household
    // (100,000 seeded households would otherwise carry ~20 KB each of field history and archive).
    projections.insertHousehold(meta, rows.summary, rows.visit, { editor: by, serverSeq: 1, at: t })
    return 1
  }
  const createFromDoc = (meta: HouseholdMeta, doc: Y.Doc, by: string): number =>
    insertCreation(meta, creationRows(doc, { b1Tables: b1Tables.active(), periodStandards }), by)

  return {
    createHousehold(meta, initialUpdate, by) {
      const doc = new Y.Doc({ guid: meta.id })
      Y.applyUpdate(doc, initialUpdate)
      createFromDoc(meta, doc, by)
      doc.destroy()
      return 1
    },
    createHouseholdFromDoc: createFromDoc,
    insertCreation,
    summaryContext(periods) {
      const standards: Record<string, string> = {}
      for (const p of periods) {
        const standard = periodStandards(p)
        if (standard !== undefined) standards[p] = standard
      }
      return { b1Tables: b1Tables.active(), periodStandards: standards }
    },
    exists: (id) => selectHead.get(id) !== undefined,
    head: (id) => (selectHead.get(id) as number | undefined) ?? null,
    readState,
    readStateV2(householdId) {
      const stored = selectV2.get(householdId) as { snapshot_v2: Uint8Array | null } | undefined
      if (stored?.snapshot_v2) return stored.snapshot_v2
      const state = readState(householdId)
      return state === null ? null : Y.convertUpdateFormatV1ToV2(state)
    },
    diff(householdId, stateVector) {
      // A resident doc with no update waiting for its commit (unpinned) holds exactly the stored state: answering from
      // it skips reading and merging snapshot + log (a reconnecting phone's step1 for a household just written).
      const resident = docs.get(householdId)
      if (
        resident !== undefined &&
        !pins.has(householdId) &&
        (opts.shared !== true || docHeads.get(resident) === (selectHead.get(householdId) as number | undefined))
      )
        return Y.encodeStateAsUpdate(resident, stateVector)
      const state = readState(householdId)
      return state === null ? null : Y.diffUpdate(state, stateVector)
    },
    openDoc(householdId) {
      const hit = docs.get(householdId)
      if (hit) {
        touch(householdId, hit)
        return hit
      }
      const state = readStateAt(householdId)
      if (state === null) return null
      // A guid of our own: Y.Doc's default uuidv4 costs 16 crypto calls, measurable at thousands of loads.
      // Resident while edited: transactions kept young, map values in arrays of their own size.
      const doc = keepContentTight(new YoungDoc({ gc: true, guid: householdId }))
      Y.applyUpdate(doc, state.bytes)
      docHeads.set(doc, state.seq)
      touch(householdId, doc)
      return doc
    },
    pin(id) {
      pins.set(id, (pins.get(id) ?? 0) + 1)
    },
    unpin(id) {
      const n = (pins.get(id) ?? 0) - 1
      if (n <= 0) pins.delete(id)
      else pins.set(id, n)
    },
    evict(id, refused = false) {
      if (pins.has(id) && !refused) return
      docs.get(id)?.destroy()
      docs.delete(id)
    },
    appendLog(rows, opts) {
      // The head is the summary row's server_seq, which the same commit writes: no doc_state row per commit.
      for (const r of rows) {
        const t = tallies?.get(r.householdId)
        if (t !== undefined) {
          t.rows++
          t.bytes += r.update.length
        }
      }
      let id = selectMaxId?.get() as number | undefined
      newest.clear()
      try {
        for (let i = 0; i < rows.length; i += LOG_INSERT_MAX_ROWS) {
          const end = Math.min(rows.length, i + LOG_INSERT_MAX_ROWS)
          logParams.length = 0
          for (let k = i; k < end; k++) {
            const r = rows[k] as LogRow
            const clientIds = JSON.stringify(r.clientIds)
            const writes = r.writes ?? null
            if (id === undefined)
              logParams.push(r.householdId, r.seq, r.update, r.userId, r.deviceId, clientIds, r.receivedAt, writes)
            else {
              const before = newest.get(r.householdId)
              if (before !== undefined && r.seq <= before.seq)
                throw new Error(`log row ${r.householdId}:${r.seq} follows ${before.seq} in one commit`)
              id++
              logParams.push(r.householdId, r.seq, r.update, r.userId, r.deviceId, clientIds, r.receivedAt, writes)
              logParams.push(id, before?.id ?? null, r.seq, r.householdId)
              newest.set(r.householdId, { id, seq: r.seq })
              r.id = id
            }
          }
          try {
            insertLogOf(end - i)(...logParams)
          } finally {
            logParams.length = 0 // the updates are not kept alive past the commit
          }
        }
        if (setLogLast !== null && opts?.headsWritten !== true)
          for (const [householdId, last] of newest) setLogLast.run(last.id, householdId)
      } finally {
        newest.clear()
      }
    },
    needsCompaction(householdId, counted) {
      let t = counted ?? tallies?.get(householdId)
      if (t === undefined) {
        const s = selectSizes.get(householdId, householdId) as
          { log_rows: number | string; log_bytes: number | string; snapshot_bytes: number | null } | undefined
        if (s === undefined || s.snapshot_bytes === null) return false
        // Counted from the log (only every COMPACTION_CHECK_EVERY-th seq asks); PostgreSQL's count and sum are bigint.
        t = { rows: Number(s.log_rows), bytes: Number(s.log_bytes), snapshotBytes: s.snapshot_bytes }
        if (tallies !== null) {
          if (tallies.size >= TALLIES_MAX) tallies.clear()
          tallies.set(householdId, t)
        }
      }
      if (t.snapshotBytes === null) return false
      return t.rows > compactRows || (t.rows > 1 && t.bytes > Math.max(t.snapshotBytes, compactBytes))
    },
    compact(householdId, committed) {
      tallies?.delete(householdId) // counted again at the next check
      db.transaction(() => {
        const head = selectSeqs.get(householdId) as
          Pick<StateRow, 'snapshot' | 'snapshot_seq' | 'server_seq'> | undefined
        if (!head || head.server_seq === head.snapshot_seq) return
        let doc: Y.Doc
        if (committed !== undefined && committed.seq === head.server_seq) doc = committed.doc
        else {
          // Re-encode through a gc'd Y.Doc: mergeUpdates alone keeps overwritten values (Yjs #283).
          doc = new Y.Doc({ gc: true, guid: householdId })
          Y.applyUpdate(doc, head.snapshot)
          for (const u of selectLog.all(householdId) as Uint8Array[]) Y.applyUpdate(doc, u)
        }
        const snapshot = Y.encodeStateAsUpdate(doc)
        const snapshotV2 = Y.encodeStateAsUpdateV2(doc)
        const sv = Y.encodeStateVector(doc)
        if (doc !== committed?.doc) doc.destroy()
        const t = now()
        if (head.snapshot_seq === 1) archiveCreation.run(householdId, head.snapshot, householdId, t, t)
        moveToArchive.run(t, householdId, head.server_seq)
        deleteLog.run(householdId, head.server_seq)
        clearLogLast?.run(householdId)
        if (resetHead.run(head.server_seq, t, householdId, householdId, head.server_seq).changes === 1)
          replaceSnapshot.run(snapshot, snapshotV2, sv, householdId)
      })()
    },
    resident: (id) => docs.get(id),
    rowsAfter: (id, seq) => selectAfter.all(id, seq, id, seq) as { seq: number; update: Uint8Array }[],
    heads(ids) {
      const out = new Map<string, number>()
      for (let i = 0; i < ids.length; i += HEADS_CHUNK) {
        const chunk = ids.slice(i, i + HEADS_CHUNK)
        const q = chunk.length === HEADS_CHUNK ? selectHeads : headsQuery(chunk.length)
        for (const [id, seq] of q.all(...chunk) as [string, number][]) out.set(id, seq)
      }
      return out
    },
    docHead: (doc) => docHeads.get(doc),
    advanceDoc(doc, seq) {
      if ((docHeads.get(doc) ?? 0) < seq) docHeads.set(doc, seq)
    },
    residentCount: () => docs.size,
    creationValue(householdId, id) {
      const bytes = creationBytes.get(householdId, householdId) as Uint8Array | null | undefined
      if (!bytes) return undefined
      for (const s of Y.decodeUpdate(bytes).structs) {
        if (
          s instanceof Y.Item &&
          s.id.client === id.client &&
          id.clock >= s.id.clock &&
          id.clock < s.id.clock + s.length
        ) {
          return s.content instanceof Y.ContentAny ? (s.content.arr[id.clock - s.id.clock] as JsonValue) : undefined
        }
      }
      return undefined
    },
  }
}
