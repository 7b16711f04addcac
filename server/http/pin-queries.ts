// Map pins for a bounding box, scoped to the user: individual pins when zoomed in, grid clusters when zoomed out,
// so a supervisor's map of 30,000 households stays a few hundred markers.

import { householdScope, type User } from '../auth/access.ts'
import type { Db } from '../db/open.ts'

export const PIN_CAP = 5000
/** At this zoom and above the map gets individual pins. */
export const CLUSTER_BELOW_ZOOM = 15

export interface BBox {
  minLng: number
  minLat: number
  maxLng: number
  maxLat: number
}

export interface Pin {
  id: string
  lat: number
  lng: number
  status: string
  category: string
  accuracyM: number | null
}

export interface Cluster {
  lat: number
  lng: number
  count: number
  byStatus: Record<string, number>
}

/** Grid cell edge in degrees: a quarter of a 256-px tile, i.e. ~64 px on screen at this zoom. */
export function cellDegrees(zoom: number): number {
  return 360 / 2 ** zoom / 4
}

function where(user: User, period: string, box: BBox) {
  const scope = householdScope(user, 'h')
  // Narrow scopes go through the unit/village index; the whole city through (period, lat). See household-queries.ts.
  const p = scope.narrow ? '+' : ''
  return {
    sql: `${scope.sql} AND ${p}h.period = ? AND ${p}h.lat BETWEEN ? AND ? AND h.lng BETWEEN ? AND ?`,
    params: [...scope.params, period, box.minLat, box.maxLat, box.minLng, box.maxLng],
  }
}

export function pinsIn(db: Db, user: User, period: string, box: BBox): { pins: Pin[]; truncated: boolean } {
  const w = where(user, period, box)
  const rows = db
    .prepare(
      `SELECT h.id, h.lat, h.lng, h.status, h.category, h.accuracy_m AS accuracyM FROM households h
       WHERE ${w.sql} ORDER BY h.id LIMIT ?`,
    )
    .all(...w.params, PIN_CAP + 1) as Pin[]
  return { pins: rows.slice(0, PIN_CAP), truncated: rows.length > PIN_CAP }
}

export function clustersIn(
  db: Db,
  user: User,
  period: string,
  box: BBox,
  zoom: number,
): { clusters: Cluster[]; truncated: boolean } {
  const cell = cellDegrees(zoom)
  const w = where(user, period, box)
  // Inside the box (lng - minLng) ≥ 0, so CAST truncation is floor(): the cell index.
  const rows = db
    .prepare(
      `SELECT CAST((h.lng - ?) / ? AS INTEGER) AS cx, CAST((h.lat - ?) / ? AS INTEGER) AS cy, h.status AS status,
              COUNT(*) AS n, SUM(h.lat) AS sumLat, SUM(h.lng) AS sumLng
       FROM households h WHERE ${w.sql} GROUP BY cx, cy, h.status`,
    )
    .all(box.minLng, cell, box.minLat, cell, ...w.params) as {
    cx: number
    cy: number
    status: string
    n: number
    sumLat: number
    sumLng: number
  }[]
  const cells = new Map<string, { n: number; sumLat: number; sumLng: number; byStatus: Record<string, number> }>()
  for (const r of rows) {
    const key = `${r.cx}:${r.cy}`
    let c = cells.get(key)
    if (!c) {
      c = { n: 0, sumLat: 0, sumLng: 0, byStatus: {} }
      cells.set(key, c)
    }
    c.n += r.n
    c.sumLat += r.sumLat
    c.sumLng += r.sumLng
    c.byStatus[r.status] = (c.byStatus[r.status] ?? 0) + r.n
  }
  const clusters = [...cells.values()]
    .sort((a, b) => b.n - a.n)
    .map((c) => ({ lat: c.sumLat / c.n, lng: c.sumLng / c.n, count: c.n, byStatus: c.byStatus }))
  return { clusters: clusters.slice(0, PIN_CAP), truncated: clusters.length > PIN_CAP }
}
