// Lean access to one household's y-indexeddb database without a live Y.Doc: read all stored updates, or delete it.
// Uses y-indexeddb's own layout (database named by the doc, object store 'updates' with auto keys).

import { deleteDatabase, openDatabase, request, transact } from './idb.ts'

export function docDatabaseName(householdId: string): string {
  return `rasoat-hh-${householdId}`
}

/** All updates y-indexeddb stored for the household, in order. Only call when the database is known to exist. */
export async function readDocUpdates(factory: IDBFactory, householdId: string): Promise<Uint8Array[]> {
  const db = await openDatabase(factory, docDatabaseName(householdId), 1, (d) => {
    d.createObjectStore('updates', { autoIncrement: true })
    d.createObjectStore('custom')
  })
  try {
    return await transact(db, 'updates', 'readonly', (tx) =>
      request(tx.objectStore('updates').getAll() as IDBRequest<Uint8Array[]>),
    )
  } finally {
    db.close()
  }
}

export function deleteDocDatabase(factory: IDBFactory, householdId: string): Promise<void> {
  return deleteDatabase(factory, docDatabaseName(householdId))
}

/** Resolves once every write y-indexeddb queued on `db` before this call has committed (same-store transactions run in order). */
export function docWritesCommitted(db: IDBDatabase): Promise<void> {
  return transact(db, 'updates', 'readwrite', () => undefined, 'strict')
}

/** Store one update in y-indexeddb's layout; resolves once committed (a quota error rejects, nothing is written). */
export function appendDocUpdate(db: IDBDatabase, update: Uint8Array): Promise<void> {
  return transact(
    db,
    'updates',
    'readwrite',
    async (tx) => void (await request(tx.objectStore('updates').add(update))),
    'strict',
  )
}
