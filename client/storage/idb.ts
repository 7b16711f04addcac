// A small promise wrapper over raw IndexedDB: open with an upgrade callback, run one transaction, await a request.
// Transactions resolve on `complete` (the commit), never on the request's success, so "saved" means committed.

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'))
  })
}

export function openDatabase(
  factory: IDBFactory,
  name: string,
  version: number,
  upgrade: (db: IDBDatabase, oldVersion: number, tx: IDBTransaction) => void,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(name, version)
    req.onupgradeneeded = (e) => {
      if (req.transaction) upgrade(req.result, e.oldVersion, req.transaction)
    }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error(`cannot open IndexedDB ${name}`))
    req.onblocked = () => reject(new Error(`IndexedDB ${name} is blocked by another tab`))
  })
}

/** IndexedDB refused a write because the origin's storage is full. */
export function isQuotaError(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'QuotaExceededError'
}

export type Durability = 'strict' | 'relaxed' | 'default'

/**
 * Run `body` inside one transaction and resolve with its result after the transaction commits.
 * `body` may await requests of this transaction only (no other awaits, or IndexedDB auto-commits early).
 */
export function transact<T>(
  db: IDBDatabase,
  stores: string | string[],
  mode: IDBTransactionMode,
  body: (tx: IDBTransaction) => Promise<T> | T,
  durability: Durability = 'default',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let tx: IDBTransaction
    try {
      tx = db.transaction(stores, mode, { durability })
    } catch (e) {
      reject(e)
      return
    }
    let result: T
    let failed: unknown = null
    tx.oncomplete = () => (failed === null ? resolve(result) : reject(failed))
    tx.onerror = () => reject(tx.error ?? failed ?? new Error('IndexedDB transaction failed'))
    tx.onabort = () => reject(tx.error ?? failed ?? new Error('IndexedDB transaction aborted'))
    Promise.resolve()
      .then(() => body(tx))
      .then(
        (r) => {
          result = r
        },
        (e: unknown) => {
          failed = e
          try {
            tx.abort()
          } catch {
            // already finished
          }
        },
      )
  })
}

/** Delete a whole database (used when another user takes over the device). */
export function deleteDatabase(factory: IDBFactory, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = factory.deleteDatabase(name)
    req.onsuccess = () => resolve()
    req.onerror = () => reject(req.error ?? new Error(`cannot delete ${name}`))
    req.onblocked = () => resolve()
  })
}
