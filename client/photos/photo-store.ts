// Photos on the phone: resized JPEG blobs in an IndexedDB database of their own, keyed by content hash, with the
// upload queue state (pending/uploaded, attempts, next try) beside them so uploads resume after restarts.
// The household document holds only { sha256, kind, capturedAt }; a photo never blocks the record's sync.
import { openDatabase, request, transact } from '../storage/idb.ts'
import { startUploader, type PhotoUploaderOptions } from './photo-uploader.ts'

export const PHOTO_DB_NAME = 'rasoat-photos'
const STORE = 'photos'

export interface StoredPhoto {
  sha256: string
  householdId: string
  kind: string
  capturedAt: string
  blob: Blob
  contentType: string
  bytes: number
  state: 'pending' | 'uploaded'
  attempts: number
  /** Epoch ms; the uploader leaves the photo alone before this. */
  nextAttemptAt: number
  lastError: string | null
  uploadedAt: string | null
}

/** What the form shows per photo. */
export type UploadState = 'pending' | 'uploading' | 'uploaded' | 'failed' | 'missing'

export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export class PhotoStore {
  readonly #db: Promise<IDBDatabase>
  readonly #listeners = new Set<() => void>()
  /** Photos whose upload is in flight right now (memory only: after a restart nothing is in flight). */
  readonly #active = new Set<string>()
  #version = 0

  constructor(factory: IDBFactory = indexedDB, name: string = PHOTO_DB_NAME) {
    this.#db = openDatabase(factory, name, 1, (db) => {
      const s = db.createObjectStore(STORE, { keyPath: 'sha256' })
      s.createIndex('byHousehold', 'householdId')
      s.createIndex('byState', 'state')
    })
  }

  /** Bumped on every change; lets reactive views re-read. */
  get version(): number {
    return this.#version
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Store a photo (idempotent by content) and queue it for upload. */
  async add(
    blob: Blob,
    meta: { householdId: string; kind: string; capturedAt?: string },
  ): Promise<{ sha256: string; capturedAt: string }> {
    const sha256 = await sha256Hex(blob)
    const db = await this.#db
    const capturedAt = await transact(
      db,
      STORE,
      'readwrite',
      async (tx) => {
        const s = tx.objectStore(STORE)
        const existing = (await request(s.get(sha256))) as StoredPhoto | undefined
        if (existing) return existing.capturedAt
        const photo: StoredPhoto = {
          sha256,
          householdId: meta.householdId,
          kind: meta.kind,
          capturedAt: meta.capturedAt ?? new Date().toISOString(),
          blob,
          contentType: blob.type || 'image/jpeg',
          bytes: blob.size,
          state: 'pending',
          attempts: 0,
          nextAttemptAt: 0,
          lastError: null,
          uploadedAt: null,
        }
        s.put(photo)
        return photo.capturedAt
      },
      'strict',
    )
    this.#changed()
    return { sha256, capturedAt }
  }

  async get(sha256: string): Promise<StoredPhoto | undefined> {
    const db = await this.#db
    return transact(
      db,
      STORE,
      'readonly',
      (tx) => request(tx.objectStore(STORE).get(sha256)) as Promise<StoredPhoto | undefined>,
    )
  }

  async forHousehold(householdId: string): Promise<StoredPhoto[]> {
    const db = await this.#db
    return transact(
      db,
      STORE,
      'readonly',
      (tx) => request(tx.objectStore(STORE).index('byHousehold').getAll(householdId)) as Promise<StoredPhoto[]>,
    )
  }

  async pending(): Promise<StoredPhoto[]> {
    const db = await this.#db
    const all = await transact(
      db,
      STORE,
      'readonly',
      (tx) => request(tx.objectStore(STORE).index('byState').getAll('pending')) as Promise<StoredPhoto[]>,
    )
    return all.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.capturedAt.localeCompare(b.capturedAt))
  }

  async pendingCount(): Promise<number> {
    const db = await this.#db
    return transact(db, STORE, 'readonly', (tx) => request(tx.objectStore(STORE).index('byState').count('pending')))
  }

  async markUploaded(sha256: string, at: string = new Date().toISOString()): Promise<void> {
    await this.#update(sha256, (p) => ({ ...p, state: 'uploaded', lastError: null, uploadedAt: at }))
  }

  async markFailed(sha256: string, error: string, nextAttemptAt: number): Promise<void> {
    await this.#update(sha256, (p) => ({ ...p, attempts: p.attempts + 1, lastError: error, nextAttemptAt }))
  }

  /**
   * A photo taken off its household before it was uploaded leaves the phone's outbox: deleted unless it is uploaded
   * already or belongs to another household (content addressing: the same bytes may be stored for another one).
   * Returns whether it was deleted.
   */
  async discard(sha256: string, householdId: string): Promise<boolean> {
    const db = await this.#db
    const deleted = await transact(db, STORE, 'readwrite', async (tx) => {
      const s = tx.objectStore(STORE)
      const p = (await request(s.get(sha256))) as StoredPhoto | undefined
      if (!p || p.state === 'uploaded' || p.householdId !== householdId) return false
      s.delete(sha256)
      return true
    })
    if (deleted) this.#changed()
    return deleted
  }

  setActive(sha256: string, active: boolean): void {
    if (active) this.#active.add(sha256)
    else this.#active.delete(sha256)
    this.#changed()
  }

  uploadState(photo: StoredPhoto | undefined): UploadState {
    if (!photo) return 'missing'
    if (photo.state === 'uploaded') return 'uploaded'
    if (this.#active.has(photo.sha256)) return 'uploading'
    return photo.lastError ? 'failed' : 'pending'
  }

  async close(): Promise<void> {
    ;(await this.#db).close()
  }

  async #update(sha256: string, change: (p: StoredPhoto) => StoredPhoto): Promise<void> {
    const db = await this.#db
    await transact(db, STORE, 'readwrite', async (tx) => {
      const s = tx.objectStore(STORE)
      const p = (await request(s.get(sha256))) as StoredPhoto | undefined
      if (p) s.put(change(p))
    })
    this.#changed()
  }

  #changed(): void {
    this.#version++
    for (const l of [...this.#listeners]) l()
  }
}

// The page-level functions below work on one store per page, opened on first use. This is the only
// module-level state here: the photo database is per origin anyway, and tests pass their own PhotoStore.
let pageStore: PhotoStore | null = null
export function pagePhotoStore(): PhotoStore {
  pageStore ??= new PhotoStore()
  return pageStore
}

export async function addPhoto(blob: Blob, meta: { householdId: string; kind: string }): Promise<string> {
  return (await pagePhotoStore().add(blob, meta)).sha256
}

export function pendingPhotoCount(): Promise<number> {
  return pagePhotoStore().pendingCount()
}

/** Start the background uploader (main.ts, after sign-in); returns stop(). */
export function startPhotoUploader(options: Omit<PhotoUploaderOptions, 'store'> & { store?: PhotoStore }): () => void {
  return startUploader({ ...options, store: options.store ?? pagePhotoStore() })
}
