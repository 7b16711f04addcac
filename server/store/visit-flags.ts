// Visit authenticity on the map (docs/server.md "Visit flags"): computed on every summary commit from the household's
// GPS fix, its previous committed position and its photos' capture times, stored in households.flags.

export type VisitFlag = 'low-accuracy' | 'moved' | 'photo-outside-visit'

export interface VisitRules {
  /** A fix less precise than this many metres is flagged low-accuracy (default 100). */
  maxAccuracyM: number
  /** A position change larger than this many metres from the previous committed position is flagged moved (default 50). */
  movedM: number
  /** The visit is the GPS fix's capturedAt ± this; a photo captured outside it is flagged (default 2 h). */
  visitWindowMs: number
}

export const DEFAULT_VISIT_RULES: VisitRules = { maxAccuracyM: 100, movedM: 50, visitWindowMs: 2 * 60 * 60 * 1000 }

export interface VisitInput {
  lat: number | null
  lng: number | null
  accuracyM: number | null
  /** When the GPS fix was taken (ISO date-time), null without a fix. */
  locationAt: string | null
  /** Capture times of the household's current photos (ISO date-times). */
  photoTimes: readonly string[]
}

export interface Previous {
  lat: number | null
  lng: number | null
  /** Distance of the last position change, kept until the position changes again. */
  movedM: number | null
}

export interface VisitResult {
  flags: VisitFlag[]
  movedM: number | null
}

const EARTH_RADIUS_M = 6_371_008.8

/** Great-circle distance in metres (haversine). */
export function distanceM(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const rad = Math.PI / 180
  const dLat = (bLat - aLat) * rad
  const dLng = (bLng - aLng) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))
}

export function visitFlags(
  v: VisitInput,
  prev: Previous | undefined,
  rules: VisitRules = DEFAULT_VISIT_RULES,
): VisitResult {
  const flags: VisitFlag[] = []
  if (v.lat !== null && v.accuracyM !== null && v.accuracyM > rules.maxAccuracyM) flags.push('low-accuracy')
  let movedM = prev?.movedM ?? null
  if (v.lat === null || v.lng === null) movedM = null
  else if (prev && prev.lat !== null && prev.lng !== null && (prev.lat !== v.lat || prev.lng !== v.lng)) {
    movedM = Math.round(distanceM(prev.lat, prev.lng, v.lat, v.lng))
  }
  if (movedM !== null && movedM > rules.movedM) flags.push('moved')
  const fixAt = v.locationAt === null ? NaN : Date.parse(v.locationAt)
  if (Number.isFinite(fixAt)) {
    const outside = v.photoTimes.some((t) => {
      const at = Date.parse(t)
      return Number.isFinite(at) && Math.abs(at - fixAt) > rules.visitWindowMs
    })
    if (outside) flags.push('photo-outside-visit')
  }
  return { flags, movedM }
}
