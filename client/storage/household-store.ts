// Household documents on the device: a Y.Doc persisted by y-indexeddb, opened only while on screen; local edits go
// to the strict outbox before the task that made them ends, then to the document store; remote updates land in the inbox (one transaction for many households) and are
// merged into a household's y-indexeddb store the next time it opens. Summary rows are recomputed after changes.

import type { PeriodStandards } from '../../shared/doc/record-category.ts'
import * as Y from 'yjs'
import { YoungDoc } from '../../shared/doc/young-transactions.ts'
import { IndexeddbPersistence, storeState } from 'y-indexeddb'
import { HouseholdDoc, REMOTE_ORIGIN, toEditOrigin } from '../../shared/doc/household-doc.ts'
import { isReservedClientId, SERVER_CLIENT_ID } from '../../shared/doc/keys.ts'
import { appendDocUpdate, docDatabaseName, docWritesCommitted, readDocUpdates, deleteDocDatabase } from './doc-files.ts'
import type { HouseholdIndex } from './household-index.ts'
import { summariseDoc, summariseUpdate, type SummaryFields } from './household-summary.ts'
import { currentAt } from '../../shared/doc/apply-update.ts'
import type { HouseholdSummary, InboxEntry, OutboxEntry, SummaryDb } from './summary-db.ts'
import type { B1Table } from '../../shared/rules/b1-table.ts'

/** Households of a bootstrap BATCH summarised between two yields to the screen. */
const SUMMARY_SLICE = 50

/** Inbox rows of one closed household above which they are merged into one. */
const INBOX_COMPACT_AT = 16

/** Replaying stored inbox/outbox rows into a freshly opened doc: not a local edit (never re-enters the outbox). */
const REPLAY_ORIGIN = Object.freeze({ kind: 'remote', replay: true })

export interface OpenedHousehold {
  household: HouseholdDoc
  close(): Promise<void>
}

export interface HouseholdStoreOptions {
  summary: SummaryDb
  index: HouseholdIndex
  idb: IDBFactory
  /** Called after local updates of a household are committed to the outbox. */
  onOutbox?: (householdId: string) => void
  /** An outbox write failed (quota, storage closed); the update is kept in memory and retried. */
  onWriteError?: (error: unknown) => void
  now?: () => number
}

interface Live {
  doc: Y.Doc
  persistence: IndexeddbPersistence
  household: HouseholdDoc
  users: number
  buffer: Uint8Array[]
  /** Updates handed to an outbox transaction that has not committed yet. */
  inWrite: number
  /** The retry after a failed outbox write. */
  timer: ReturnType<typeof setTimeout> | null
  /** A write of the buffer is queued for the end of the current task. */
  queued: boolean
  writing: Promise<void>
  /** Closed by every user while an outbox write had failed: kept open (counted, exported, retried) until it lands. */
  stranded: boolean
}

const compacting = new WeakSet<IndexeddbPersistence>()

/** y-indexeddb's merge of its stored updates, a second later and only once no local edit is pending. */
function deferCompaction(persistence: IndexeddbPersistence, localPending: () => boolean): void {
  if (compacting.has(persistence)) return
  compacting.add(persistence)
  const run = (): void => {
    if (persistence._destroyed) return void compacting.delete(persistence)
    if (localPending()) return void setTimeout(run, 1000)
    compacting.delete(persistence)
    // Failing (storage full, closing) leaves the updates unmerged, which loses nothing.
    storeState(persistence, false).catch(() => undefined)
  }
  setTimeout(run, 1000)
}

export class HouseholdStore {
  readonly #o: HouseholdStoreOptions
  readonly #live = new Map<string, Live>()
  readonly #opening = new Map<string, Promise<Live>>()
  readonly #refreshQueue = new Set<string>()
  readonly #pendingListeners = new Set<() => void>()
  #refreshing: Promise<void> | null = null
  /** The Phiếu B1 point tables the list's categories are computed with (the shell sets it once they are loaded). */
  b1Tables: () => readonly B1Table[] = () => []
  /** The standard each period names (the shell sets it from the stored periods list); unknown periods use the year. */
  periodStandards: () => PeriodStandards = () => ({})

  constructor(options: HouseholdStoreOptions) {
    this.#o = options
  }

  isOpen(id: string): boolean {
    return this.#live.has(id)
  }

  /** Open a household for the screen: resolves once its stored state is loaded. */
  async openHousehold(id: string): Promise<OpenedHousehold> {
    const live = await this.#acquire(id)
    live.users++
    live.stranded = false
    let closed = false
    return {
      household: live.household,
      close: async () => {
        if (closed) return
        closed = true
        await this.#release(id, live)
      },
    }
  }

