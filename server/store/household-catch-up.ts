// Several relays on one database: a resident Y.Doc can fall behind what another relay committed. Before an update is
// checked its doc is brought up to date when behind; inside the commit transaction the household's committed head is
// locked, rows committed elsewhere since are applied, the entries are checked again against them (conflicts, and the
// workflow: a record another relay locked meanwhile refuses them), and entries are numbered after that head.
//
// Whether a resident doc is behind: while the fan-out is live, other relays' commits are announced (the Redis message
// carries the update), so a doc that missed no announcement is current without asking the database; the next row is
// applied as it is announced. Without a live fan-out (or after a reconnect, until each doc was read once) the database
// is asked before each check. An announcement still in flight is what the check inside the commit is for.
import * as Y from 'yjs'
import type { Db } from '../db/open.ts'
import type { JsonValue } from '../../shared/sync/messages.ts'
import { ClientIdTakenError, SERVER_USER } from './client-ids.ts'
import { COMPACTION_CHECK_EVERY, type DocStore, type LogRow, type LogTally } from './doc-store.ts'
import { householdLog } from './household-log.ts'
import type { Author, createProjections } from './projections.ts'
import { inspectUpdate, SERVER_CLIENT_ID, valueAt, type DetectedConflict } from './update-inspection.ts'

/** What the catch-up reads and rewrites of a waiting entry (household-writer's Entry). */
export interface CatchUpEntry {
  row: LogRow
  author: Author
  conflicts: { detected: DetectedConflict; kept: JsonValue }[]
}

/**
 * An update the check inside the commit refused (another relay's row, committed after the update was first checked,
 * locked the record or otherwise makes it a forbidden move): the household's waiting updates are refused, none stored.
 */
export class RefusedInCommit extends Error {
  constructor(
    readonly code: 'sync/invalid-update' | 'sync/layout-violation' | 'sync/forbidden-transition' | 'sync/record-locked',
    reason: string,
  ) {
    super(reason)
    this.name = 'RefusedInCommit'
  }
}

/**
 * Why a commit refused an update that its first check accepted (this file's RefusedInCommit, or a client id another
 * relay bound to another user first), as the device is told; null for any other failure (nothing stored, retry).
 */
export function refusalOf(
  e: unknown,
): { code: RefusedInCommit['code'] | ClientIdTakenError['code']; reason: string } | null {
  if (e instanceof RefusedInCommit || e instanceof ClientIdTakenError) return { code: e.code, reason: e.message }
  return null
}

export interface CatchUpOptions {
  /**
   * Whether other relays' commits reach othersCommitted now (the fan-out's subscription is up). While false, fresh()
   * asks the database every time. Default: never (always ask).
   */
  announced?: () => boolean
  /** A resident doc took in rows of other relays outside a commit: what was read from it before is stale. */
  caughtUp?: (doc: Y.Doc) => void
  /** Whether the household has updates waiting for their commit (then an announced row waits for the commit's lock). */
  waiting?: (householdId: string) => boolean
}

export interface CatchUp {
  /**
   * The doc of a household with no update waiting: loaded when not resident; when resident, with the rows another relay
   * committed since applied to it (one query whether or not there are any), and `caughtUp` called with it.
   */
  fresh(householdId: string): Y.Doc | null
  /**
   * Inside the commit transaction: locks each household's head, takes in rows committed elsewhere and numbers the
   * entries head + 1, head + 2, … Returns the households that had rows from elsewhere (their summary is recomputed),
   * and what the lock read besides each head.
   */
  renumber(batch: readonly CatchUpEntry[]): Renumbered
  /** Another relay committed `seq` of a household (fan-out): applied to its resident doc when it is the next row. */
  othersCommitted(householdId: string, seq: number, update: Uint8Array): void
  /** Announcements may have been lost (the fan-out reconnected): every resident doc is read again before its next check. */
  othersUnknown(): void
}

/** A household's summary row as the lock read it: the position the visit flags compare with. */
export interface LockedRow {
  head: number
  lat: number | null
  lng: number | null
  movedM: number | null
  /**
   * PostgreSQL, when the commit's seqs of this household reach a compaction check: its log and snapshot sizes with the
   * commit's own rows counted, read by the lock (no query of the check's own). Counted in the statement's snapshot:
   * when the lock waited for another relay's commit, that commit's rows are not in it, and compaction waits for a later
   * check.
   */
  logTally?: LogTally
}

