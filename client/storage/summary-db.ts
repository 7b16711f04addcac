// The one summary database of the device: a row per household (what lists, search and the manifest need),
// the outbox of local Yjs updates waiting for an ACK, the inbox of remote updates not yet merged into a
// household's y-indexeddb store, and device settings. Start-up reads this, never the household documents.

import * as Y from 'yjs'
import type { Admission } from '../../shared/doc/keys.ts'
import { openDatabase, request, transact } from './idb.ts'
import type { Category } from '../../shared/household/types.ts'

export const SUMMARY_DB_NAME = 'rasoat'
const VERSION = 1

export type { Category }

export interface ConflictNote {
  conflictId: string
  path: string
  values: unknown[]
  kept: unknown
  /** Set once an administrator resolved or dismissed it (the settled CONFLICT notice): who, what, when. */
  settled?: { status: 'resolved' | 'dismissed'; by: string; value: unknown; at: number }
}

/** Conflicts still waiting for an administrator (settled ones are only shown until the enumerator has seen them). */
export function openConflicts(row: Pick<HouseholdSummary, 'conflicts'>): ConflictNote[] {
  return row.conflicts.filter((c) => c.settled === undefined)
}

export interface HouseholdError {
  code: string
  message: string
  retryable: boolean
}

export interface HouseholdSummary {
  id: string
  headName: string
  village: string
  address: string
  status: string
  category: Category | null
  deprivationCount: number
  /** foldForSearch(head name + members' names + address + personal ids) */
  searchText: string
  /** Last serverSeq acknowledged (ACK) or told (HEAD); 0 = never synced. */
  serverSeq: number
  /** True while the outbox holds updates of this household. */
  dirty: boolean
  unsyncedCount: number
  lastLocalEdit: number | null
  lastSyncedAt: number | null
  conflicts: ConflictNote[]
  error: HouseholdError | null
  /** The server said this household left the user's scope; dropped once its outbox is empty. */
  removed: boolean
  /** False until the document content has been read once (a bootstrap row may exist before). */
  known: boolean
  /** The household's y-indexeddb database exists (it was opened on this device at least once). */
  hasDocStore: boolean
  /** A household found in the field: 'pending' until the supervisor decides (absent for listed households). */
  admission?: Admission
}

export interface OutboxEntry {
  seq?: number
  householdId: string
  update: Uint8Array
  createdAt: number
}

export interface InboxEntry {
  seq?: number
  householdId: string
  update: Uint8Array
  /** Stored as the bootstrap STATE brought it (Yjs V2); the reads below hand out V1. */
  v2?: true
}

export function emptySummary(id: string): HouseholdSummary {
  return {
    id,
    headName: '',
    village: '',
    address: '',
    status: 'listed',
    category: null,
    deprivationCount: 0,
    searchText: '',
    serverSeq: 0,
    dirty: false,
    unsyncedCount: 0,
    lastLocalEdit: null,
    lastSyncedAt: null,
    conflicts: [],
    error: null,
    removed: false,
    known: false,
    hasDocStore: false,
  }
}

export const STORES = { households: 'households', outbox: 'outbox', inbox: 'inbox', settings: 'settings' } as const

export function openSummaryDb(factory: IDBFactory, name = SUMMARY_DB_NAME): Promise<IDBDatabase> {
  return openDatabase(factory, name, VERSION, (db) => {
    db.createObjectStore(STORES.households, { keyPath: 'id' })
    const outbox = db.createObjectStore(STORES.outbox, { keyPath: 'seq', autoIncrement: true })
    outbox.createIndex('householdId', 'householdId')
    const inbox = db.createObjectStore(STORES.inbox, { keyPath: 'seq', autoIncrement: true })
    inbox.createIndex('householdId', 'householdId')
    db.createObjectStore(STORES.settings)
  })
}

/** The distinct household ids of an index (one key cursor step per household, not per row). */
function householdsIn(index: IDBIndex): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    const ids = new Set<string>()
    const cursor = index.openKeyCursor(null, 'nextunique')
    cursor.onerror = () => reject(cursor.error)
    cursor.onsuccess = () => {
      const c = cursor.result
      if (!c) return resolve(ids)
      ids.add(c.key as string)
      c.continue()
    }
  })
}

