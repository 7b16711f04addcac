// The write path of household documents: checks an incoming update, applies it to the resident Y.Doc,
// and hands it to group commit together with its projections; callers acknowledge only once `committed` resolves.
import * as Y from 'yjs'
import type { Db } from '../db/open.ts'
import { createWalSync } from '../db/wal-sync.ts'
import type { SyncErrorCode } from '../../shared/sync/errors.ts'
import { MAX_NEW_CLIENT_IDS_PER_UPDATE, MAX_UPDATE_BYTES } from '../../shared/sync/limits.ts'
import type { JsonValue } from '../../shared/sync/messages.ts'
import { createClientIdBindings, SERVER_USER } from './client-ids.ts'
import { COMPACTION_CHECK_EVERY, type DocStore, type HouseholdMeta, type LogRow, type LogTally } from './doc-store.ts'
import { createGroupCommit, type CommitHealth, type GroupCommit, type GroupCommitStats } from './group-commit.ts'
import { createPeriodStandards } from './period-standard-store.ts'
import {
  summariseSnapshot,
  touchesSummary,
  writtenKeys,
  type HouseholdSummary,
  type ReportFacts,
} from './household-view.ts'
import {
  createProjections,
  encodeWrites,
  type Author,
  type RecordedConflict,
  type SummaryMeta,
  type SummaryWrite,
} from './projections.ts'
import { DEFAULT_VISIT_RULES, visitFlags, type Previous, type VisitRules } from './visit-flags.ts'
import {
  inspectUpdate,
  SERVER_CLIENT_ID,
  setAt,
  valueAt,
  type DetectedConflict,
  type FieldWrite,
} from './update-inspection.ts'
import { HouseholdDoc, type EditError, type EditResult } from '../../shared/doc/household-doc.ts'
import { pathOf } from '../../shared/doc/paths.ts'
import { isRootName, Root, type RootName } from '../../shared/doc/keys.ts'
import { readSnapshot, refreshSnapshot, type HouseholdSnapshot, type WrittenKeys } from '../../shared/doc/snapshot.ts'
import { createB1TableStore } from '../b1/b1-table-store.ts'
import type { B1Table } from '../../shared/rules/b1-table.ts'
import { createCatchUp, refusalOf } from './household-catch-up.ts'

export interface Committed {
  serverSeq: number
  /** What was new to the server (to fan out), or null when the update changed nothing. */
  update: Uint8Array | null
  conflicts: RecordedConflict[]
}

export type SubmitResult =
  | { kind: 'rejected'; code: SyncErrorCode; reason: string }
  /** The update depends on content the server lacks: run the handshake (step1) again; nothing was stored. */
  | { kind: 'resync' }
  | { kind: 'accepted'; committed: Promise<Committed> }

export interface HouseholdWriterOptions {
  windowMs?: number
  maxBatch?: number
  now?: () => number
  onCommitError?(error: unknown, attempt: number): void
  /** Updates waiting for commit above which new ones are refused with sync/overloaded (default 20,000). */
  maxPending?: number
  /** Test hook: runs inside the commit transaction before anything is written (throw to simulate a failure). */
  beforeCommit?(householdIds: readonly string[]): void
  /** Failed commits of one household before its waiting updates are refused (default 5); other households go on. */
  maxAttempts?: number
  retryMs?: number
  /** fsync the WAL (off the event loop) before acknowledging (default true; the database runs synchronous=NORMAL). */
  walSync?: boolean
  /** Test hook: replaces the WAL fsync (e.g. a sync that waits for the test). */
  sync?: () => Promise<void>
  /** Thresholds of the visit-authenticity flags (visit-flags.ts). */
  visitRules?: VisitRules
  /**
   * Called once a commit that rewrote these households' summary rows is durable, just before their updates are
   * acknowledged (status, category, position, flags may have changed). Observers read the committed rows; a throw is
   * reported through onCommitError and never undoes or refuses the commit.
   */
  onSummaryCommitted?(householdIds: readonly string[]): void
  /** Whether the household's record is frozen (its review period is closed): every write is refused, nothing stored. */
  frozen?(householdId: string): boolean
  /**
   * Other relays commit to the same database (REDIS_URL): each update is checked against a resident doc brought up to
   * the committed head, and the commit transaction locks the household's head, applies rows committed elsewhere since,
   * checks the entries again against them (conflicts, and the workflow: a refusal refuses the household's waiting
   * entries, nothing stored) and numbers them after that head (household-catch-up.ts).
   */
  shared?: boolean
  /**
   * Shared only: whether other relays' commits are announced to othersCommitted now (the fan-out is subscribed). While
   * true, a resident doc that missed no announcement is checked without asking the database first.
   */
  announced?: () => boolean
}

