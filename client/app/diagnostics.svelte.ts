// Figures for the diagnostics screen: persistent storage, quota, unsynced edits and photos, last sync, versions.
// Read on demand (refresh), since storage.estimate() and the photo count are async browser calls.

import { PROTOCOL_VERSION } from '../../shared/sync/protocol.ts'
import type { AppState } from './app-state.svelte.ts'

export class DiagnosticsState {
  usage = $state<number | null>(null)
  quota = $state<number | null>(null)
  edits = $state(0)
  households = $state(0)
  photos = $state(0)
  loaded = $state(false)
  readonly protocol = PROTOCOL_VERSION

  constructor(private readonly app: AppState) {}

  async refresh(): Promise<void> {
    await this.app.refreshPersisted()
    try {
      const e = await navigator.storage?.estimate?.()
      this.usage = e?.usage ?? null
      this.quota = e?.quota ?? null
    } catch {
      this.usage = this.quota = null
    }
    const u = await this.app.unsyncedBreakdown()
    this.edits = u.edits
    this.households = u.households
    this.photos = u.photos
    this.loaded = true
  }
}

export function formatBytes(n: number | null): string {
  if (n === null) return '—'
  if (n < 1024) return `${n} B`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`
  return `${(n / 1024 ** 3).toFixed(2)} GB`
}
