// The shape of GET /api/reports as the report screen reads it, and the query the screen sends for its pickers.

export interface LabelData {
  vi: string
  en: string
}

export interface ReportTableData {
  id: string
  title: LabelData
  columns: { key: string; label: LabelData; kind: 'count' | 'rate' }[]
  rows: { area: string | null; name: string; values: number[] }[]
  total: { area: null; name: string; values: number[] }
}

export interface ReportData {
  period: string
  standard: { id: string; name: LabelData }
  state: 'live' | 'frozen'
  lastCommitAt: number | null
  closedAt: number | null
  /** Report facts of older records are being recomputed (the figures are not final yet). */
  recomputing?: boolean
  area: { level: 'city' | 'commune' | 'village'; unit: string | null; village: string | null; label: string }
  tables: ReportTableData[]
}

/**
 * Query parameters of the report and its exports. A village is asked for with its commune: the console's chosen one,
 * or (a supervisor's) the commune the last commune report was about.
 */
export function reportQuery(p: {
  period: string | undefined
  unit: string | undefined
  village: string | undefined
  commune: string | null
}): Record<string, string | undefined> {
  const unit = p.unit ?? (p.village !== undefined ? (p.commune ?? undefined) : undefined)
  return { period: p.period, unit, village: unit === undefined ? undefined : p.village }
}
