// Marker colours of the console's map and legends: one per record status and one per category, readable on a plain
// background and on map tiles.

export const STATUS_COLOURS: Record<string, string> = {
  listed: '#9aa0a6',
  assigned: '#5f6b7a',
  in_progress: '#e8a317',
  submitted: '#1f77b4',
  returned: '#d62728',
  verified: '#2ca02c',
  agreed_at_meeting: '#17becf',
  re_review: '#ff7f0e',
  posted: '#9467bd',
  under_recheck: '#e377c2',
  approved: '#006d2c',
  certified: '#00441b',
}

export const CATEGORY_COLOURS: Record<string, string> = {
  poor: '#c0392b',
  near_poor: '#e67e22',
  average: '#f1c40f',
  not_poor: '#27ae60',
  incomplete: '#95a5a6',
}

export type ColourBy = 'status' | 'category'

export function colourOf(by: ColourBy, value: string): string {
  return (by === 'status' ? STATUS_COLOURS : CATEGORY_COLOURS)[value] ?? '#555'
}

/** The largest share of a cluster's counts, for its colour. */
export function dominant(counts: Record<string, number>): string {
  let best = ''
  let n = -1
  for (const [k, v] of Object.entries(counts)) if (v > n) [best, n] = [k, v]
  return best
}
