// Folds the grouped rows of report-store into figures per area (a village of a commune, or a commune of the city):
// counts by category, the movement of both lists through shared/reports/movement.ts, deprivations, groups, causes.

import type { Category } from '../../shared/household/types.ts'
import { movement, type NearPoorMove, type PoorMove } from '../../shared/reports/movement.ts'
import { INDICATOR_BITS, type AreaCount, type CategoryGroup, type CountRow } from './report-store.ts'

export type ListKey = 'poor' | 'near_poor'

export interface GroupCounts {
  ethnicMinority: number
  meritorious: number
  noWorkingCapacity: number
  socialProtection: number
}

export interface Figures {
  total: number
  byCategory: Record<Category, number>
  /** Previous-period poor / near-poor whose record this period is not classified yet (so the balance holds). */
  poorMove: Record<PoorMove | 'pending', number>
  nearPoorMove: Record<NearPoorMove | 'pending', number>
  /** Members of the poor / near-poor households. */
  members: Record<ListKey, number>
  deprivations: Record<ListKey, number[]>
  groups: Record<ListKey, GroupCounts>
  causes: Record<ListKey, Record<string, number>>
  status: Record<string, number>
}

export function emptyFigures(): Figures {
  const groups = (): GroupCounts => ({ ethnicMinority: 0, meritorious: 0, noWorkingCapacity: 0, socialProtection: 0 })
  return {
    total: 0,
    byCategory: { poor: 0, near_poor: 0, average: 0, not_poor: 0, incomplete: 0 },
    poorMove: { old: 0, new: 0, again: 0, escaped: 0, to_near_poor: 0, gone: 0, pending: 0 },
    nearPoorMove: { old: 0, new: 0, again: 0, from_poor: 0, escaped: 0, to_poor: 0, gone: 0, pending: 0 },
    members: { poor: 0, near_poor: 0 },
    deprivations: {
      poor: new Array<number>(INDICATOR_BITS).fill(0),
      near_poor: new Array<number>(INDICATOR_BITS).fill(0),
    },
    groups: { poor: groups(), near_poor: groups() },
    causes: { poor: {}, near_poor: {} },
    status: {},
  }
}

const isCategory = (c: string | null): c is Category =>
  c === 'poor' || c === 'near_poor' || c === 'average' || c === 'not_poor' || c === 'incomplete'

function addCount(f: Figures, c: CountRow): void {
  f.total += c.n
  f.byCategory[isCategory(c.category) ? c.category : 'incomplete'] += c.n
  f.status[c.status] = (f.status[c.status] ?? 0) + c.n
}

/** A group's movement on both lists (movement()), and for poor / near-poor records their facts. */
function addGroup(f: Figures, g: CategoryGroup): void {
  const category: Category = isCategory(g.category) ? g.category : 'incomplete'
  const earlier: Category[] = []
  if (isCategory(g.previous)) earlier.push(g.previous)
  if (g.poorBefore) earlier.push('poor')
  if (g.nearPoorBefore) earlier.push('near_poor')
  const m = movement(category, earlier)
  if (m.poor) f.poorMove[m.poor] += g.n
  else if (category === 'incomplete' && g.previous === 'poor') f.poorMove.pending += g.n
  if (m.nearPoor) f.nearPoorMove[m.nearPoor] += g.n
  else if (category === 'incomplete' && g.previous === 'near_poor') f.nearPoorMove.pending += g.n
  if (category === 'poor' || category === 'near_poor') {
    f.members[category] += g.members
    const d = f.deprivations[category]
    g.d.forEach((x, k) => (d[k] = (d[k] ?? 0) + x))
    const gr = f.groups[category]
    gr.ethnicMinority += g.ethnicMinority
    gr.meritorious += g.meritorious
    gr.noWorkingCapacity += g.noWorkingCapacity
    gr.socialProtection += g.socialProtection
  }
}

function addCauses(f: Figures, c: AreaCount): void {
  const [category, list] = c.key.split('|') as [string, string]
  if (category !== 'poor' && category !== 'near_poor') return
  const into = f.causes[category]
  for (const cause of list.split(',')) if (cause) into[cause] = (into[cause] ?? 0) + c.n
}

function addGone(f: Figures, c: AreaCount): void {
  const m = movement('gone', [c.key as Category])
  if (m.poor) f.poorMove[m.poor] += c.n
  if (m.nearPoor) f.nearPoorMove[m.nearPoor] += c.n
}

export interface AreaRows {
  counts: CountRow[]
  /** Poor / near-poor records now, and records that left both lists (report-store listGroups, leftGroups). */
  groups: CategoryGroup[]
  causes: AreaCount[]
  gone: AreaCount[]
}

/** Figures per area (`areaOf` picks the unit or the village of a row) and for all rows together. */
export function foldFigures(
  rows: AreaRows,
  areaOf: (r: { unit: string; village: string }) => string,
): { areas: Map<string, Figures>; total: Figures } {
  const areas = new Map<string, Figures>()
  const total = emptyFigures()
  const at = (r: { unit: string; village: string }): Figures => {
    const key = areaOf(r)
    let f = areas.get(key)
    if (!f) areas.set(key, (f = emptyFigures()))
    return f
  }
  for (const c of rows.counts) for (const f of [at(c), total]) addCount(f, c)
  for (const g of rows.groups) for (const f of [at(g), total]) addGroup(f, g)
  for (const c of rows.causes) for (const f of [at(c), total]) addCauses(f, c)
  for (const c of rows.gone) for (const f of [at(c), total]) addGone(f, c)
  return { areas, total }
}

/** count / total × 100, 2 decimals; 0 for an empty area. */
export function rate(count: number, total: number): number {
  return total === 0 ? 0 : Math.round((count * 10_000) / total) / 100
}

/** Beginning and end of a list: the balance beginning − decreases + increases = end holds per area. */
export function poorBalance(f: Figures): { beginning: number; end: number } {
  const m = f.poorMove
  return {
    beginning: m.old + m.escaped + m.to_near_poor + m.gone + m.pending,
    end: m.old + m.new + m.again,
  }
}

export function nearPoorBalance(f: Figures): { beginning: number; end: number } {
  const m = f.nearPoorMove
  return {
    beginning: m.old + m.escaped + m.to_poor + m.gone + m.pending,
    end: m.old + m.new + m.again + m.from_poor,
  }
}