export interface HouseholdWriter {
  submit(householdId: string, update: Uint8Array, author: Author): SubmitResult
  /** Server-side change (admin resolution) under SERVER_CLIENT_ID, committed like any update. */
  /** `inTransaction` runs inside the commit transaction of this change (e.g. marking a conflict resolved). */
  setField(
    householdId: string,
    path: string,
    value: JsonValue,
    by: string,
    inTransaction?: () => void,
    conflictId?: string,
  ): SubmitResult
  /**
   * A server-side intent (a review step) on the resident doc under SERVER_CLIENT_ID, committed like any update and
   * recorded in the field history as `by`'s. Refused (nothing written) when the intent refuses.
   */
  serverEdit(
    householdId: string,
    by: string,
    edit: (doc: HouseholdDoc) => EditResult,
    inTransaction?: () => void,
  ): SubmitResult | { kind: 'refused'; error: EditError }
  /**
   * A household created on a device (found in the field): the device's whole document as the first update, checked like
   * any update against an empty document, stored as server_seq 1 with its field history; `inTransaction` runs in the
   * same transaction. Refused with sync/forbidden when the id exists.
   */
  create(meta: HouseholdMeta, update: Uint8Array, author: Author, inTransaction?: () => void): SubmitResult
  /** Commits what is held, then waits for the compactions those commits scheduled. */
  flush(): Promise<void>
  /** A last flush (compactions included: none runs after the caller closes the database). */
  close(): Promise<void>
  stats(): GroupCommitStats
  /** Whether commits are failing (GET /api/health answers 503 then). */
  health(): CommitHealth
  /**
   * These households' summary rows were written outside the writer (b1-reclassify): their next commit writes every
   * summarised value again instead of trusting what it wrote last.
   */
  summariesRewritten(householdIds: readonly string[]): void
  /**
   * Several relays: another relay committed `seq` of a household (its fan-out message, with the row's update). A resident
   * doc takes it in when it is the next row; otherwise the doc is read again before its next check. No-op otherwise.
   */
  othersCommitted(householdId: string, seq: number, update: Uint8Array): void
  /** Several relays: announcements may have been lost (the fan-out reconnected); resident docs are read again. */
  othersUnknown(): void
}

interface Entry {
  row: LogRow
  author: Author
  freshClientIds: number[]
  conflicts: { detected: DetectedConflict; kept: JsonValue }[]
  recorded: RecordedConflict[]
  /** Whether the update may change a summarised value (touchesSummary); if no entry of a household does, only meta columns are written. */
  summary: boolean
  /** The roots and keys the update writes (writtenKeys); null: not all known, the summary reads the whole document. */
  written: ReadonlyMap<RootName, ReadonlySet<string>> | null
  inTransaction?: (() => void) | undefined
  /** Several relays: the household's log size after this entry's commit, when its lock counted it (the check's seq). */
  logTally?: LogTally | undefined
}

/** The roots and keys of two entries of one household in one batch, as a new map. */
function mergeWritten(a: WrittenKeys, b: WrittenKeys): WrittenKeys {
  const out = new Map<RootName, ReadonlySet<string> | null>(a)
  for (const [root, keys] of b) {
    const had = out.get(root)
    out.set(root, had === undefined ? keys : had === null || keys === null ? null : new Set([...had, ...keys]))
  }
  return out
}

/** Field-history rows of a server write to root-level maps and the history log (what review steps write). */
function rootWrites(update: Uint8Array): FieldWrite[] {
  const out: FieldWrite[] = []
  for (const s of Y.decodeUpdate(update).structs) {
    if (
      !(s instanceof Y.Item) ||
      typeof s.parent !== 'string' ||
      !isRootName(s.parent) ||
      !(s.content instanceof Y.ContentAny)
    )
      continue
    const root = s.parent
    const arr = s.content.arr as JsonValue[]
    if (root === Root.HISTORY)
      arr.forEach((value, i) => out.push({ path: Root.HISTORY, value, clientId: s.id.client, clock: s.id.clock + i }))
    else if (s.parentSub !== null)
      out.push({ path: pathOf(root, s.parentSub), value: arr[0] ?? null, clientId: s.id.client, clock: s.id.clock })
  }
  return out
}

