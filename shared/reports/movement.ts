// How a household moved between review periods, seen from the poor list and from the near-poor list: the labels of the
// official movement reports and of the posting lists (Nghèo cũ / Nghèo mới / Tái nghèo / Thoát nghèo, the same for
// near-poor). One function, so reports and printed lists can never disagree.

import type { Category } from '../household/types.ts'

/** The household's place on the poor list this period, against the previous period and those before it. */
export type PoorMove = 'old' | 'new' | 'again' | 'escaped' | 'to_near_poor' | 'gone'
/** The same for the near-poor list. */
export type NearPoorMove = 'old' | 'new' | 'again' | 'from_poor' | 'escaped' | 'to_poor' | 'gone'

export interface Movement {
  poor: PoorMove | null
  nearPoor: NearPoorMove | null
}

/**
 * `current`: this period's committed category, or `'gone'` when the household left the list (moved away or died) —
 * it has no record this period, or its record says so. `earlier`: the household's categories in the periods before,
 * most recent first (`earlier[0]` is the previous period); a period with no record is left out.
 * An `incomplete` current record has no movement yet (both null): it is counted once it is classified.
 */
export function movement(current: Category | 'gone', earlier: readonly Category[]): Movement {
  const previous = earlier[0]
  const wasPoor = previous === 'poor'
  const wasNearPoor = previous === 'near_poor'
  const poorBefore = earlier.slice(1).includes('poor')
  const nearPoorBefore = earlier.slice(1).includes('near_poor')
  if (current === 'incomplete') return { poor: null, nearPoor: null }
  if (current === 'gone') return { poor: wasPoor ? 'gone' : null, nearPoor: wasNearPoor ? 'gone' : null }
  if (current === 'poor') {
    return {
      poor: wasPoor ? 'old' : poorBefore ? 'again' : 'new',
      nearPoor: wasNearPoor ? 'to_poor' : null,
    }
  }
  if (current === 'near_poor') {
    return {
      poor: wasPoor ? 'to_near_poor' : null,
      nearPoor: wasNearPoor ? 'old' : wasPoor ? 'from_poor' : nearPoorBefore ? 'again' : 'new',
    }
  }
  // average or not poor
  return { poor: wasPoor ? 'escaped' : null, nearPoor: wasNearPoor ? 'escaped' : null }
}

/** Vietnamese and English labels of the moves, as the official lists and reports print them. */
export const POOR_MOVE_LABELS: Record<PoorMove, { vi: string; en: string }> = {
  old: { vi: 'Nghèo cũ', en: 'Poor before' },
  new: { vi: 'Nghèo mới', en: 'Newly poor' },
  again: { vi: 'Tái nghèo', en: 'Poor again' },
  escaped: { vi: 'Thoát nghèo', en: 'Escaped poverty' },
  to_near_poor: { vi: 'Chuyển sang cận nghèo', en: 'Now near-poor' },
  gone: { vi: 'Chuyển đi, chết', en: 'Moved away or died' },
}

export const NEAR_POOR_MOVE_LABELS: Record<NearPoorMove, { vi: string; en: string }> = {
  old: { vi: 'Cận nghèo cũ', en: 'Near-poor before' },
  new: { vi: 'Cận nghèo mới', en: 'Newly near-poor' },
  again: { vi: 'Tái cận nghèo', en: 'Near-poor again' },
  from_poor: { vi: 'Từ hộ nghèo chuyển sang', en: 'From poor' },
  escaped: { vi: 'Thoát cận nghèo', en: 'Escaped near-poverty' },
  to_poor: { vi: 'Chuyển sang hộ nghèo', en: 'Now poor' },
  gone: { vi: 'Chuyển đi, chết', en: 'Moved away or died' },
}
