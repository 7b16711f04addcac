// GPS acceptance rules: auto-accept at ≤ target, best reading after the timeout, warning above 100 m,
// permission refusal, manual accept and retry — driven by a scripted geolocation source and a manual clock.
import { describe, expect, it } from 'vitest'
import type { Location } from '../../shared/household/types.ts'
import { GpsCapture, type GeolocationSource, type GpsTimers } from './gps-capture.ts'

class ScriptedGeolocation implements GeolocationSource {
  watches = new Map<
    number,
    {
      ok: (p: Parameters<Parameters<GeolocationSource['watchPosition']>[0]>[0]) => void
      err: (e: { code: number }) => void
    }
  >()
  private next = 1
  watchPosition(
    ok: Parameters<GeolocationSource['watchPosition']>[0],
    err: Parameters<GeolocationSource['watchPosition']>[1],
  ): number {
    const id = this.next++
    this.watches.set(id, { ok, err })
    return id
  }
  clearWatch(id: number): void {
    this.watches.delete(id)
  }
  fix(accuracy: number, lat = 16.46, lng = 107.59, timestamp = Date.UTC(2025, 10, 29, 8)): void {
    for (const w of [...this.watches.values()]) w.ok({ coords: { latitude: lat, longitude: lng, accuracy }, timestamp })
  }
  fail(code: number): void {
    for (const w of [...this.watches.values()]) w.err({ code })
  }
}

class ManualClock implements GpsTimers {
  t = 0
  private pending = new Map<number, { at: number; fn: () => void }>()
  private next = 1
  now = () => this.t
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++
    this.pending.set(id, { at: this.t + ms, fn })
    return id
  }
  clearTimeout = (h: unknown) => {
    this.pending.delete(h as number)
  }
  advance(ms: number): void {
    this.t += ms
    for (const [id, p] of [...this.pending]) {
      if (p.at <= this.t) {
        this.pending.delete(id)
        p.fn()
      }
    }
  }
}

function setup(opts: { timeoutMs?: number } = {}) {
  const geo = new ScriptedGeolocation()
  const clock = new ManualClock()
  const accepted: Location[] = []
  const gps = new GpsCapture({ source: geo, timers: clock, onAccept: (l) => accepted.push(l), ...opts })
  return { geo, clock, accepted, gps }
}

describe('GpsCapture', () => {
  it('accepts the first reading at or below 20 m automatically and stops watching', () => {
    const { geo, accepted, gps } = setup()
    gps.start()
    geo.fix(150)
    geo.fix(35)
    expect(gps.snapshot.phase).toBe('watching')
    expect(gps.snapshot.latest?.accuracyM).toBe(35)
    geo.fix(20)
    expect(gps.snapshot.phase).toBe('accepted')
    expect(accepted).toHaveLength(1)
    expect(accepted[0]).toMatchObject({ lat: 16.46, lng: 107.59, accuracyM: 20 })
    expect(accepted[0]?.capturedAt).toBe('2025-11-29T08:00:00.000Z')
    expect(geo.watches.size).toBe(0)
    geo.fix(5)
    expect(accepted).toHaveLength(1)
  })

  it('accepts the best reading when the timeout passes, not the latest', () => {
    const { geo, clock, accepted, gps } = setup({ timeoutMs: 60_000 })
    gps.start()
    geo.fix(80, 16.1)
    geo.fix(45, 16.2)
    geo.fix(70, 16.3)
    clock.advance(59_999)
    expect(accepted).toHaveLength(0)
    clock.advance(1)
    expect(accepted).toHaveLength(1)
    expect(accepted[0]).toMatchObject({ lat: 16.2, accuracyM: 45 })
    expect(gps.snapshot.poorAccuracy).toBe(false)
  })

  it('warns when the kept reading is worse than 100 m', () => {
    const { geo, clock, gps } = setup()
    gps.start()
    geo.fix(180)
    expect(gps.snapshot.poorAccuracy).toBe(true)
    clock.advance(60_000)
    expect(gps.snapshot.phase).toBe('accepted')
    expect(gps.snapshot.accepted?.accuracyM).toBe(180)
    expect(gps.snapshot.poorAccuracy).toBe(true)
  })

  it('fails with timeoutNone when no reading arrives, and a manual retry starts over', () => {
    const { geo, clock, accepted, gps } = setup({ timeoutMs: 10_000 })
    gps.start()
    geo.fail(2) // position unavailable is transient
    expect(gps.snapshot.phase).toBe('watching')
    clock.advance(10_000)
    expect(gps.snapshot).toMatchObject({ phase: 'failed', failure: 'timeoutNone' })
    expect(geo.watches.size).toBe(0)
    gps.start()
    expect(gps.snapshot.phase).toBe('watching')
    geo.fix(12)
    expect(accepted).toHaveLength(1)
  })

  it('stops at once when permission is denied', () => {
    const { geo, gps } = setup()
    gps.start()
    geo.fail(1)
    expect(gps.snapshot).toMatchObject({ phase: 'failed', failure: 'denied' })
    expect(geo.watches.size).toBe(0)
  })

  it('lets the enumerator accept the best reading early', () => {
    const { geo, accepted, gps } = setup()
    gps.start()
    gps.acceptBest()
    expect(accepted).toHaveLength(0)
    geo.fix(60)
    geo.fix(30)
    gps.acceptBest()
    expect(accepted[0]?.accuracyM).toBe(30)
  })

  it('reports unsupported without a geolocation source, ignores nonsense readings, notifies listeners', () => {
    const none = new GpsCapture({ source: null, onAccept: () => {} })
    none.start()
    expect(none.snapshot.failure).toBe('unsupported')
    const { geo, gps } = setup()
    let calls = 0
    const off = gps.subscribe(() => calls++)
    gps.start()
    geo.fix(Number.NaN)
    geo.fix(-1)
    expect(gps.snapshot.latest).toBeNull()
    geo.fix(50)
    expect(calls).toBe(2)
    off()
    gps.stop()
    expect(gps.snapshot.phase).toBe('idle')
    expect(calls).toBe(2)
  })
})