  async #acquire(id: string): Promise<Live> {
    const live = this.#live.get(id)
    if (live) return live
    let opening = this.#opening.get(id)
    if (!opening) {
      opening = this.#load(id).finally(() => this.#opening.delete(id))
      this.#opening.set(id, opening)
    }
    return opening
  }

  async #load(id: string): Promise<Live> {
    const doc = new YoungDoc() // open while the enumerator works on it
    // Ids 0–15 are reserved for the server; Yjs picks a random uint32, so this almost never runs.
    while (isReservedClientId(doc.clientID)) doc.clientID = Math.floor(Math.random() * 0xffffffff)
    const persistence = new IndexeddbPersistence(docDatabaseName(id), doc)
    // y-indexeddb stores every update the moment it happens. A local edit goes to the outbox first and to the document
    // store after that commit (#flushLive): stored the other way round, a page that dies between the two keeps on the
    // phone an edit that is never sent, and the form says "synced". Replayed outbox rows restore the other case.
    doc.off('update', persistence._storeUpdate)
    const localPending = (): boolean => {
      const live = this.#live.get(id)
      return live?.doc === doc && (live.buffer.length + live.inWrite > 0 || live.queued)
    }
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== persistence && toEditOrigin(origin).kind === 'local') return
      persistence._storeUpdate(update, origin)
      // After 500 stored updates y-indexeddb merges them into the state of the whole in-memory doc, which may hold a
      // local edit still on its way to the outbox: the merge waits until none is.
      if (persistence._storeTimeoutId !== null) {
        clearTimeout(persistence._storeTimeoutId as ReturnType<typeof setTimeout>)
        persistence._storeTimeoutId = null
        deferCompaction(persistence, localPending)
      }
    })
    try {
      await persistence.whenSynced
      await this.#markDocStore(id)
      return await this.#attach(id, doc, persistence)
    } catch (e) {
      // Storage refused (full, closing): nothing half-open stays behind; what is stored is untouched. Once attached
      // (only the last inbox read can fail then) others may hold the document: it stays, to be released by them.
      if (this.#live.get(id)?.doc === doc) throw e
      await persistence.destroy()
      doc.destroy()
      throw e
    }
  }

  /** The opened document's stored inbox/outbox rows replayed, then its live entry: the second half of #load. */
  async #attach(id: string, doc: Y.Doc, persistence: IndexeddbPersistence): Promise<Live> {
    // Remote updates waiting in the inbox and our own unacknowledged ones: applying is idempotent.
    const [inbox, outbox] = await Promise.all([this.#o.summary.inboxOf(id), this.#o.summary.outboxOf(id)])
    if (inbox.length + outbox.length > 0) {
      Y.transact(
        doc,
        () => {
          for (const e of inbox) Y.applyUpdate(doc, e.update, REPLAY_ORIGIN)
          for (const e of outbox) Y.applyUpdate(doc, e.update, REPLAY_ORIGIN)
        },
        REPLAY_ORIGIN,
      )
    }
    if (persistence.db) await docWritesCommitted(persistence.db)
    if (inbox.length > 0) await this.#o.summary.deleteInbox(inbox.flatMap((e) => (e.seq === undefined ? [] : [e.seq])))
    const live: Live = {
      doc,
      persistence,
      household: new HouseholdDoc(doc),
      users: 0,
      buffer: [],
      inWrite: 0,
      timer: null,
      queued: false,
      writing: Promise.resolve(),
      stranded: false,
    }
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      // Only the user's intents (origin kind 'local') are sent; remote, replayed and server-written ones are not.
      if (origin === persistence || toEditOrigin(origin).kind !== 'local') return
      live.buffer.push(update)
      this.#pendingChanged()
      this.#queueWrite(id, live)
    })
    doc.on('update', () => this.#scheduleRefresh(id))
    this.#live.set(id, live)
    // Remote updates that arrived between the inbox read above and now went to the inbox only.
    for (const e of await this.#o.summary.inboxOf(id)) Y.applyUpdate(doc, e.update, REPLAY_ORIGIN)
    return live
  }

  async #absorbInbox(id: string, live: Live): Promise<void> {
    const inbox = await this.#o.summary.inboxOf(id)
    if (inbox.length === 0) return
    Y.transact(
      live.doc,
      () => {
        for (const e of inbox) Y.applyUpdate(live.doc, e.update, REPLAY_ORIGIN)
      },
      REPLAY_ORIGIN,
    )
    if (live.persistence.db) await docWritesCommitted(live.persistence.db)
    await this.#o.summary.deleteInbox(inbox.flatMap((e) => (e.seq === undefined ? [] : [e.seq])))
  }

  async #markDocStore(id: string): Promise<void> {
    const rows = await this.#o.summary.updateHouseholds([id], (row) =>
      row.hasDocStore ? row : { ...row, hasDocStore: true },
    )
    this.#o.index.put(rows)
  }

  async #release(id: string, live: Live): Promise<void> {
    live.users--
    if (live.users > 0) return
    await this.#flushLive(id, live)
    await this.#refreshNow([id])
    if (live.users > 0) return
    if (live.buffer.length > 0) {
      // The outbox write failed (quota, storage closing): dropping the doc now would lose the edit from the outbox,
      // the unsynced count and the export. Stay open; the retry timer finishes the release once the write lands.
      live.stranded = true
      return
    }
    await this.#finishRelease(id, live)
  }

  async #finishRelease(id: string, live: Live): Promise<void> {
    if (this.#live.get(id) !== live) return
    this.#live.delete(id)
    // Inbox rows (written while the doc was open, or in the gaps around opening and closing) are applied once more
    // (idempotent) so that y-indexeddb holds them all before the rows go.
    await this.#absorbInbox(id, live)
    await live.persistence.destroy()
    live.doc.destroy()
  }

  /**
   * A local edit is written before the task that made it ends: the updates of one task (a form action) share one
   * transaction, and edits made while a write is in flight follow in the next one as soon as it commits. There is no
   * batching window in which a page that dies would keep an edit in memory only, or (below) in the document store
   * without the outbox.
   */
  #queueWrite(id: string, live: Live): void {
    if (live.queued || live.timer !== null || live.inWrite > 0) return
    live.queued = true
    queueMicrotask(() => {
      live.queued = false
      void this.#flushLive(id, live)
    })
  }

  /** Write buffered local updates of one open household to the outbox now (one strict transaction). */
  #flushLive(id: string, live: Live): Promise<void> {
    if (live.timer !== null) clearTimeout(live.timer)
    live.timer = null
    if (live.buffer.length === 0) return live.writing
    const update = live.buffer.length === 1 ? live.buffer[0]! : Y.mergeUpdates(live.buffer)
    const count = live.buffer.length
    live.buffer = []
    live.inWrite += count
    const now = (this.#o.now ?? Date.now)()
    const entry: OutboxEntry = { householdId: id, update, createdAt: now }
    const job = live.writing.then(async () => {
      try {
        const rows = await this.#o.summary.appendOutbox([entry], now)
        this.#o.index.put(rows)
        // Failing here (quota) retries the whole write: a second outbox row of the same update is harmless.
        if (live.persistence.db) await appendDocUpdate(live.persistence.db, update)
      } catch (e) {
        // Not committed (quota, IndexedDB closing): put the update back so it is retried, never dropped.
        live.buffer.unshift(update)
        throw e
      } finally {
        live.inWrite -= count
        this.#pendingChanged()
      }
      this.#o.onOutbox?.(id)
      // Edits made while this write was in flight.
      if (live.buffer.length > 0) this.#queueWrite(id, live)
      if (live.stranded && live.users === 0 && live.buffer.length === 0) {
        live.stranded = false
        void this.#finishRelease(id, live).catch((e: unknown) => this.#o.onWriteError?.(e))
      }
    })
    live.writing = job.catch((e: unknown) => {
      this.#o.onWriteError?.(e)
      if (live.timer === null) live.timer = setTimeout(() => void this.#flushLive(id, live), 2000)
    })
    return live.writing
  }

  /** Write every open household's pending local edits now (page hidden, logout check, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.#live].map(([id, live]) => this.#flushLive(id, live)))
  }

  /** Local edits typed but not yet in the outbox (shown as "saving…"). */
  get unflushed(): number {
    let n = 0
    for (const live of this.#live.values()) n += live.buffer.length + live.inWrite
    return n
  }

  /** Local updates not yet in the outbox, per household (the unsynced export carries them after a failed write). */
  unwritten(): Map<string, Uint8Array[]> {
    const out = new Map<string, Uint8Array[]>()
    for (const [id, live] of this.#live) if (live.buffer.length > 0) out.set(id, [...live.buffer])
    return out
  }

  /** Edits of one household not yet committed to IndexedDB ("saving…" until 0, then "saved on phone"). */
  unflushedOf(id: string): number {
    const live = this.#live.get(id)
    return live ? live.buffer.length + live.inWrite : 0
  }

  /** Called whenever unflushed counts change. */
  subscribePending(listener: () => void): () => void {
    this.#pendingListeners.add(listener)
    return () => this.#pendingListeners.delete(listener)
  }

  #pendingChanged(): void {
    for (const l of this.#pendingListeners) l()
  }

  // ——— remote updates ———

  /**
   * Persist remote updates (strict, one transaction), apply them to open documents, refresh summaries. A household
   * new to the device (a bootstrap STATE) gets its list columns in that same transaction, derived from the update
   * here, so the list shows names before the HEAD that follows makes it "synced".
   */
  async applyRemote(remote: readonly InboxEntry[]): Promise<void> {
    if (remote.length === 0) return
    const derived = new Map<string, SummaryFields>()
    const seen = new Set<string>()
    let read = 0
    for (const u of remote) {
      const id = u.householdId
      if (seen.has(id))
        derived.delete(id) // several updates of one household: the lazy refresh reads them all
      else if (!this.#live.has(id) && !this.#o.index.get(id)?.known) {
        const fields = summariseUpdate(u.update, this.b1Tables(), this.periodStandards(), u.v2)
        if (fields) derived.set(id, fields)
        // A 300-household BATCH is read in slices, so the screen can paint and answer taps between them.
        if (++read % SUMMARY_SLICE === 0) await new Promise((resolve) => setTimeout(resolve, 0))
      }
      seen.add(id)
    }
    // A V2 state (bootstrap) that was read into its list row goes to the inbox as it is; any other is converted now,
    // which throws on bytes that do not read, before anything is stored.
    const updates = remote.map((u) =>
      u.v2 && !derived.has(u.householdId)
        ? { householdId: u.householdId, update: Y.convertUpdateFormatV2ToV1(u.update) }
        : u,
    )
    const { rows, stale } = await this.#o.summary.appendInboxWithSummaries(updates, derived)
    this.#o.index.put(rows)
    const fresh = new Set(rows.map((r) => r.id))
    for (const u of updates) {
      const live = this.#live.get(u.householdId)
      // (a household opened while the batch was stored may get a V2 state kept as it came)
      if (live) (u.v2 ? Y.applyUpdateV2 : Y.applyUpdate)(live.doc, u.update, REMOTE_ORIGIN)
      else if (!fresh.has(u.householdId)) this.#scheduleRefresh(u.householdId)
    }
    for (const id of stale) this.#scheduleRefresh(id)
  }

  /** Everything the device holds for a household as one update (live doc, or stored bytes without a Y.Doc). */
  async stateOf(id: string): Promise<Uint8Array | null> {
    const live = this.#live.get(id)
    if (live) return Y.encodeStateAsUpdate(live.doc)
    const parts = await this.#storedParts(id, await this.#o.summary.household(id))
    return parts.length === 0 ? null : Y.mergeUpdates(parts)
  }

  async #storedParts(
    id: string,
    row: HouseholdSummary | undefined,
    pending?: { inbox: InboxEntry[]; outbox: OutboxEntry[] },
  ): Promise<Uint8Array[]> {
    const [fromDoc, inbox, outbox] = await Promise.all([
      row?.hasDocStore ? readDocUpdates(this.#o.idb, id) : Promise.resolve([]),
      pending ? pending.inbox : this.#o.summary.inboxOf(id),
      pending ? pending.outbox : this.#o.summary.outboxOf(id),
    ])
    let inboxUpdates = inbox.map((e) => e.update)
    if (inbox.length > INBOX_COMPACT_AT && !this.#live.has(id)) {
      // A household that stays closed collects one inbox row per remote update: merge them into one.
      const merged = Y.mergeUpdates(inboxUpdates)
      await this.#o.summary.replaceInbox(
        id,
        inbox.flatMap((e) => (e.seq === undefined ? [] : [e.seq])),
        merged,
      )
      inboxUpdates = [merged]
    }
    return [...fromDoc, ...inboxUpdates, ...outbox.map((e) => e.update)]
  }

  /** Drop a household from the device (left the user's scope, nothing unsynced). */
  async forget(id: string): Promise<void> {
    const live = this.#live.get(id)
    if (live) return // on screen: dropped next time
    const inbox = await this.#o.summary.inboxOf(id)
    await this.#o.summary.deleteInbox(inbox.flatMap((e) => (e.seq === undefined ? [] : [e.seq])))
    await this.#o.summary.updateHouseholds([id], () => null)
    await deleteDocDatabase(this.#o.idb, id)
    this.#o.index.remove([id])
  }

  /**
   * Go back to the server's value (after a refusal): the household's unsynced edits, inbox and document store are
   * dropped and its row starts again at serverSeq 0. It must not be on screen; a release under way is waited for.
   */
  async discardLocal(id: string): Promise<void> {
    await this.#opening.get(id)?.catch(() => undefined)
    const live = this.#live.get(id)
    if (live) {
      if (live.users > 0) throw new Error(`household/open: ${id} is on screen`)
      if (live.timer !== null) clearTimeout(live.timer)
      live.timer = null
      live.buffer = []
      live.stranded = false
      await live.writing
      await this.#finishRelease(id, live)
    }
    this.#refreshQueue.delete(id)
    const row = await this.#o.summary.discardHousehold(id)
    await deleteDocDatabase(this.#o.idb, id)
    this.#o.index.put([row])
    this.#pendingChanged()
  }

  // ——— summaries ———

  /** Recompute every summary row (the Phiếu B1 point tables changed, so categories may move). */
  refreshAll(): void {
    for (const row of this.#o.index.all()) this.#scheduleRefresh(row.id)
  }

  #scheduleRefresh(id: string): void {
    this.#refreshQueue.add(id)
    if (this.#refreshing) return
    this.#refreshing = new Promise<void>((resolve) => setTimeout(resolve, 250))
      .then(() => this.#drainRefresh())
      // Storage full or closing: reported like an outbox write; the rows stay queued and are computed again.
      .catch((e: unknown) => this.#o.onWriteError?.(e))
      .finally(() => {
        this.#refreshing = null
        if (this.#refreshQueue.size > 0) this.#scheduleRefresh(this.#refreshQueue.values().next().value as string)
      })
  }

  async #drainRefresh(): Promise<void> {
    while (this.#refreshQueue.size > 0) {
      // Chunks of 40 so a 500-household bootstrap never blocks the screen for long.
      const ids = [...this.#refreshQueue].slice(0, 40)
      for (const id of ids) this.#refreshQueue.delete(id)
      try {
        await this.#refreshNow(ids)
      } catch (e) {
        for (const id of ids) this.#refreshQueue.add(id)
        throw e
      }
      await new Promise((r) => setTimeout(r, 0))
    }
  }

  /** Wait until queued summary refreshes are written (tests, diagnostics). */
  async settled(): Promise<void> {
    while (this.#refreshing || this.#refreshQueue.size > 0) {
      if (this.#refreshing) await this.#refreshing
      else await this.#drainRefresh()
    }
  }

  /** Recompute summary rows from document content (HouseholdDoc read + classify) and store them. */
  async #refreshNow(ids: readonly string[]): Promise<void> {
    const fields = new Map<string, SummaryFields>()
    const resolved = new Map<string, Map<string, unknown>>()
    const read = (id: string, doc: Y.Doc): void => {
      fields.set(id, summariseDoc(doc, this.b1Tables(), this.periodStandards()))
      // A conflict is settled once the server's resolution (written under SERVER_CLIENT_ID) is the field's value: the
      // open note becomes a settled one (its settled CONFLICT notice, naming who, may follow or may have been missed).
      const notes = this.#o.index.get(id)?.conflicts ?? []
      const done = new Map<string, unknown>()
      for (const c of notes) {
        const current = c.settled === undefined ? currentAt(doc, c.path) : null
        if (current?.clientId === SERVER_CLIENT_ID) done.set(c.conflictId, current.value ?? null)
      }
      if (done.size > 0) resolved.set(id, done)
    }
    const closed = ids.filter((id) => !this.#live.has(id))
    const pending = closed.length > 0 ? await this.#o.summary.pendingOf(closed) : new Map()
    for (const id of ids) {
      const live = this.#live.get(id)
      if (live) {
        read(id, live.doc)
        continue
      }
      const parts = await this.#storedParts(id, this.#o.index.get(id), pending.get(id))
      if (parts.length === 0) continue
      const doc = new Y.Doc()
      try {
        Y.transact(doc, () => {
          for (const p of parts) Y.applyUpdate(doc, p)
        })
        read(id, doc)
      } catch {
        // A corrupt stored update must not stop the other households' summaries.
      } finally {
        doc.destroy()
      }
    }
    if (fields.size === 0) return
    const rows = await this.#o.summary.updateHouseholds([...fields.keys()], (row, id) => {
      const done = resolved.get(id)
      const conflicts = row.conflicts.map((c) =>
        done?.has(c.conflictId) && c.settled === undefined
          ? { ...c, settled: { status: 'resolved' as const, by: '', value: done.get(c.conflictId), at: 0 } }
          : c,
      )
      return { ...row, ...fields.get(id), conflicts }
    })
    this.#o.index.put(rows)
  }
}