/**
 * A received update as the log and the fan-out keep it: its own copy when it is a small part of a larger frame (one
 * of many in a BATCH), which would otherwise stay alive whole until the commit — and, on PostgreSQL, be copied whole
 * to the database thread for each of its updates. An update that is most of its frame is kept as it is.
 */
function ownBytes(update: Uint8Array): Uint8Array {
  return update.buffer.byteLength > 2 * update.byteLength + 256 ? update.slice() : update
}

export { COMPACTION_CHECK_EVERY } from './doc-store.ts'

/**
 * What the next commit of a household compares with: every value the summary this one wrote put in its row, the move
 * distance stored beside them (visit flags) and the B1 tables it was classified with. One object per resident doc,
 * updated in place after each commit: it lives until the household's next edit, long enough for V8 to move it to the
 * old generation, so a new one per commit would leave one there per edit.
 */
interface SummaryWritten {
  status: HouseholdSummary['status']
  category: HouseholdSummary['category']
  lat: number | null
  lng: number | null
  accuracyM: number | null
  movedM: number | null
  headName: string
  address: string
  deprivationCount: number
  searchText: string
  flags: string
  facts: ReportFacts
  /** The active B1 tables the category was computed with (another list after a table is loaded). */
  tables: readonly B1Table[]
}

/** Whether the summary row written from `before` already holds every value of `s` (the per-commit columns aside). */
function sameValues(before: SummaryWritten, s: HouseholdSummary, flags: string, movedM: number | null): boolean {
  const a = before.facts
  const b = s.facts
  return (
    before.headName === s.headName &&
    before.address === s.address &&
    before.deprivationCount === s.deprivationCount &&
    before.searchText === s.searchText &&
    before.flags === flags &&
    before.movedM === movedM &&
    a.deprivationMask === b.deprivationMask &&
    a.ethnicMinority === b.ethnicMinority &&
    a.meritorious === b.meritorious &&
    a.noWorkingCapacity === b.noWorkingCapacity &&
    a.socialProtection === b.socialProtection &&
    a.farming === b.farming &&
    a.causes === b.causes &&
    a.memberCount === b.memberCount
  )
}

/** `from`'s values into `into`: one object (and facts) per resident doc, not a new one kept per commit. */
function copyWritten(into: SummaryWritten, from: SummaryWritten): void {
  const facts = Object.assign(into.facts, from.facts)
  Object.assign(into, from)
  into.facts = facts
}

/** What a commit's transaction hands back per household whose summary it wrote (applied once it has committed). */
type Written = [householdId: string, doc: Y.Doc, SummaryWritten]

