// The three visit-authenticity rules one by one: low GPS accuracy, a move from the previous position, a photo outside
// the visit window around the GPS fix.
import { describe, expect, it } from 'vitest'
import { DEFAULT_VISIT_RULES, distanceM, visitFlags, type VisitInput } from './visit-flags.ts'

const fix: VisitInput = { lat: 16.45, lng: 107.6, accuracyM: 8, locationAt: '2025-10-01T08:00:00Z', photoTimes: [] }

describe('visit flags', () => {
  it('low-accuracy: a fix above 100 m is flagged, 100 m exactly and no fix are not', () => {
    expect(visitFlags({ ...fix, accuracyM: 101 }, undefined).flags).toEqual(['low-accuracy'])
    expect(visitFlags({ ...fix, accuracyM: 100 }, undefined).flags).toEqual([])
    expect(visitFlags({ ...fix, lat: null, lng: null, accuracyM: null, locationAt: null }, undefined).flags).toEqual([])
  })

  it('moved: a position change beyond the threshold is flagged and remembered until the position changes again', () => {
    const prev = { lat: 16.45, lng: 107.6, movedM: null }
    const far = visitFlags({ ...fix, lat: 16.451 }, prev) // ~111 m north
    expect(far.flags).toEqual(['moved'])
    expect(far.movedM).toBeGreaterThan(100)
    expect(far.movedM).toBeLessThan(120)
    // A later commit that does not touch the position keeps the flag.
    expect(visitFlags({ ...fix, lat: 16.451 }, { lat: 16.451, lng: 107.6, movedM: far.movedM }).flags).toEqual([
      'moved',
    ])
    // A small correction (~11 m) replaces the remembered distance.
    expect(visitFlags({ ...fix, lat: 16.4511 }, { lat: 16.451, lng: 107.6, movedM: far.movedM }).flags).toEqual([])
    // The first fix of a household is no move; the threshold is configurable.
    expect(visitFlags(fix, { lat: null, lng: null, movedM: null }).flags).toEqual([])
    expect(visitFlags({ ...fix, lat: 16.4502 }, prev, { ...DEFAULT_VISIT_RULES, movedM: 10 }).flags).toEqual(['moved'])
  })

  it('photo-outside-visit: a photo more than 2 h from the GPS fix is flagged; inside the window or without a fix it is not', () => {
    expect(visitFlags({ ...fix, photoTimes: ['2025-10-01T09:59:00Z'] }, undefined).flags).toEqual([])
    expect(
      visitFlags({ ...fix, photoTimes: ['2025-10-01T06:30:00Z', '2025-10-01T10:01:00Z'] }, undefined).flags,
    ).toEqual(['photo-outside-visit'])
    expect(visitFlags({ ...fix, photoTimes: ['2025-09-28T08:00:00Z'] }, undefined).flags).toEqual([
      'photo-outside-visit',
    ])
    expect(visitFlags({ ...fix, locationAt: null, photoTimes: ['2025-09-28T08:00:00Z'] }, undefined).flags).toEqual([])
  })

  it('distanceM is the great-circle distance', () => {
    expect(distanceM(16.45, 107.6, 16.46, 107.6)).toBeCloseTo(1112, -1)
    expect(distanceM(16.45, 107.6, 16.45, 107.6)).toBe(0)
  })
})