function inboxRow(e: InboxEntry): InboxEntry {
  // A STATE read from a BATCH is a view into the whole inflated batch: IndexedDB would store (and clone) all of it.
  const update = e.update.byteLength === e.update.buffer.byteLength ? e.update : e.update.slice()
  return e.v2 ? { householdId: e.householdId, update, v2: true } : { householdId: e.householdId, update }
}

/** An inbox row as every reader wants it: V1 (a bootstrap STATE is kept as V2 until its household is first read). */
function asV1(e: InboxEntry): InboxEntry {
  if (!e.v2) return e
  const { v2: _, ...rest } = e
  return { ...rest, update: Y.convertUpdateFormatV2ToV1(e.update) }
}

/** Typed reads and writes of the summary database. Holds no state besides the connection. */
export class SummaryDb {
  constructor(readonly db: IDBDatabase) {}

  allHouseholds(): Promise<HouseholdSummary[]> {
    return transact(this.db, STORES.households, 'readonly', (tx) =>
      request(tx.objectStore(STORES.households).getAll() as IDBRequest<HouseholdSummary[]>),
    )
  }

  household(id: string): Promise<HouseholdSummary | undefined> {
    return transact(this.db, STORES.households, 'readonly', (tx) =>
      request(tx.objectStore(STORES.households).get(id) as IDBRequest<HouseholdSummary | undefined>),
    )
  }

  /** Every household's serverSeq becomes 0 in one transaction (a new database epoch, P15); returns the rows. */
  resetServerSeqs(): Promise<HouseholdSummary[]> {
    return transact(
      this.db,
      STORES.households,
      'readwrite',
      async (tx) => {
        const store = tx.objectStore(STORES.households)
        const rows = await request(store.getAll() as IDBRequest<HouseholdSummary[]>)
        const out = rows.map((row) => ({ ...row, serverSeq: 0 }))
        for (const row of out) store.put(row)
        return out
      },
      'strict',
    )
  }

  /**
   * Read-modify-write of many rows in one transaction; `change` returns null to delete the row, or the row it was given
   * to leave it as it is (nothing is written for it, so a full storage does not refuse a change that changes nothing).
   */
  updateHouseholds(
    ids: readonly string[],
    change: (row: HouseholdSummary, id: string) => HouseholdSummary | null,
    durability: 'strict' | 'default' = 'default',
  ): Promise<HouseholdSummary[]> {
    return transact(
      this.db,
      STORES.households,
      'readwrite',
      async (tx) => {
        const store = tx.objectStore(STORES.households)
        const rows = await Promise.all(
          ids.map((id) => request(store.get(id) as IDBRequest<HouseholdSummary | undefined>)),
        )
        const out: HouseholdSummary[] = []
        ids.forEach((id, i) => {
          const row = rows[i]
          const next = change(row ?? emptySummary(id), id)
          if (next === null) store.delete(id)
          else {
            if (next !== row) store.put(next)
            out.push(next)
          }
        })
        return out
      },
      durability,
    )
  }

  /** Append local updates to the outbox and mark their households dirty, in one strict transaction. */
  appendOutbox(entries: readonly OutboxEntry[], now: number): Promise<HouseholdSummary[]> {
    return transact(
      this.db,
      [STORES.outbox, STORES.households],
      'readwrite',
      async (tx) => {
        const outbox = tx.objectStore(STORES.outbox)
        for (const e of entries) outbox.add({ householdId: e.householdId, update: e.update, createdAt: e.createdAt })
        const households = tx.objectStore(STORES.households)
        const counts = new Map<string, number>()
        for (const e of entries) counts.set(e.householdId, (counts.get(e.householdId) ?? 0) + 1)
        const out: HouseholdSummary[] = []
        for (const [id, n] of counts) {
          const row =
            (await request(households.get(id) as IDBRequest<HouseholdSummary | undefined>)) ?? emptySummary(id)
          const next = { ...row, dirty: true, unsyncedCount: row.unsyncedCount + n, lastLocalEdit: now }
          households.put(next)
          out.push(next)
        }
        return out
      },
      'strict',
    )
  }