export function createHouseholdWriter(db: Db, docStore: DocStore, opts: HouseholdWriterOptions = {}): HouseholdWriter {
  const now = opts.now ?? Date.now
  const bindings = createClientIdBindings(db)
  const projections = createProjections(db)
  const b1Tables = createB1TableStore(db)
  const periodStandards = createPeriodStandards(db, now)
  /** Highest seq handed out per household while entries are uncommitted, and the promise of the latest one. */
  const assigned = new Map<string, { seq: number; committed: Promise<Committed>; entry: Entry }>()
  /** Compactions scheduled per household (at most one each), so flush/close can wait for them. */
  const compactions = new Map<string, Promise<void>>()
  /** Committed server_seq per resident Y.Doc (a reloaded doc is a new object: it asks the store again). */
  const committedHead = new WeakMap<Y.Doc, number>()
  const shared = opts.shared === true
  const headOf = (householdId: string, doc: Y.Doc): number =>
    shared // rows of other relays are in the doc too: the store knows the seq it holds
      ? Math.max(committedHead.get(doc) ?? 0, docStore.docHead(doc) ?? 0)
      : (committedHead.get(doc) ?? docStore.head(householdId) ?? 0)
  const maxPending = opts.maxPending ?? 20_000
  const frozen = (householdId: string): Extract<SubmitResult, { kind: 'rejected' }> | null =>
    opts.frozen?.(householdId) === true
      ? { kind: 'rejected', code: 'sync/period-closed', reason: `the review period of ${householdId} is closed` }
      : null
  const visitRules = opts.visitRules ?? DEFAULT_VISIT_RULES
  /** The resident doc of a household, brought up to date first when another relay committed since (shared only). */
  const openDoc = (householdId: string): Y.Doc | null =>
    catchUp !== null && !assigned.has(householdId) ? catchUp.fresh(householdId) : docStore.openDoc(householdId)

  /**
   * The summary last committed per resident Y.Doc (set only after its transaction committed, so a rolled-back write is
   * never trusted): when the indexed columns are unchanged the UPDATE leaves them out, and the visit flags compare with
   * its position without reading the row.
   */
  const committedSummary = new WeakMap<Y.Doc, SummaryWritten>()
  /**
   * The snapshot the last summary of each resident Y.Doc was read from. It mirrors the doc, not the database: every
   * change to a resident doc goes through enqueue and its roots are read again by the commit that carries it.
   */
  const snapshots = new WeakMap<Y.Doc, HouseholdSnapshot>()
  // Several relays: a resident doc that took in other relays' rows has another summary snapshot, and its row holds
  // values another relay wrote.
  const catchUp = shared
    ? createCatchUp(db, docStore, projections, {
        caughtUp(doc) {
          snapshots.delete(doc)
          committedSummary.delete(doc)
        },
        waiting: (householdId) => assigned.has(householdId),
        ...(opts.announced !== undefined ? { announced: opts.announced } : {}),
      })
    : null
  /** Households whose summary a commit rewrote, reported to onSummaryCommitted once that commit is durable. */
  const summaryUnreported = new Set<string>()
  function reportSummary(householdId: string): void {
    if (!summaryUnreported.delete(householdId)) return
    try {
      opts.onSummaryCommitted?.([householdId])
    } catch (e) {
      opts.onCommitError?.(e, 0) // an observer failing never turns a durable commit into a refused update
    }
  }
  const commitBatch = db.transaction((batch: readonly Entry[], written: Written[]) => {
    opts.beforeCommit?.(batch.map((e) => e.row.householdId))
    /** Per household, the roots and keys its entries in this batch write (null: not all known). */
    const roots = new Map<string, WrittenKeys | null>()
    // Several relays: number the entries after the locked committed head, taking in what others committed since.
    const renumbered = catchUp?.renumber(batch)
    const caught = renumbered?.caught ?? []
    if (renumbered !== undefined) for (const e of batch) e.logTally = renumbered.locked.get(e.row.householdId)?.logTally
    for (const id of caught) {
      roots.set(id, null) // rows of other relays may have written any root: summarise the whole document
      const doc = docStore.resident(id)
      if (doc) committedSummary.delete(doc) // the summary row may now hold another relay's values
    }
    docStore.appendLog(
      batch.map((e) => e.row),
      { headsWritten: true }, // every household of the batch gets its summary row written below, with its log_last
    )
    const last = new Map<string, Entry>()
    const dirty = new Set<string>()
    for (const e of batch) {
      if (e.summary || caught.includes(e.row.householdId)) dirty.add(e.row.householdId)
      const had = roots.get(e.row.householdId)
      if (e.written === null || had === null) roots.set(e.row.householdId, null)
      else roots.set(e.row.householdId, had === undefined ? e.written : mergeWritten(had, e.written))
      e.recorded = []
      if (e.freshClientIds.length > 0)
        bindings.persist(e.freshClientIds, e.author.userId, e.author.deviceId, e.row.receivedAt)
      for (const c of e.conflicts)
        e.recorded.push(
          projections.recordConflict(e.row.householdId, c.detected, c.kept, e.author, e.row.receivedAt, (id) =>
            id.client === SERVER_CLIENT_ID ? docStore.creationValue(e.row.householdId, id) : undefined,
          ),
        )
      e.inTransaction?.()
      last.set(e.row.householdId, e)
    }
    // Summary from the resident doc: when more than maxBatch entries wait, it may already show the next batch's
    // edits (never fewer than committed); the next commit writes the summary again.
    // A household whose entries in this batch write only unsummarised roots (photos, causes, review…) keeps its
    // summarised values — any earlier write that changed them was summarised by its own commit.
    /** The active B1 tables, read once per commit and used for every household it summarises. */
    let tables: B1Table[] | null = null
    /** Households of this commit whose row gets only its per-commit columns, written together at the end. */
    const metaIds: string[] = []
    const metas: SummaryMeta[] = []
    /** And those whose summarised values changed. */
    const summaries: SummaryWrite[] = []
    for (const [id, e] of last) {
      const meta = { editor: e.author.userId, serverSeq: e.row.seq, at: e.row.receivedAt, logLast: e.row.id }
      if (!dirty.has(id)) {
        metaIds.push(id)
        metas.push(meta)
        continue
      }
      // Resident (pinned) since its update was submitted, which also moved it up the LRU order.
      const doc = docStore.resident(id) ?? docStore.openDoc(id)
      if (!doc) {
        metaIds.push(id) // the summary row's server_seq is the household's committed head
        metas.push(meta)
        continue
      }
      // Only the written roots and keys are read again into the snapshot kept for this doc, in place (the whole doc
      // when not all known). Nothing else holds that snapshot.
      const previous = snapshots.get(doc)
      const wrote = roots.get(id) ?? null
      const snapshot =
        previous !== undefined && wrote !== null ? refreshSnapshot(doc, previous, wrote) : readSnapshot(doc)
      snapshots.set(doc, snapshot)
      const active = (tables ??= b1Tables.active(renumbered?.b1Latest))
      const summary = summariseSnapshot(snapshot, active, periodStandards)
      const known = committedSummary.get(doc)
      // Written with other tables, its category may since have been recomputed outside this writer (b1-reclassify).
      const before = known !== undefined && known.tables === active ? known : undefined
      const sameIndexed =
        before !== undefined &&
        before.status === summary.status &&
        before.category === summary.category &&
        before.lat === summary.lat &&
        before.lng === summary.lng &&
        before.accuracyM === summary.accuracyM
      const position: Previous | undefined =
        known !== undefined
          ? { lat: known.lat, lng: known.lng, movedM: known.movedM }
          : (renumbered?.locked.get(id) ?? projections.previousPosition(id))
      const visit = visitFlags(summary, position, visitRules)
      const flags = visit.flags.join(',')
      // Most edits change no summarised value (an answer that moves no indicator, a photo's caption…): then only the
      // per-commit columns are written.
      if (sameIndexed && sameValues(before, summary, flags, visit.movedM)) {
        metaIds.push(id)
        metas.push(meta)
      } else summaries.push({ householdId: id, summary, visit, meta, indexedUnchanged: sameIndexed })
      const { status, category, lat, lng, accuracyM, headName, address, deprivationCount, searchText, facts } = summary
      written.push([
        id,
        doc,
        {
          status,
          category,
          lat,
          lng,
          accuracyM,
          movedM: visit.movedM,
          headName,
          address,
          deprivationCount,
          searchText,
          flags,
          facts,
          tables: active,
        },
      ])
    }
    projections.writeSummaries(summaries)
    projections.writeSummaryMetas(metaIds, metas)
  })

  const wal = opts.walSync === false || opts.sync !== undefined ? null : createWalSync(db)
  const sync = opts.sync ?? wal?.sync
  const commits: GroupCommit<Entry> = createGroupCommit<Entry>({
    commit: (batch) => {
      const written: Written[] = []
      // SQLite shared by processes: take the write lock first, so the head read below is the one the commit writes after.
      if (shared) commitBatch.immediate(batch, written)
      else commitBatch(batch, written)
      // The resident docs now hold these committed rows (those of other relays included).
      for (const e of batch) {
        const doc = docStore.resident(e.row.householdId)
        if (doc) docStore.advanceDoc(doc, e.row.seq)
      }
      for (const [id, doc, summaryWritten] of written) {
        const kept = committedSummary.get(doc)
        if (kept === undefined) committedSummary.set(doc, summaryWritten)
        else copyWritten(kept, summaryWritten)
        if (opts.onSummaryCommitted) summaryUnreported.add(id)
      }
    },
    windowMs: opts.windowMs ?? 5,
    maxBatch: opts.maxBatch ?? 500,
    onError: opts.onCommitError,
    // One household whose commit keeps failing is refused alone; every other household keeps being acknowledged.
    keyOf: (e) => e.row.householdId,
    // Refusals found inside the commit transaction would be found again by a retry.
    final: (e) => refusalOf(e) !== null,
    ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}),
    ...(opts.retryMs !== undefined ? { retryMs: opts.retryMs } : {}),
    ...(sync !== undefined ? { sync } : {}),
    now,
  })

  function scheduleCompaction(householdId: string, seq: number, counted: LogTally | undefined): void {
    if (seq % COMPACTION_CHECK_EVERY !== 0 || compactions.has(householdId)) return
    const done = new Promise<void>((ok) =>
      setImmediate(() => {
        compactions.delete(householdId)
        try {
          if (docStore.needsCompaction(householdId, counted)) {
            // The resident doc holds exactly what is stored when none of its updates waits for a commit.
            const doc = assigned.has(householdId) ? undefined : docStore.resident(householdId)
            const head = doc && committedHead.get(doc)
            docStore.compact(householdId, doc && head !== undefined ? { doc, seq: head } : undefined)
          }
        } catch (e) {
          opts.onCommitError?.(e, 0) // compaction failing leaves the log intact: state is still snapshot + log
        }
        ok()
      }),
    )
    compactions.set(householdId, done)
  }

  /**
   * Runs `commit` (a flush or the last flush), then waits for what the entries it committed scheduled: their follow-ups
   * and compactions. Only the entries held when it started: an update arriving meanwhile is not waited for (after
   * close() it would never commit).
   */
  /** An update's Yjs client ids: none bound to another user, at most MAX_NEW_CLIENT_IDS_PER_UPDATE new ones. */
  function clientIdsRefusal(
    clientIds: readonly number[],
    userId: string,
  ): Extract<SubmitResult, { kind: 'rejected' }> | null {
    const taken = bindings.refused(clientIds, userId)
    if (taken !== null)
      return { kind: 'rejected', code: 'sync/client-id-taken', reason: `client id ${taken} belongs to another user` }
    const unbound = bindings.unbound(clientIds)
    if (unbound > MAX_NEW_CLIENT_IDS_PER_UPDATE)
      return {
        kind: 'rejected',
        code: 'sync/too-many-client-ids',
        reason: `update uses ${unbound} new client ids (at most ${MAX_NEW_CLIENT_IDS_PER_UPDATE})`,
      }
    return null
  }

  async function commitAndSettle(commit: () => Promise<void>): Promise<void> {
    const held = [...assigned.values()].map((a) => a.committed)
    await commit()
    await Promise.allSettled(held)
    await Promise.all(compactions.values())
  }

  /** Applies `apply` to the resident doc, capturing what was new; enqueues it for commit. */
  function enqueue(
    householdId: string,
    doc: Y.Doc,
    author: Author,
    apply: () => void,
    inspected: {
      writes: FieldWrite[] | ((update: Uint8Array) => FieldWrite[])
      summary: boolean
      written?: ReadonlyMap<RootName, ReadonlySet<string>> | null
      conflicts: DetectedConflict[]
      freshClientIds: number[]
      inTransaction?: () => void
      /**
       * An incoming update whose every struct is new to the doc (inspection's whollyNew): what it adds is itself, so it
       * is stored and fanned out as received instead of as Yjs re-encodes it (one encoding less per edit).
       */
      asIs?: Uint8Array | undefined
    },
  ): SubmitResult {
    let effective: Uint8Array | null = inspected.asIs ?? null
    // What Yjs reports as new, unless the update is known to be new whole. A method, not a named arrow: tsx compiles
    // with keepNames and would define the name of each one made (per update).
    const listener =
      inspected.asIs === undefined
        ? {
            capture(u: Uint8Array): void {
              effective = effective === null ? u : Y.mergeUpdates([effective, u])
            },
          }
        : null
    if (listener !== null) doc.on('update', listener.capture)
    try {
      apply()
    } catch (e) {
      docStore.evict(householdId) // a half-applied update must not stay resident: rebuild from stored bytes
      throw e
    } finally {
      if (listener !== null) doc.off('update', listener.capture)
    }
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
      docStore.evict(householdId) // rebuilt from stored bytes; nothing of this update is kept
      return { kind: 'resync' }
    }
    const update = effective as Uint8Array | null
    const prior = assigned.get(householdId)
    if (update === null) {
      const head = headOf(householdId, doc)
      const committed = prior
        ? prior.committed.then((c) => ({ ...c, update: null, conflicts: [] }))
        : Promise.resolve({ serverSeq: head, update: null, conflicts: [] })
      return { kind: 'accepted', committed }
    }
    const seq = (prior?.seq ?? headOf(householdId, doc)) + 1
    const receivedAt = now()
    const writes = typeof inspected.writes === 'function' ? inspected.writes(update) : inspected.writes
    const entry: Entry = {
      row: {
        householdId,
        seq,
        update,
        userId: author.userId,
        deviceId: author.deviceId,
        clientIds: inspected.freshClientIds,
        receivedAt,
        writes: encodeWrites(writes), // the field history, written with the log row
      },
      author,
      freshClientIds: inspected.freshClientIds,
      conflicts: inspected.conflicts.map((c) => ({ detected: c, kept: valueAt(doc, c.path) })),
      recorded: [],
      summary: inspected.summary,
      written: inspected.written ?? null,
      inTransaction: inspected.inTransaction,
    }
    docStore.pin(householdId)
    const committed = commits.submit(entry).then(
      (): Committed => {
        const stored = entry.row.seq // renumbered in the commit transaction when other relays committed meanwhile
        docStore.unpin(householdId)
        if ((committedHead.get(doc) ?? 0) < stored) committedHead.set(doc, stored)
        if (assigned.get(householdId)?.entry === entry) assigned.delete(householdId)
        reportSummary(householdId)
        scheduleCompaction(householdId, stored, entry.logTally)
        return { serverSeq: stored, update, conflicts: entry.recorded }
      },
      (e: unknown): never => {
        // Refused with every other waiting update of this household (the latest one's handler runs last): the resident
        // doc holds what was not stored, so it is rebuilt from stored bytes and the next update starts at the stored head.
        docStore.unpin(householdId)
        if (assigned.get(householdId)?.entry === entry) {
          assigned.delete(householdId)
          docStore.evict(householdId, true)
        }
        throw e
      },
    )
    assigned.set(householdId, { seq, committed, entry })
    return { kind: 'accepted', committed }
  }

  /** submit() past its first checks: the household's doc opened (loaded when not resident), the update checked, enqueued. */
  function submitTo(householdId: string, update: Uint8Array, author: Author): SubmitResult {
    const doc = openDoc(householdId)
    if (doc === null)
      return { kind: 'rejected', code: 'sync/not-found', reason: `household ${householdId} does not exist` }
    const closed = frozen(householdId)
    if (closed !== null) return closed
    // Every submitted update comes from a device (the server's own writes go through setField and serverEdit).
    const insp = inspectUpdate(doc, update, {
      lookupValue(id) {
        return (
          projections.valueOfItem(householdId, id) ??
          (id.client === SERVER_CLIENT_ID ? docStore.creationValue(householdId, id) : undefined)
        )
      },
      writer: { userId: author.userId, now: now() },
    })
    if (!insp.ok) return { kind: 'rejected', code: insp.code, reason: insp.reason }
    if (insp.pending) return { kind: 'resync' }
    const refusedIds = clientIdsRefusal(insp.clientIds, author.userId)
    if (refusedIds !== null) return refusedIds
    const freshClientIds = bindings.claim(insp.clientIds, author.userId)
    let result: SubmitResult | undefined
    try {
      const written = writtenKeys(insp.paths)
      result = enqueue(householdId, doc, author, () => Y.applyUpdate(doc, update, 'remote'), {
        writes: insp.writes,
        summary: touchesSummary(written),
        written,
        conflicts: insp.conflicts,
        freshClientIds,
        asIs: insp.whollyNew ? ownBytes(update) : undefined,
      })
      return result
    } finally {
      if (result?.kind !== 'accepted') bindings.release(freshClientIds, author.userId) // nothing of it will be committed
    }
  }

  return {
    submit(householdId, update, author) {
      if (commits.pending() >= maxPending)
        return { kind: 'rejected', code: 'sync/overloaded', reason: 'commit queue full; retry later' }
      if (update.length > MAX_UPDATE_BYTES)
        return { kind: 'rejected', code: 'sync/too-large', reason: `update is ${update.length} bytes` }
      if (docStore.resident(householdId) !== undefined) return submitTo(householdId, update, author)
      try {
        return submitTo(householdId, update, author)
      } finally {
        // Loaded for this update and nothing of it waits for a commit (nothing new — a stock y-websocket client's step2
        // on connect, a resend — or refused): not kept resident. Otherwise every socket opening on a household would
        // load its Y.Doc for good, and thousands of them would set how long every major garbage collection takes.
        if (!assigned.has(householdId)) docStore.evict(householdId)
      }
    },
    setField(householdId, path, value, by, inTransaction, conflictId) {
      const doc = openDoc(householdId)
      if (doc === null)
        return { kind: 'rejected', code: 'sync/not-found', reason: `household ${householdId} does not exist` }
      const closed = frozen(householdId)
      if (closed !== null) return closed
      doc.clientID = SERVER_CLIENT_ID // the resident doc only ever writes as the server
      const clock = Y.getState(doc.store, SERVER_CLIENT_ID)
      let ok = false
      const result = enqueue(
        householdId,
        doc,
        { userId: by, deviceId: SERVER_USER },
        () => (ok = setAt(doc, path, value, conflictId)),
        {
          writes: [{ path, value, clientId: SERVER_CLIENT_ID, clock }],
          summary: true,
          written: writtenKeys([path]),
          conflicts: [],
          freshClientIds: [],
          ...(inTransaction ? { inTransaction } : {}),
        },
      )
      if (!ok) return { kind: 'rejected', code: 'sync/layout-violation', reason: `no field at ${path}` }
      return result
    },
    create(meta, update, author, inTransaction) {
      if (update.length > MAX_UPDATE_BYTES)
        return { kind: 'rejected', code: 'sync/too-large', reason: `update is ${update.length} bytes` }
      if (docStore.exists(meta.id))
        return { kind: 'rejected', code: 'sync/forbidden', reason: `household ${meta.id} is not in your area` }
      const insp = inspectUpdate(new Y.Doc(), update, { writer: { userId: author.userId, now: now() } })
      if (!insp.ok) return { kind: 'rejected', code: insp.code, reason: insp.reason }
      if (insp.pending)
        return {
          kind: 'rejected',
          code: 'sync/invalid-update',
          reason: 'a new household must come as one complete document',
        }
      const refusedIds = clientIdsRefusal(insp.clientIds, author.userId)
      if (refusedIds !== null) return refusedIds
      const fresh = bindings.claim(insp.clientIds, author.userId)
      const t = now()
      db.transaction(() => {
        docStore.createHousehold(meta, update, author.userId)
        bindings.persist(fresh, author.userId, author.deviceId, t)
        projections.writeFieldHistory(meta.id, insp.writes, author, t, 1)
        inTransaction?.()
      })()
      if (opts.onSummaryCommitted) {
        summaryUnreported.add(meta.id) // a new household's pin, as for any summary a commit wrote
        reportSummary(meta.id)
      }
      return { kind: 'accepted', committed: Promise.resolve({ serverSeq: 1, update, conflicts: [] }) }
    },
    serverEdit(householdId, by, edit, inTransaction) {
      const doc = openDoc(householdId)
      if (doc === null)
        return { kind: 'rejected', code: 'sync/not-found', reason: `household ${householdId} does not exist` }
      const closed = frozen(householdId)
      if (closed !== null) return closed
      doc.clientID = SERVER_CLIENT_ID // the resident doc only ever writes as the server
      let refused: EditError | null = null
      const result = enqueue(
        householdId,
        doc,
        { userId: by, deviceId: SERVER_USER },
        () => {
          const r = edit(new HouseholdDoc(doc))
          if (!r.ok) refused = r
        },
        {
          writes: rootWrites,
          summary: true,
          conflicts: [],
          freshClientIds: [],
          ...(inTransaction ? { inTransaction } : {}),
        },
      )
      return refused === null ? result : { kind: 'refused', error: refused }
    },
    flush: () => commitAndSettle(() => commits.flush()),
    async close() {
      try {
        await commitAndSettle(() => commits.close())
      } finally {
        wal?.close()
      }
    },
    stats: () => commits.stats(),
    health: () => commits.health(),
    othersCommitted(householdId, seq, update) {
      try {
        catchUp?.othersCommitted(householdId, seq, update)
      } catch (e) {
        opts.onCommitError?.(e, 0) // the doc was evicted: the next open reads it from the database
      }
    },
    othersUnknown() {
      catchUp?.othersUnknown()
    },
    summariesRewritten(householdIds) {
      for (const id of householdIds) {
        const doc = docStore.resident(id)
        if (doc) committedSummary.delete(doc)
      }
    },
  }
}
