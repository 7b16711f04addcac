// Test support: the figures of report-fixture.ts's 2025 report, worked out by hand from how the records were built
// (column key → value; a column not named is 0). Only tests import this.

export type Expected = Record<string, Record<string, number>>

/** Village A: a1 old, a2 new, a3 again (poor); a4 old, a5 from poor (near-poor); a6 average; a7–a9 not poor; a10 not
 * classified (was poor); ag1 (poor) and ag2 (near-poor) of 2024 have no 2025 record. */
export const VILLAGE_A: Expected = {
  totals: {
    total: 10,
    poor: 3,
    poorRate: 30,
    nearPoor: 2,
    nearPoorRate: 20,
    poorMembers: 3,
    nearPoorMembers: 2,
    bothRate: 50,
    average: 1,
    averageRate: 10,
    notPoor: 3,
    incomplete: 1,
  },
  'poor-movement': { beginning: 5, escaped: 1, to_near_poor: 1, gone: 1, new: 1, again: 1, pending: 1, end: 3 },
  'near-poor-movement': { beginning: 3, escaped: 1, gone: 1, from_poor: 1, end: 2 },
  'poor-deprivations': { households: 3, I04: 2, I07: 1, I08: 2, I09: 2, I10: 1, I11: 1, I12: 1 },
  'near-poor-deprivations': { households: 2, I04: 1 },
  groups: {
    'poor.ethnicMinority': 1,
    'poor.meritorious': 1,
    'poor.noWorkingCapacity': 1,
    'near_poor.socialProtection': 1,
  },
  causes: { 'poor.lack_capital': 2, 'poor.illness': 2, 'near_poor.lack_land': 1 },
  progress: { total: 10, listed: 7, submitted: 1, in_progress: 1, verified: 1 },
}

/** Village B: b1 newly poor (was near-poor), b2 near-poor again (near-poor in 2023), b3 not poor. */
export const VILLAGE_B: Expected = {
  totals: {
    total: 3,
    poor: 1,
    poorRate: 33.33,
    nearPoor: 1,
    nearPoorRate: 33.33,
    poorMembers: 1,
    nearPoorMembers: 1,
    bothRate: 66.67,
    notPoor: 1,
  },
  'poor-movement': { new: 1, end: 1 },
  'near-poor-movement': { beginning: 1, to_poor: 1, again: 1, end: 1 },
  'poor-deprivations': { households: 1, I04: 1, I07: 1, I11: 1 },
  'near-poor-deprivations': { households: 1, I09: 1, I10: 1 },
  groups: { 'poor.ethnicMinority': 1 },
  causes: { 'poor.no_job': 1 },
  progress: { total: 3, listed: 3 },
}

/** Village C (Hóa Châu): c1 poor before and now, c2 not poor. */
export const VILLAGE_C: Expected = {
  totals: { total: 2, poor: 1, poorRate: 50, poorMembers: 1, bothRate: 50, notPoor: 1 },
  'poor-movement': { beginning: 1, end: 1 },
  'near-poor-movement': {},
  'poor-deprivations': { households: 1, I04: 1, I08: 1, I12: 1 },
  'near-poor-deprivations': {},
  groups: {},
  causes: {},
  progress: { total: 2, listed: 2 },
}

const RATES: Record<string, [string, string[]]> = {
  poorRate: ['total', ['poor']],
  nearPoorRate: ['total', ['nearPoor']],
  bothRate: ['total', ['poor', 'nearPoor']],
  averageRate: ['total', ['average']],
}

/** The figures of several areas together: counts add up, rates are recomputed from the summed counts. */
export function sum(...areas: Expected[]): Expected {
  const out: Expected = {}
  for (const a of areas)
    for (const [table, cols] of Object.entries(a)) {
      const t = (out[table] ??= {})
      for (const [k, v] of Object.entries(cols)) if (!(k in RATES)) t[k] = (t[k] ?? 0) + v
    }
  const totals = out.totals
  if (totals)
    for (const [k, [of, parts]] of Object.entries(RATES)) {
      const n = parts.reduce((s, p) => s + (totals[p] ?? 0), 0)
      const total = totals[of] ?? 0
      totals[k] = total === 0 ? 0 : Math.round((n * 10_000) / total) / 100
    }
  return out
}
