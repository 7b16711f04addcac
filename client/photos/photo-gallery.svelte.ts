// Thumbnails and upload state of one household's photos for the form: blobs from the photo store as object URLs
// (revoked when replaced), refreshed when the store changes (new photo, upload progress).
import type { PhotoRef } from '../../shared/household/types.ts'
import { resizePhoto } from './photo-resize.ts'
import type { PhotoStore, UploadState } from './photo-store.ts'

export interface GalleryItem {
  ref: PhotoRef
  url: string | null
  /** 'server': not on this device, shown from the server. */
  state: UploadState | 'server'
}

export class PhotoGallery {
  items = $state<GalleryItem[]>([])
  busy = $state(false)
  error = $state<string | null>(null)
  readonly #urls = new Map<string, string>()

  constructor(
    private readonly store: PhotoStore,
    private readonly householdId: string,
    private readonly remote?: (sha256: string) => Promise<Blob | null>,
  ) {}

  /** Keep `items` in step with the document's photo list and the store; returns the cleanup. */
  watch(refs: () => PhotoRef[]): () => void {
    let alive = true
    const refresh = async () => {
      const list = refs()
      const next: GalleryItem[] = []
      for (const ref of list) {
        const photo = await this.store.get(ref.sha256)
        let url = this.#urls.get(ref.sha256) ?? null
        let fromServer = false
        if (!url && !photo && this.remote) {
          const blob = await this.remote(ref.sha256)
          if (blob) {
            url = URL.createObjectURL(blob)
            this.#urls.set(ref.sha256, url)
            fromServer = true
          }
        } else if (!url && photo) {
          url = URL.createObjectURL(photo.blob)
          this.#urls.set(ref.sha256, url)
        }
        const known = fromServer || (!photo && url !== null)
        next.push({ ref, url, state: known ? 'server' : this.store.uploadState(photo) })
      }
      if (alive) this.items = next
    }
    void refresh()
    const off = this.store.subscribe(() => void refresh())
    return () => {
      alive = false
      off()
    }
  }

  /** Camera file → resized JPEG → photo store (+ upload queue) → reference for the household document. */
  async capture(file: File, kind: string): Promise<PhotoRef | null> {
    this.busy = true
    this.error = null
    try {
      const blob = await resizePhoto(file)
      const { sha256, capturedAt } = await this.store.add(blob, { householdId: this.householdId, kind })
      return { sha256, kind, capturedAt }
    } catch (e) {
      this.error = e instanceof Error ? e.message : 'photo/error'
      return null
    } finally {
      this.busy = false
    }
  }

  dispose(): void {
    for (const url of this.#urls.values()) URL.revokeObjectURL(url)
    this.#urls.clear()
  }
}