  outboxOf(householdId: string): Promise<OutboxEntry[]> {
    return transact(this.db, STORES.outbox, 'readonly', (tx) =>
      request(tx.objectStore(STORES.outbox).index('householdId').getAll(householdId) as IDBRequest<OutboxEntry[]>),
    )
  }

  allOutbox(): Promise<OutboxEntry[]> {
    return transact(this.db, STORES.outbox, 'readonly', (tx) =>
      request(tx.objectStore(STORES.outbox).getAll() as IDBRequest<OutboxEntry[]>),
    )
  }

  /** ACK: the outbox entries `seqs` are committed on the server as `serverSeq`. */
  ackOutbox(householdId: string, seqs: readonly number[], serverSeq: number, now: number): Promise<HouseholdSummary> {
    return transact(
      this.db,
      [STORES.outbox, STORES.households],
      'readwrite',
      async (tx) => {
        const outbox = tx.objectStore(STORES.outbox)
        for (const s of seqs) outbox.delete(s)
        const left = await request(outbox.index('householdId').count(householdId))
        const households = tx.objectStore(STORES.households)
        const row =
          (await request(households.get(householdId) as IDBRequest<HouseholdSummary | undefined>)) ??
          emptySummary(householdId)
        const next: HouseholdSummary = {
          ...row,
          // An ACK says our update is serverSeq, not that we hold every earlier one: advance only when contiguous,
          // otherwise the next manifest re-checks this household with a (cheap) state-vector handshake.
          serverSeq: serverSeq === row.serverSeq + 1 ? serverSeq : row.serverSeq,
          dirty: left > 0,
          unsyncedCount: left,
          lastSyncedAt: now,
          error: left > 0 ? row.error : null,
        }
        households.put(next)
        return next
      },
      'strict',
    )
  }

  /**
   * Go back to the server's value: the household's outbox (unsynced edits) and inbox rows go, and its row starts
   * again as never synced (serverSeq 0, no refusal, no document store), in one strict transaction. The caller deletes its document store.
   */
  discardHousehold(householdId: string): Promise<HouseholdSummary> {
    return transact(
      this.db,
      [STORES.outbox, STORES.inbox, STORES.households],
      'readwrite',
      async (tx) => {
        for (const name of [STORES.outbox, STORES.inbox]) {
          const store = tx.objectStore(name)
          const keys = await request(store.index('householdId').getAllKeys(householdId))
          for (const k of keys) store.delete(k)
        }
        const households = tx.objectStore(STORES.households)
        const row =
          (await request(households.get(householdId) as IDBRequest<HouseholdSummary | undefined>)) ??
          emptySummary(householdId)
        // The list columns stay until the server's state arrives and the summary is derived again.
        const next: HouseholdSummary = {
          ...row,
          serverSeq: 0,
          dirty: false,
          unsyncedCount: 0,
          lastLocalEdit: null,
          conflicts: [],
          error: null,
          hasDocStore: false,
        }
        households.put(next)
        return next
      },
      'strict',
    )
  }

  /** Inbox and outbox rows of many households in one read transaction (summary refresh after a bootstrap). */
  pendingOf(ids: readonly string[]): Promise<Map<string, { inbox: InboxEntry[]; outbox: OutboxEntry[] }>> {
    return transact(this.db, [STORES.inbox, STORES.outbox], 'readonly', async (tx) => {
      const inbox = tx.objectStore(STORES.inbox).index('householdId')
      const outbox = tx.objectStore(STORES.outbox).index('householdId')
      const rows = await Promise.all(
        ids.map((id) =>
          Promise.all([
            request(inbox.getAll(id) as IDBRequest<InboxEntry[]>),
            request(outbox.getAll(id) as IDBRequest<OutboxEntry[]>),
          ]),
        ),
      )
      return new Map(ids.map((id, i) => [id, { inbox: rows[i]![0].map(asV1), outbox: rows[i]![1] }]))
    })
  }

