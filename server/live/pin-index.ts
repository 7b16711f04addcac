// The map's clusters: one supercluster index per (period, unit), built lazily from the summary table and kept current
// by commits (a changed pin marks its unit's index stale; the next query rebuilds only that unit, ~20,000 points).
import Supercluster from 'supercluster'
import { CATEGORIES, STATUSES, type Category, type Status } from '../../shared/household/types.ts'
import type { ConsoleStore, PinRow } from '../store/console-store.ts'

export interface BBox {
  minLng: number
  minLat: number
  maxLng: number
  maxLat: number
}

export interface PinFilters {
  villages?: readonly string[] | undefined
  statuses?: readonly Status[] | undefined
  categories?: readonly Category[] | undefined
}

export interface Cluster {
  id: string
  lat: number
  lng: number
  count: number
  byStatus: Partial<Record<Status, number>>
  byCategory: Partial<Record<Category, number>>
}

export type Pin = Omit<PinRow, 'period'>

export interface PinAnswer {
  clusters: Cluster[]
  pins: Pin[]
  truncated: boolean
}

/** Markers (clusters + pins) at most in one answer. */
export const MARKER_CAP = 5000
/**
 * From this zoom on, every household is its own pin (supercluster's maxZoom is one below). At street zoom 17 a
 * 60-px radius is ~70 m: a dense hamlet still shows clusters rather than thousands of overlapping pins.
 */
export const PINS_FROM_ZOOM = 19
/** Filtered indexes kept per unit (least recently used dropped first). */
const FILTERED_PER_UNIT = 8

interface Props {
  i: number
}
/** Counts by status (first STATUSES.length slots) then by category. */
interface Counts {
  n: number[]
}
type Index = Supercluster<Props, Counts>
interface Built {
  version: number
  index: Index
  rows: PinRow[]
}

interface UnitPins {
  pins: Map<string, PinRow>
  box: BBox | null
  version: number
  full: Built | null
  filtered: Map<string, Built>
}

const statusSlot = new Map<string, number>(STATUSES.map((s, i) => [s, i]))
const categorySlot = new Map<string, number>(CATEGORIES.map((c, i) => [c, STATUSES.length + i]))
const SLOTS = STATUSES.length + CATEGORIES.length

/** One read-only count vector per (status, category): map() runs per point and zoom level, so it must not allocate much. */
const ONE_HOT = new Map<string, readonly number[]>()
for (const st of STATUSES) {
  for (const c of CATEGORIES) {
    const n = new Array<number>(SLOTS).fill(0)
    n[statusSlot.get(st) as number] = 1
    n[categorySlot.get(c) as number] = 1
    ONE_HOT.set(`${st}|${c}`, n)
  }
}
const NOTHING: readonly number[] = new Array<number>(SLOTS).fill(0)

function build(rows: PinRow[], version: number): Built {
  const index: Index = new Supercluster<Props, Counts>({
    radius: 60,
    maxZoom: PINS_FROM_ZOOM - 1,
    // A fresh wrapper around a shared vector: supercluster keeps the first point's map() result as the cluster's
    // accumulator, and reduce() replaces `n` (never writes into it), so the shared vectors stay untouched.
    map: (p) => {
      const row = rows[p.i] as PinRow
      return { n: (ONE_HOT.get(`${row.status}|${row.category}`) ?? NOTHING) as number[] }
    },
    reduce: (acc, p) => {
      acc.n = acc.n.map((x, k) => x + (p.n[k] ?? 0))
    },
  })
  index.load(
    rows.map((r, i) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [r.lng, r.lat] },
      properties: { i },
    })),
  )
  return { version, index, rows }
}

export function matchesFilters(p: Pick<PinRow, 'village' | 'status' | 'category'>, f: PinFilters): boolean {
  return (
    (!f.villages || f.villages.includes(p.village)) &&
    (!f.statuses || f.statuses.includes(p.status)) &&
    (!f.categories || f.categories.includes(p.category))
  )
}

function filterKey(f: PinFilters): string {
  const part = (xs: readonly string[] | undefined) => (xs ? [...xs].sort().join(',') : '*')
  return `${part(f.villages)}|${part(f.statuses)}|${part(f.categories)}`
}

function grow(box: BBox | null, p: PinRow): BBox {
  if (!box) return { minLng: p.lng, minLat: p.lat, maxLng: p.lng, maxLat: p.lat }
  return {
    minLng: Math.min(box.minLng, p.lng),
    maxLng: Math.max(box.maxLng, p.lng),
    minLat: Math.min(box.minLat, p.lat),
    maxLat: Math.max(box.maxLat, p.lat),
  }
}
const overlaps = (a: BBox, b: BBox) =>
  a.minLng <= b.maxLng && b.minLng <= a.maxLng && a.minLat <= b.maxLat && b.minLat <= a.maxLat

export const publicPin = ({ period: _period, ...p }: PinRow): Pin => p

