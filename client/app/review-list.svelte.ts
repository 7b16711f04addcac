// The household list of a supervisor, admin or observer: pages of summary rows from the server (GET /api/households,
// scoped there), searched on the server. Nothing is stored in the browser; households open on demand.

import type { HouseholdListRow } from './remote-household.ts'

export const REVIEW_PAGE_SIZE = 50

export class ReviewListState {
  rows = $state<HouseholdListRow[]>([])
  query = $state('')
  nextCursor = $state<string | null>(null)
  loading = $state(false)
  /** Stable code of the last failure (auth/…, request/…, or 'network/offline'), null when the last load worked. */
  error = $state<string | null>(null)
  /** Each search supersedes the one before it: answers of older ones are dropped. */
  #generation = 0

  constructor(
    private readonly token: () => string,
    private readonly fetchFn: typeof fetch = (...a) => fetch(...a),
  ) {}

  /** First page for the current query. */
  search(): Promise<void> {
    return this.#load(null)
  }

  /** The next page (appended), when there is one. */
  more(): Promise<void> {
    return this.nextCursor === null ? Promise.resolve() : this.#load(this.nextCursor)
  }

  async #load(cursor: string | null): Promise<void> {
    const generation = ++this.#generation
    this.loading = true
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a request's query string, built and sent; no view reads it
    const params = new URLSearchParams({ limit: String(REVIEW_PAGE_SIZE) })
    if (this.query.trim()) params.set('q', this.query.trim())
    if (cursor) params.set('cursor', cursor)
    try {
      const res = await this.fetchFn(`/api/households?${params}`, {
        headers: { authorization: `Bearer ${this.token()}` },
      })
      const body = (await res.json()) as { households?: HouseholdListRow[]; nextCursor?: string | null; code?: string }
      if (generation !== this.#generation) return
      if (!res.ok || !body.households) {
        this.error = body.code ?? 'request/failed'
        return
      }
      this.rows = cursor ? [...this.rows, ...body.households] : body.households
      this.nextCursor = body.nextCursor ?? null
      this.error = null
    } catch {
      if (generation === this.#generation) this.error = 'network/offline'
    } finally {
      if (generation === this.#generation) this.loading = false
    }
  }
}
