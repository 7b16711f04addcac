// One household on screen: opens its document through HouseholdStore, and exposes its summary row, the local
// save state ("saving…" → "saved on phone" → "synced") and conflicts, bridged from plain events with createSubscriber.

import { createSubscriber } from 'svelte/reactivity'
import type { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import type { HouseholdIndex } from '../storage/household-index.ts'
import type { HouseholdStore, OpenedHousehold } from '../storage/household-store.ts'
import { isQuotaError } from '../storage/idb.ts'
import { openConflicts, type HouseholdSummary } from '../storage/summary-db.ts'

export type SaveState = 'saving' | 'saved' | 'synced' | 'conflict' | 'error'

export class OpenHouseholdState {
  household = $state.raw<HouseholdDoc | null>(null)
  failed = $state<string | null>(null)
  /** The open failed because storage is full (a household never opened on this phone needs a write to open). */
  full = $state(false)
  readonly #subscribeRow: () => void
  readonly #subscribePending: () => void
  #opened: OpenedHousehold | null = null
  #closed = false

  constructor(
    readonly id: string,
    private readonly store: HouseholdStore,
    private readonly index: HouseholdIndex,
  ) {
    this.#subscribeRow = createSubscriber((update) => index.subscribe(update))
    this.#subscribePending = createSubscriber((update) => store.subscribePending(update))
  }

  async open(): Promise<void> {
    try {
      const opened = await this.store.openHousehold(this.id)
      if (this.#closed) {
        await opened.close()
        return
      }
      this.#opened = opened
      this.household = opened.household
    } catch (e) {
      // A DOMException (QuotaExceededError, …) may carry an empty message: its name is shown then.
      this.failed = (e instanceof Error ? e.message || e.name : String(e)) || 'Error'
      this.full = isQuotaError(e)
    }
  }

  /** Writes pending edits to the outbox, then releases the document. */
  async close(): Promise<void> {
    this.#closed = true
    const o = this.#opened
    this.#opened = null
    if (o) await o.close()
  }

  get row(): HouseholdSummary | undefined {
    this.#subscribeRow()
    return this.index.get(this.id)
  }

  get saveState(): SaveState {
    this.#subscribePending()
    const row = this.row
    if (this.store.unflushedOf(this.id) > 0) return 'saving'
    if (row && openConflicts(row).length > 0) return 'conflict'
    if (row?.error && !row.error.retryable) return 'error'
    if (row?.dirty) return 'saved'
    return 'synced'
  }
}