export interface Renumbered {
  caught: string[]
  locked: ReadonlyMap<string, LockedRow>
  /** The latest B1 table id, read by the same statement on PostgreSQL (undefined on SQLite: ask the table store). */
  b1Latest: number | undefined
}

export function createCatchUp(
  db: Db,
  docStore: DocStore,
  projections: Pick<ReturnType<typeof createProjections>, 'valueOfItem'>,
  opts: CatchUpOptions = {},
): CatchUp {
  const caughtUp = opts.caughtUp ?? (() => {})
  const announcing = opts.announced ?? (() => false)
  /**
   * Resident docs known to hold every row committed up to their head as of `generation` (read from the database then,
   * or loaded), and the highest seq announced for a resident doc that it did not take in yet (both go with the doc when
   * it leaves memory).
   */
  const current = new WeakMap<Y.Doc, number>()
  let generation = 0
  const announced = new WeakMap<Y.Doc, number>()
  // The head is the summary row's server_seq (migration 020). PostgreSQL: one statement locks a commit's households (each
  // statement is a round trip), in id order, the same order on every relay, so two relays committing the same
  // households wait for each other instead of deadlocking; it also reads the latest B1 table id, which the summary
  // asks for once per commit, and the log's size of each household whose seqs in this commit reach a compaction check
  // (the writer's check after the commit would be a round trip of its own). SQLite: BEGIN IMMEDIATE already holds the
  // only write lock.
  const reachesCheck = `(h.server_seq + b.n) / ${COMPACTION_CHECK_EVERY} > h.server_seq / ${COMPACTION_CHECK_EVERY}`
  const lockHeads =
    db.dialect === 'postgres'
      ? db.prepare(
          `SELECT h.id, h.server_seq, h.lat, h.lng, h.moved_m, (SELECT coalesce(max(id), 0) FROM b1_tables) AS b1,
             CASE WHEN ${reachesCheck} THEN (SELECT ARRAY[count(*), coalesce(sum(length(l."update")), 0)]
               FROM ${householdLog(db, 'h.id')} l) END AS log_size,
             CASE WHEN ${reachesCheck} THEN (SELECT length(s.snapshot) FROM doc_snapshot s WHERE s.household_id = h.id)
               END AS snapshot_bytes
           FROM households h JOIN unnest(CAST(? AS text[]), CAST(? AS integer[])) AS b(id, n) ON b.id = h.id
           ORDER BY h.id FOR UPDATE OF h`,
        )
      : null
  const lockHead = db.prepare('SELECT server_seq, lat, lng, moved_m FROM households WHERE id = ?')
  type Raw = { server_seq: number | string; lat: number | null; lng: number | null; moved_m: number | null }
  const row = (r: Raw): LockedRow => ({ head: Number(r.server_seq), lat: r.lat, lng: r.lng, movedM: r.moved_m })
  type Locked = Raw & {
    id: string
    b1: number | string
    log_size: (number | string)[] | null
    snapshot_bytes: number | null
  }
  /**
   * The committed head of each household (absent: no such household), locked until the transaction ends. `byHousehold`:
   * the entries of the commit per household, whose rows the log sizes read here count.
   */
  function lockAll(byHousehold: ReadonlyMap<string, readonly CatchUpEntry[]>): {
    locked: Map<string, LockedRow>
    b1Latest: number | undefined
  } {
    const locked = new Map<string, LockedRow>()
    let b1Latest: number | undefined
    if (lockHeads !== null) {
      const ids = [...byHousehold.keys()]
      const counts = ids.map((id) => byHousehold.get(id)!.length)
      // Each list as one array parameter: a list argument is spread into parameters (better-sqlite3's convention).
      for (const r of lockHeads.all([ids], [counts]) as Locked[]) {
        const held = row(r)
        if (r.log_size !== null) {
          let bytes = Number(r.log_size[1])
          const entries = byHousehold.get(r.id)!
          for (const e of entries) bytes += e.row.update.length
          held.logTally = {
            rows: Number(r.log_size[0]) + entries.length,
            bytes,
            snapshotBytes: r.snapshot_bytes,
          }
        }
        locked.set(r.id, held)
        b1Latest = Number(r.b1)
      }
    } else
      for (const id of byHousehold.keys()) {
        const r = lockHead.get(id) as Raw | undefined
        if (r !== undefined) locked.set(id, row(r))
      }
    return { locked, b1Latest }
  }

  /** Rows of other relays applied to a resident doc outside a commit (in seq order, the first after its head). */
  function applyRows(householdId: string, doc: Y.Doc, rows: readonly { seq: number; update: Uint8Array }[]): void {
    try {
      for (const r of rows) Y.applyUpdate(doc, r.update, 'remote')
    } catch (e) {
      docStore.evict(householdId) // half applied: rebuilt from stored bytes by the next open
      throw e
    }
    docStore.advanceDoc(doc, rows[rows.length - 1]!.seq)
    caughtUp(doc)
  }

  /**
   * Checks `entries` (in order) again against what is committed now, as if they had arrived after it: their conflicts
   * are found again; an update the check refuses now (the workflow: another relay locked the record) refuses them all.
   */
  function recheck(householdId: string, entries: readonly CatchUpEntry[], resident: Y.Doc): void {
    const state = docStore.readState(householdId)
    if (state === null) return
    const committed = new Y.Doc({ gc: true, guid: householdId })
    Y.applyUpdate(committed, state)
    const lookupValue = (id: { client: number; clock: number }): JsonValue | undefined =>
      projections.valueOfItem(householdId, id) ??
      (id.client === SERVER_CLIENT_ID ? docStore.creationValue(householdId, id) : undefined)
    for (const e of entries) {
      if (e.author.deviceId !== SERVER_USER) {
        const insp = inspectUpdate(committed, e.row.update, {
          lookupValue,
          writer: { userId: e.author.userId, now: e.row.receivedAt },
        })
        if (!insp.ok) {
          committed.destroy()
          throw new RefusedInCommit(insp.code, insp.reason)
        }
        e.conflicts = insp.conflicts.map((c) => ({ detected: c, kept: valueAt(resident, c.path) }))
      }
      Y.applyUpdate(committed, e.row.update)
    }
    committed.destroy()
  }

  return {
    fresh(householdId) {
      const doc = docStore.resident(householdId)
      const known = doc && docStore.docHead(doc)
      if (doc === undefined || known === undefined) {
        if (doc !== undefined) docStore.evict(householdId) // not known what it holds: loaded again
        const loaded = docStore.openDoc(householdId) // loaded now: what is committed
        if (loaded !== null && announcing()) current.set(loaded, generation)
        return loaded
      }
      const live = announcing()
      if (live && current.get(doc) === generation && (announced.get(doc) ?? 0) <= known)
        return docStore.openDoc(householdId) // nothing announced that it lacks
      // Applied in place, as the commit's renumber does: one query, not the head's and then a reload's two.
      const rows = docStore.rowsAfter(householdId, known)
      if (live) current.set(doc, generation)
      announced.delete(doc)
      if (rows.length === 0) return docStore.openDoc(householdId) // the resident doc (and its place in the LRU order)
      applyRows(householdId, doc, rows)
      return docStore.openDoc(householdId)
    },
    othersCommitted(householdId, seq, update) {
      const doc = docStore.resident(householdId)
      const known = doc && docStore.docHead(doc)
      if (doc === undefined || known === undefined || seq <= known) return // a load reads it; or already held
      if (seq === known + 1 && opts.waiting?.(householdId) !== true) applyRows(householdId, doc, [{ seq, update }])
      else announced.set(doc, Math.max(seq, announced.get(doc) ?? 0))
    },
    othersUnknown() {
      generation++ // no doc is current: each is read before its next check (which also drops what was announced)
    },
    renumber(batch) {
      const byHousehold = new Map<string, CatchUpEntry[]>()
      for (const e of batch) {
        const list = byHousehold.get(e.row.householdId)
        if (list) list.push(e)
        else byHousehold.set(e.row.householdId, [e])
      }
      const caught: string[] = []
      const { locked, b1Latest } = lockAll(byHousehold)
      for (const [id, entries] of byHousehold) {
        const head = locked.get(id)?.head
        if (head === undefined) continue // gone: the log insert fails and the entries are refused
        const doc = docStore.resident(id)
        const known = doc && docStore.docHead(doc)
        if (doc && known !== undefined && head > known) {
          for (const r of docStore.rowsAfter(id, known)) Y.applyUpdate(doc, r.update, 'remote')
          recheck(id, entries, doc)
          caught.push(id)
        }
        entries.forEach((e, i) => (e.row.seq = head + 1 + i))
      }
      return { caught, locked, b1Latest }
    },
  }
}
