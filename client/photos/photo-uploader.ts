// Background photo upload, independent of document sync: HEAD to skip what the server has, PUT the bytes
// (content-addressed, idempotent), retry with full-jitter backoff, resume from the IndexedDB queue after restarts.
import type { PhotoStore, StoredPhoto } from './photo-store.ts'

export interface PhotoUploaderOptions {
  store: PhotoStore
  /** Server origin, e.g. "" (same origin) or "http://127.0.0.1:8080". */
  baseUrl: string
  getToken: () => string | null | undefined | Promise<string | null | undefined>
  /** Upload only photos of households the signed-in user may write (others wait for their owner). */
  householdScope?: (householdId: string) => boolean
  fetch?: typeof fetch
  now?: () => number
  random?: () => number
  baseDelayMs?: number
  maxDelayMs?: number
  /** Window-like target for `online` events; default globalThis when it has addEventListener. */
  events?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | null
  /**
   * Called each time the uploader has done all it can for now, with the epoch ms of its next own wake-up, or null
   * when it waits for an event (a new photo, `online`). Lets callers and tests observe it without sleeping.
   */
  onIdle?: (nextWakeAt: number | null) => void
}

type Outcome = 'uploaded' | 'retry-all-later' | 'retry-this-later'

export function backoffDelay(attempts: number, random: number, baseMs: number, maxMs: number): number {
  // Full jitter: uniformly random in [base/2, min(max, base·2^attempts)].
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempts, 20))
  return Math.max(baseMs / 2, Math.round(random * ceiling))
}

export function startUploader(options: PhotoUploaderOptions): () => void {
  const { store } = options
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))
  const now = options.now ?? (() => Date.now())
  const random = options.random ?? Math.random
  const baseMs = options.baseDelayMs ?? 2_000
  const maxMs = options.maxDelayMs ?? 300_000
  const inScope = options.householdScope ?? (() => true)
  const events = options.events === undefined ? ('addEventListener' in globalThis ? globalThis : null) : options.events

  let stopped = false
  let running = false
  let again = false
  let ignoreBackoff = false
  let timer: ReturnType<typeof setTimeout> | null = null
  const abort = new AbortController()

  const url = (p: StoredPhoto) =>
    `${options.baseUrl.replace(/\/$/, '')}/api/photos/${p.sha256}?household=${encodeURIComponent(p.householdId)}`

  async function later(p: StoredPhoto, error: string): Promise<void> {
    await store.markFailed(p.sha256, error, now() + backoffDelay(p.attempts, random(), baseMs, maxMs))
  }

  async function uploadOne(p: StoredPhoto, token: string): Promise<Outcome> {
    const headers = { Authorization: `Bearer ${token}` }
    store.setActive(p.sha256, true)
    try {
      const head = await doFetch(url(p), { method: 'HEAD', headers, signal: abort.signal })
      if (head.ok) {
        await store.markUploaded(p.sha256)
        return 'uploaded'
      }
      if (head.status === 401) {
        await later(p, 'sync/unauthorised')
        return 'retry-all-later'
      }
      const put = await doFetch(url(p), {
        method: 'PUT',
        headers: { ...headers, 'Content-Type': p.contentType },
        body: p.blob,
        signal: abort.signal,
      })
      if (put.ok) {
        await store.markUploaded(p.sha256)
        return 'uploaded'
      }
      let code = `http/${put.status}`
      try {
        const body = (await put.json()) as { code?: unknown }
        if (typeof body.code === 'string') code = body.code
      } catch {
        // not JSON: keep the status code
      }
      await later(p, code)
      // Server trouble or a refused token: everything else would fail the same way. A 4xx about this photo: go on.
      return put.status >= 500 || put.status === 401 || put.status === 429 ? 'retry-all-later' : 'retry-this-later'
    } catch (e) {
      if (stopped) return 'retry-all-later'
      await later(p, e instanceof Error ? `network/${e.name}` : 'network/error')
      return 'retry-all-later'
    } finally {
      store.setActive(p.sha256, false)
    }
  }

  /** Uploads what is due; 'signed-out' when there was something to upload but no token to do it with. */
  async function drain(): Promise<'done' | 'signed-out'> {
    const force = ignoreBackoff
    ignoreBackoff = false
    const tried = new Set<string>()
    while (!stopped) {
      const t = now()
      const next = (await store.pending()).find(
        (p) => !tried.has(p.sha256) && (force || p.nextAttemptAt <= t) && inScope(p.householdId),
      )
      if (!next) return 'done'
      tried.add(next.sha256)
      const token = await options.getToken()
      if (!token) return 'signed-out'
      if ((await uploadOne(next, token)) === 'retry-all-later') return 'done'
    }
    return 'done'
  }

  /** Sets the timer for the next photo due; returns when that is, or null when nothing is waiting. */
  async function schedule(): Promise<number | null> {
    if (timer) clearTimeout(timer)
    timer = null
    if (stopped) return null
    const waiting = (await store.pending()).filter((p) => inScope(p.householdId))
    if (stopped || waiting.length === 0) return null
    const at = Math.min(...waiting.map((p) => p.nextAttemptAt))
    timer = setTimeout(() => void pump(), Math.max(0, at - now()))
    return at
  }

  async function pump(): Promise<void> {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = true
    let nextWakeAt: number | null = null
    try {
      let outcome: 'done' | 'signed-out'
      do {
        again = false
        outcome = await drain()
      } while (again && !stopped)
      // Signed out: the queue waits for a new photo or `online` (a sign-in starts a new uploader), not a timer that
      // would find the same due photo and the same missing token again at once, over and over.
      if (outcome === 'signed-out') {
        if (timer) clearTimeout(timer)
        timer = null
      } else nextWakeAt = await schedule()
    } catch {
      // IndexedDB trouble: try again later rather than die silently for the rest of the day.
      if (timer) clearTimeout(timer)
      timer = stopped ? null : setTimeout(() => void pump(), maxMs)
      nextWakeAt = stopped ? null : now() + maxMs
    } finally {
      running = false
    }
    if (again && !stopped) return pump() // a change arrived while scheduling: look again
    if (!stopped) options.onIdle?.(nextWakeAt)
  }

  const onOnline = () => {
    ignoreBackoff = true
    void pump()
  }
  const unsubscribe = store.subscribe(() => {
    // New photo or state change: wake up (cheap when nothing is due; drain ignores photos still backing off).
    void pump()
  })
  events?.addEventListener('online', onOnline)
  void pump()

  return () => {
    stopped = true
    abort.abort()
    unsubscribe()
    events?.removeEventListener('online', onOnline)
    if (timer) clearTimeout(timer)
  }
}
