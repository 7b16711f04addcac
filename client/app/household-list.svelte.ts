// State of the household list: rows from the in-memory index (bridged with createSubscriber), diacritic-free search,
// status/category filters, and the window of rows to render (fixed row height, so 500+ rows stay cheap).

import { createSubscriber } from 'svelte/reactivity'
import { foldForSearch } from '../../shared/text/fold.ts'
import type { HouseholdIndex } from '../storage/household-index.ts'
import { openConflicts, type HouseholdSummary } from '../storage/summary-db.ts'

export const ROW_HEIGHT = 68
const OVERSCAN = 6

export type SyncState = 'conflict' | 'error' | 'saved' | 'synced' | 'new'

/** What the row's sync badge says: a conflict or refusal wins; unsent edits are "saved on phone"; else "synced". */
export function syncStateOf(row: HouseholdSummary): SyncState {
  if (openConflicts(row).length > 0) return 'conflict'
  if (row.error && !row.error.retryable) return 'error'
  if (row.dirty) return 'saved'
  if (row.serverSeq > 0) return 'synced'
  return 'new'
}

const collator = new Intl.Collator('vi', { sensitivity: 'base' })

export class HouseholdListState {
  query = $state('')
  status = $state('all')
  category = $state('all')
  scrollTop = $state(0)
  viewportHeight = $state(600)
  readonly #index: HouseholdIndex
  readonly #subscribe: () => void

  /** Village id → display name (the document stores the id). */
  readonly #villageNames: () => Record<string, string>

  constructor(index: HouseholdIndex, villageNames: () => Record<string, string> = () => ({})) {
    this.#index = index
    this.#villageNames = villageNames
    this.#subscribe = createSubscriber((update) => index.subscribe(update))
  }

  /** All rows, sorted by village then head name (Vietnamese collation). */
  get all(): HouseholdSummary[] {
    this.#subscribe()
    void this.#index.version
    return this.#sorted
  }

  #sortedVersion = -1
  #sortedCache: HouseholdSummary[] = []
  get #sorted(): HouseholdSummary[] {
    if (this.#sortedVersion !== this.#index.version) {
      this.#sortedCache = this.#index
        .all()
        .sort(
          (a, b) =>
            a.village.localeCompare(b.village) || collator.compare(a.headName, b.headName) || a.id.localeCompare(b.id),
        )
      this.#sortedVersion = this.#index.version
    }
    return this.#sortedCache
  }

  villageName(id: string): string {
    return this.#villageNames()[id] ?? id
  }

  /** "address · village", without repeating a village the address already names. */
  place(row: HouseholdSummary): string {
    const village = this.villageName(row.village)
    if (!village || row.address.includes(village)) return row.address
    return row.address ? `${row.address} · ${village}` : village
  }

  readonly #foldedVillages: Record<string, string> = $derived.by(() =>
    Object.fromEntries(Object.entries(this.#villageNames()).map(([id, name]) => [id, foldForSearch(name)])),
  )

  readonly filtered = $derived.by(() => {
    const words = foldForSearch(this.query)
      .split(' ')
      .filter((w) => w.length > 0)
    const villages = this.#foldedVillages
    const status = this.status
    const category = this.category
    return this.all.filter(
      (r) =>
        (status === 'all' || r.status === status) &&
        (category === 'all' || (r.category ?? 'unknown') === category) &&
        words.every((w) => r.searchText.includes(w) || (villages[r.village]?.includes(w) ?? false) || r.id.includes(w)),
    )
  })

  readonly statuses = $derived(
    this.all
      .map((r) => r.status)
      .filter((s, i, all) => all.indexOf(s) === i)
      .sort(),
  )

  readonly totalHeight = $derived(this.filtered.length * ROW_HEIGHT)

  /** The slice of rows in (or near) the viewport, with the offset of the first. */
  readonly window = $derived.by(() => {
    const start = Math.max(0, Math.floor(this.scrollTop / ROW_HEIGHT) - OVERSCAN)
    const count = Math.ceil(this.viewportHeight / ROW_HEIGHT) + 2 * OVERSCAN
    return { start, offset: start * ROW_HEIGHT, rows: this.filtered.slice(start, start + count) }
  })

  readonly unsynced = $derived(this.all.reduce((n, r) => n + r.unsyncedCount, 0))
}