export interface PinIndex {
  query(period: string, units: readonly string[], box: BBox, zoom: number, filters: PinFilters): PinAnswer
  /**
   * A committed summary of a household. Returns its previous pin when the unit is loaded (null: it had none), or
   * undefined when the unit is not in memory (it is read fresh from the table when first asked for).
   */
  update(householdId: string, period: string, unit: string, pin: PinRow | null): PinRow | null | undefined
  /**
   * Loads and indexes the units one at a time, yielding to the event loop between them, so a first city view (40
   * units, 300,000 households, seconds of work) never holds up the relay's ACKs for more than one unit's build. With
   * `box`, only units whose pins reach into it are indexed (query() skips the others anyway).
   */
  prepare(period: string, units: readonly string[], filters: PinFilters, box?: BBox): Promise<void>
  /** (period, unit) indexes held in memory. */
  loadedUnits(): number
}

export function createPinIndex(store: ConsoleStore): PinIndex {
  const units = new Map<string, UnitPins>()
  const keyOf = (period: string, unit: string) => `${period}\u0000${unit}`

  function unitPins(period: string, unit: string): UnitPins {
    const key = keyOf(period, unit)
    let u = units.get(key)
    if (!u) {
      const pins = new Map<string, PinRow>()
      let box: BBox | null = null
      for (const p of store.pinsOfUnit(period, unit)) {
        pins.set(p.id, p)
        box = grow(box, p)
      }
      u = { pins, box, version: 0, full: null, filtered: new Map() }
      // Only units with pins stay in memory: a period or unit code that does not exist must not grow the cache.
      if (pins.size > 0) units.set(key, u)
    }
    return u
  }

  function indexOf(u: UnitPins, f: PinFilters): Built {
    const key = filterKey(f)
    if (key === '*|*|*') {
      if (!u.full || u.full.version !== u.version) u.full = build([...u.pins.values()], u.version)
      return u.full
    }
    let hit = u.filtered.get(key)
    if (hit) u.filtered.delete(key) // re-inserted below: the Map's order is the recency order
    if (!hit || hit.version !== u.version)
      hit = build(
        [...u.pins.values()].filter((p) => matchesFilters(p, f)),
        u.version,
      )
    u.filtered.set(key, hit)
    if (u.filtered.size > FILTERED_PER_UNIT) u.filtered.delete(u.filtered.keys().next().value as string)
    return hit
  }

  return {
    query(period, unitList, box, zoom, filters) {
      const clusters: Cluster[] = []
      const pins: Pin[] = []
      let truncated = false
      for (const unit of unitList) {
        const u = unitPins(period, unit)
        if (!u.box || !overlaps(u.box, box)) continue
        const { index, rows } = indexOf(u, filters)
        for (const f of index.getClusters([box.minLng, box.minLat, box.maxLng, box.maxLat], zoom)) {
          if (clusters.length + pins.length >= MARKER_CAP) {
            truncated = true
            break
          }
          const [lng, lat] = f.geometry.coordinates as [number, number]
          const props = f.properties as Partial<
            Props & Counts & { cluster: boolean; cluster_id: number; point_count: number }
          >
          if (props.cluster && props.n) {
            const n = props.n
            const byStatus: Cluster['byStatus'] = {}
            const byCategory: Cluster['byCategory'] = {}
            STATUSES.forEach((s, k) => {
              if ((n[k] ?? 0) > 0) byStatus[s] = n[k]
            })
            CATEGORIES.forEach((c, k) => {
              if ((n[STATUSES.length + k] ?? 0) > 0) byCategory[c] = n[STATUSES.length + k]
            })
            clusters.push({
              id: `${unit}:${props.cluster_id}`,
              lat,
              lng,
              count: props.point_count ?? 0,
              byStatus,
              byCategory,
            })
          } else {
            pins.push(publicPin(rows[props.i as number] as PinRow))
          }
        }
      }
      clusters.sort((a, b) => b.count - a.count)
      pins.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      return { clusters, pins, truncated }
    },
    update(householdId, period, unit, pin) {
      const u = units.get(keyOf(period, unit))
      if (!u) return undefined
      const old = u.pins.get(householdId) ?? null
      if (pin) {
        u.pins.set(householdId, pin)
        u.box = grow(u.box, pin) // a box that only grows: a stale corner costs one index lookup, never a missing pin
      } else u.pins.delete(householdId)
      u.version++
      return old
    },
    async prepare(period, unitList, filters, box) {
      for (const unit of unitList) {
        if (box) {
          const loaded = unitPins(period, unit)
          if (!loaded.box || !overlaps(loaded.box, box)) continue // query() skips it too: no index to build
        }
        const u = units.get(keyOf(period, unit))
        if (
          u &&
          u.full?.version === u.version &&
          (filterKey(filters) === '*|*|*' || u.filtered.get(filterKey(filters))?.version === u.version)
        )
          continue
        indexOf(unitPins(period, unit), filters)
        await new Promise<void>((ok) => setImmediate(ok))
      }
    },
    loadedUnits: () => units.size,
  }
}
