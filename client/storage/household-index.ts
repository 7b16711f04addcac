// The summary rows in memory (≈ 500 small objects), loaded once at start and kept current by every writer.
// Lists, search, the status bar and the logout guard read this; screens subscribe to `version` changes.

import type { HouseholdSummary } from './summary-db.ts'

export class HouseholdIndex {
  readonly rows = new Map<string, HouseholdSummary>()
  /** Bumped on every change; a cheap dependency for derived views. */
  version = 0
  #listeners = new Set<() => void>()
  #rowListeners = new Set<(ids: string[]) => void>()
  #scheduled = false

  constructor(initial: readonly HouseholdSummary[] = []) {
    for (const r of initial) this.rows.set(r.id, r)
  }

  /** `fromOtherTab`: rows another tab of this device wrote (not announced again). */
  put(rows: readonly HouseholdSummary[], fromOtherTab = false): void {
    if (rows.length === 0) return
    for (const r of rows) this.rows.set(r.id, r)
    this.#changed()
    if (!fromOtherTab) for (const l of this.#rowListeners) l(rows.map((r) => r.id))
  }

  /** Ids of rows this tab wrote (for telling the app's other tabs). */
  subscribeRows(listener: (ids: string[]) => void): () => void {
    this.#rowListeners.add(listener)
    return () => this.#rowListeners.delete(listener)
  }

  remove(ids: readonly string[]): void {
    let any = false
    for (const id of ids) any = this.rows.delete(id) || any
    if (any) this.#changed()
  }

  clear(): void {
    this.rows.clear()
    this.#changed()
  }

  get(id: string): HouseholdSummary | undefined {
    return this.rows.get(id)
  }

  all(): HouseholdSummary[] {
    return [...this.rows.values()]
  }

  /** Unsynced local updates across all households. */
  unsyncedCount(): number {
    let n = 0
    for (const r of this.rows.values()) n += r.unsyncedCount
    return n
  }

  dirtyHouseholds(): number {
    let n = 0
    for (const r of this.rows.values()) if (r.dirty) n++
    return n
  }

  /** Listeners are called at most once per microtask burst (a bootstrap writes hundreds of rows). */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #changed(): void {
    this.version++
    if (this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      for (const l of this.#listeners) l()
    })
  }
}
