// GPS capture for one household visit: watch positions until one is accurate enough (≤ target) or the timeout
// passes, then accept the best reading. Plain TypeScript with injected geolocation and timers, so the acceptance
// rules run in Node tests; gps-state.svelte.ts makes it reactive for the form.
import type { Location } from '../../shared/household/types.ts'

/** The slice of `navigator.geolocation` we use (the real one satisfies it). */
export interface GeolocationSource {
  watchPosition(
    success: (position: {
      coords: { latitude: number; longitude: number; accuracy: number }
      timestamp: number
    }) => void,
    error: (err: { code: number; message?: string }) => void,
    options?: { enableHighAccuracy?: boolean; maximumAge?: number; timeout?: number },
  ): number
  clearWatch(id: number): void
}

export interface GpsTimers {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface GeoReading {
  lat: number
  lng: number
  accuracyM: number
  /** Epoch ms when the device took the fix. */
  at: number
}

export type GpsPhase = 'idle' | 'watching' | 'accepted' | 'failed'
/** Stable codes; the form maps them to `survey.gps.<code>` strings. */
export type GpsFailure = 'denied' | 'unavailable' | 'unsupported' | 'timeoutNone'

export interface GpsSnapshot {
  phase: GpsPhase
  latest: GeoReading | null
  best: GeoReading | null
  accepted: Location | null
  failure: GpsFailure | null
  /** Epoch ms after which the best reading is accepted (while watching). */
  deadline: number | null
  /** The accepted or best reading is worse than the warning limit. */
  poorAccuracy: boolean
}

export interface GpsOptions {
  source: GeolocationSource | null
  onAccept: (location: Location) => void
  /** Accept automatically at or below this accuracy (metres). */
  targetM?: number
  /** Accept the best reading after this long (ms). */
  timeoutMs?: number
  /** Warn when the kept reading is worse than this (metres). */
  warnAboveM?: number
  timers?: GpsTimers
}

export const GPS_DEFAULTS = { targetM: 20, timeoutMs: 60_000, warnAboveM: 100 } as const

const realTimers: GpsTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
}

const PERMISSION_DENIED = 1

export class GpsCapture {
  readonly targetM: number
  readonly timeoutMs: number
  readonly warnAboveM: number
  private readonly source: GeolocationSource | null
  private readonly onAccept: (location: Location) => void
  private readonly timers: GpsTimers
  private watchId: number | null = null
  private timer: unknown = null
  private state: GpsSnapshot = {
    phase: 'idle',
    latest: null,
    best: null,
    accepted: null,
    failure: null,
    deadline: null,
    poorAccuracy: false,
  }
  private readonly listeners = new Set<() => void>()

  constructor(options: GpsOptions) {
    this.source = options.source
    this.onAccept = options.onAccept
    this.targetM = options.targetM ?? GPS_DEFAULTS.targetM
    this.timeoutMs = options.timeoutMs ?? GPS_DEFAULTS.timeoutMs
    this.warnAboveM = options.warnAboveM ?? GPS_DEFAULTS.warnAboveM
    this.timers = options.timers ?? realTimers
  }

  get snapshot(): GpsSnapshot {
    return this.state
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Start (or restart: manual retry) watching; previous readings are dropped. */
  start(): void {
    this.halt()
    if (!this.source) {
      this.set({
        phase: 'failed',
        latest: null,
        best: null,
        accepted: null,
        failure: 'unsupported',
        deadline: null,
        poorAccuracy: false,
      })
      return
    }
    const deadline = this.timers.now() + this.timeoutMs
    this.set({
      phase: 'watching',
      latest: null,
      best: null,
      accepted: null,
      failure: null,
      deadline,
      poorAccuracy: false,
    })
    this.timer = this.timers.setTimeout(() => this.onTimeout(), this.timeoutMs)
    this.watchId = this.source.watchPosition(
      (p) =>
        this.onReading({
          lat: p.coords.latitude,
          lng: p.coords.longitude,
          accuracyM: p.coords.accuracy,
          at: p.timestamp,
        }),
      (e) => this.onError(e.code),
      { enableHighAccuracy: true, maximumAge: 0, timeout: this.timeoutMs },
    )
  }

  /** Accept the best reading so far now (the enumerator decides it is good enough). */
  acceptBest(): void {
    if (this.state.phase === 'watching' && this.state.best) this.accept(this.state.best)
  }

  /** Stop watching without accepting; keeps the readings for display. */
  stop(): void {
    if (this.state.phase !== 'watching') return
    this.halt()
    this.set({ ...this.state, phase: 'idle', deadline: null })
  }

  dispose(): void {
    this.halt()
    this.listeners.clear()
  }

  private onReading(r: GeoReading): void {
    if (this.state.phase !== 'watching') return
    if (!Number.isFinite(r.lat) || !Number.isFinite(r.lng) || !Number.isFinite(r.accuracyM) || r.accuracyM < 0) return
    const best = this.state.best === null || r.accuracyM < this.state.best.accuracyM ? r : this.state.best
    this.set({ ...this.state, latest: r, best, poorAccuracy: best.accuracyM > this.warnAboveM })
    if (r.accuracyM <= this.targetM) this.accept(r)
  }

  private onError(code: number): void {
    if (this.state.phase !== 'watching') return
    // Only a refused permission is final; "unavailable" and per-fix timeouts are transient while the watch runs.
    if (code === PERMISSION_DENIED) {
      this.halt()
      this.set({ ...this.state, phase: 'failed', failure: 'denied', deadline: null })
    }
  }

  private onTimeout(): void {
    this.timer = null
    if (this.state.phase !== 'watching') return
    if (this.state.best) this.accept(this.state.best)
    else {
      this.halt()
      this.set({ ...this.state, phase: 'failed', failure: 'timeoutNone', deadline: null })
    }
  }

  private accept(r: GeoReading): void {
    this.halt()
    const location: Location = {
      lat: r.lat,
      lng: r.lng,
      accuracyM: Math.round(r.accuracyM * 10) / 10,
      capturedAt: new Date(r.at).toISOString(),
    }
    this.set({
      ...this.state,
      phase: 'accepted',
      accepted: location,
      deadline: null,
      poorAccuracy: r.accuracyM > this.warnAboveM,
    })
    this.onAccept(location)
  }

  private halt(): void {
    if (this.watchId !== null && this.source) this.source.clearWatch(this.watchId)
    this.watchId = null
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
  }

  private set(next: GpsSnapshot): void {
    this.state = next
    for (const l of [...this.listeners]) l()
  }
}
