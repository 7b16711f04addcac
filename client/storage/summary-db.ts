// The one summary database of the device: a row per household (what lists, search and the manifest need),
// the outbox of local Yjs updates waiting for an ACK, the inbox of remote updates not yet merged into a
// household's y-indexeddb store, and device settings. Start-up reads this, never the household documents.

import type { Admission } from '../../shared/doc/keys.ts'
import { openDatabase, request, transact } from './idb.ts'

export const SUMMARY_DB_NAME = 'rasoat'
const VERSION = 1

export type Category = 'poor' | 'near_poor' | 'average' | 'not_poor' | 'incomplete'

export interface ConflictNote {
  conflictId: string
  path: string
  values: unknown[]
  kept: unknown
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

  /** Read-modify-write of many rows in one transaction; `change` returns null to delete the row. */
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
        const rows = await Promise.all(ids.map((id) => request(store.get(id) as IDBRequest<HouseholdSummary | undefined>)))
        const out: HouseholdSummary[] = []
        ids.forEach((id, i) => {
          const next = change(rows[i] ?? emptySummary(id), id)
          if (next === null) store.delete(id)
          else {
            store.put(next)
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
          const row = (await request(households.get(id) as IDBRequest<HouseholdSummary | undefined>)) ?? emptySummary(id)
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
        const row = (await request(households.get(householdId) as IDBRequest<HouseholdSummary | undefined>)) ?? emptySummary(householdId)
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
      return new Map(ids.map((id, i) => [id, { inbox: rows[i]![0], outbox: rows[i]![1] }]))
    })
  }

  appendInbox(entries: readonly InboxEntry[]): Promise<void> {
    return transact(
      this.db,
      STORES.inbox,
      'readwrite',
      (tx) => {
        const inbox = tx.objectStore(STORES.inbox)
        for (const e of entries) inbox.add({ householdId: e.householdId, update: e.update })
      },
      'strict',
    )
  }

  inboxOf(householdId: string): Promise<InboxEntry[]> {
    return transact(this.db, STORES.inbox, 'readonly', (tx) =>
      request(tx.objectStore(STORES.inbox).index('householdId').getAll(householdId) as IDBRequest<InboxEntry[]>),
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