  /**
   * Append remote updates to the inbox and, in the same strict transaction, write the list columns `derived` from an
   * update for households the device held nothing of (no inbox, outbox or document store, not read yet): the update
   * is then all there is, so its summary is exact. The other households' ids come back in `stale` (refresh later).
   */
  appendInboxWithSummaries(
    entries: readonly InboxEntry[],
    derived: ReadonlyMap<string, Partial<HouseholdSummary>>,
  ): Promise<{ rows: HouseholdSummary[]; stale: string[] }> {
    return transact(
      this.db,
      [STORES.inbox, STORES.outbox, STORES.households],
      'readwrite',
      async (tx) => {
        const inbox = tx.objectStore(STORES.inbox)
        const households = tx.objectStore(STORES.households)
        if (derived.size === 0) {
          for (const e of entries) inbox.add(inboxRow(e))
          return { rows: [], stale: [] }
        }
        // Three reads whatever the number of households (a bootstrap brings hundreds): which households have inbox
        // or outbox rows, and every summary row.
        const [withInbox, withOutbox, all] = await Promise.all([
          householdsIn(inbox.index('householdId')),
          householdsIn(tx.objectStore(STORES.outbox).index('householdId')),
          request(households.getAll() as IDBRequest<HouseholdSummary[]>),
        ])
        const byId = new Map(all.map((r) => [r.id, r]))
        const ids = [...derived.keys()]
        const before = ids.map((id) => [withInbox.has(id) ? 1 : 0, withOutbox.has(id) ? 1 : 0, byId.get(id)] as const)
        const rows: HouseholdSummary[] = []
        const stale: string[] = []
        ids.forEach((id, i) => {
          const [inboxRows, outboxRows, row] = before[i]!
          if (inboxRows > 0 || outboxRows > 0 || row?.known || row?.hasDocStore) return void stale.push(id)
          const next = { ...(row ?? emptySummary(id)), ...derived.get(id), known: true }
          households.put(next)
          rows.push(next)
        })
        for (const e of entries) inbox.add(inboxRow(e))
        return { rows, stale }
      },
      'strict',
    )
  }

  inboxOf(householdId: string): Promise<InboxEntry[]> {
    return transact(this.db, STORES.inbox, 'readonly', async (tx) =>
      (
        await request(tx.objectStore(STORES.inbox).index('householdId').getAll(householdId) as IDBRequest<InboxEntry[]>)
      ).map(asV1),
    )
  }

  /** Replace inbox rows of one household by their merge (compaction for households that stay closed). */
  replaceInbox(householdId: string, seqs: readonly number[], merged: Uint8Array): Promise<void> {
    return transact(
      this.db,
      STORES.inbox,
      'readwrite',
      (tx) => {
        const inbox = tx.objectStore(STORES.inbox)
        for (const s of seqs) inbox.delete(s)
        inbox.add({ householdId, update: merged })
      },
      'strict',
    )
  }

  deleteInbox(seqs: readonly number[]): Promise<void> {
    return transact(this.db, STORES.inbox, 'readwrite', (tx) => {
      const inbox = tx.objectStore(STORES.inbox)
      for (const s of seqs) inbox.delete(s)
    })
  }

  getSetting<T>(key: string): Promise<T | undefined> {
    return transact(this.db, STORES.settings, 'readonly', (tx) =>
      request(tx.objectStore(STORES.settings).get(key) as IDBRequest<T | undefined>),
    )
  }

  setSetting(key: string, value: unknown): Promise<void> {
    return transact(
      this.db,
      STORES.settings,
      'readwrite',
      (tx) => {
        tx.objectStore(STORES.settings).put(value, key)
      },
      'strict',
    )
  }

  deleteSetting(key: string): Promise<void> {
    return transact(this.db, STORES.settings, 'readwrite', (tx) => {
      tx.objectStore(STORES.settings).delete(key)
    })
  }

  /** Wipe households, inbox and outbox (another user takes over a fully synced device). */
  clearHouseholdData(): Promise<void> {
    return transact(this.db, [STORES.households, STORES.outbox, STORES.inbox], 'readwrite', (tx) => {
      tx.objectStore(STORES.households).clear()
      tx.objectStore(STORES.outbox).clear()
      tx.objectStore(STORES.inbox).clear()
    })
  }

  close(): void {
    this.db.close()
  }
}
