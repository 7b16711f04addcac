// The conflict queue's state: filters, the current page from GET /api/conflicts (already in words), the selection,
// and the settlements (one or many) through POST /api/conflicts/resolve; each outcome is kept per conflict id.
import { SvelteMap, SvelteSet } from 'svelte/reactivity'
import type { ConsoleApi } from '../console-api.ts'

export interface Words {
  vi: string
  en: string
}

export interface QueueConflict {
  id: number
  householdId: string
  path: string
  status: 'open' | 'resolved' | 'dismissed'
  createdAt: number
  resolvedAt: number | null
  headName: string | null
  villageId: string | null
  candidates: { userId: string; value: unknown }[]
  words: {
    question: Words
    base: Words | null
    candidates: { value: Words; author: string; deviceId: string; at: number }[]
    kept: Words
    resolution: Words | null
    resolvedBy: string | null
  }
}

export interface QueueFilters {
  status: 'open' | 'resolved' | 'dismissed' | 'all'
  village: string
  field: string
  olderThanDays: string
  author: string
}

export type Choice = { candidate: number } | { value: unknown } | { keep: 'newest' | 'kept' } | { dismiss: true }

export const PAGE_SIZE = 50

export class ConflictQueue {
  filters = $state<QueueFilters>({ status: 'open', village: '', field: '', olderThanDays: '', author: '' })
  rows = $state<QueueConflict[]>([])
  total = $state(0)
  offset = $state(0)
  loading = $state(false)
  error = $state<string | null>(null)
  readonly selected = new SvelteSet<number>()
  /** Outcome per conflict id after an action: 'resolved', 'dismissed' or an error code. */
  outcome = $state<Record<number, string>>({})
  /** Authors seen on the pages so far (the enumerator filter offers them). */
  readonly authors = new SvelteMap<string, string>()
  #generation = 0

  constructor(
    private readonly api: ConsoleApi,
    private readonly unit: () => string | undefined,
  ) {}

  async load(offset = 0): Promise<void> {
    const g = ++this.#generation
    this.loading = true
    const f = this.filters
    const r = await this.api.get<{ conflicts: QueueConflict[]; total: number }>('/api/conflicts', {
      status: f.status,
      unit: this.unit(),
      village: f.village,
      field: f.field,
      olderThanDays: f.olderThanDays,
      author: f.author,
      limit: String(PAGE_SIZE),
      offset: String(offset),
    })
    if (g !== this.#generation) return
    this.loading = false
    if (!r.ok) {
      this.error = r.code
      return
    }
    this.error = null
    this.rows = r.body.conflicts
    this.total = r.body.total
    this.offset = offset
    this.selected.clear()
    for (const c of r.body.conflicts)
      c.candidates.forEach((cand, i) => this.authors.set(cand.userId, c.words.candidates[i]?.author ?? cand.userId))
  }

  toggle(id: number): void {
    if (this.selected.has(id)) this.selected.delete(id)
    else this.selected.add(id)
  }

  toggleAll(): void {
    const open = this.rows.filter((r) => r.status === 'open' && !this.outcome[r.id]).map((r) => r.id)
    const all = this.selected.size === open.length
    this.selected.clear()
    if (!all) for (const id of open) this.selected.add(id)
  }

  /** Settles the given conflicts with one choice each; returns when every outcome is known. */
  async settle(items: { id: number; choice: Choice }[]): Promise<void> {
    if (items.length === 0) return
    const r = await this.api.post<{ results: { id: number; ok: boolean; status?: string; code?: string }[] }>(
      '/api/conflicts/resolve',
      { items: items.map((x) => ({ id: x.id, ...x.choice })) },
    )
    if (!r.ok) {
      this.error = r.code
      return
    }
    const next = { ...this.outcome }
    for (const x of r.body.results) next[x.id] = x.ok ? (x.status ?? 'resolved') : (x.code ?? 'request/failed')
    this.outcome = next
    this.selected.clear()
  }

  settleSelected(choice: Choice): Promise<void> {
    return this.settle([...this.selected].map((id) => ({ id, choice })))
  }
}
