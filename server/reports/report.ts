// One report of a period over an area (city → per commune, commune → per village, village → itself), built from the
// committed summary rows only: live while the period is open (as of its last commit), frozen once it is closed.

import { findStandard } from '../../shared/rules/standards.ts'
import { ApiError } from '../http/errors.ts'
import { emptyFigures, foldFigures, type AreaRows } from './report-figures.ts'
import type { ReportStore, Scope } from './report-store.ts'
import { buildTables, type Label, type ReportTable } from './report-tables.ts'

export interface ReportArea {
  level: 'city' | 'commune' | 'village'
  unit: string | null
  unitName: string | null
  village: string | null
  villageName: string | null
  /** How the area is named in headers, e.g. "Phường Thuận An" or "Thành phố Huế". */
  label: string
}

export interface Report {
  period: string
  standard: { id: string; name: Label }
  /** live: the period is open and commits may still change it; frozen: the period is closed. */
  state: 'live' | 'frozen'
  /** Time of the last commit to a record in the area (ms), null when none was committed yet. */
  lastCommitAt: number | null
  closedAt: number | null
  /** Report facts of records committed before they existed are being recomputed: the figures are not final yet. */
  recomputing: boolean
  area: ReportArea
  tables: ReportTable[]
}

export const CITY_NAME = 'Thành phố Huế'
const TOTAL_NAME = 'Tổng cộng'

export function buildReport(
  store: ReportStore,
  q: { period: string; unit: string | null; village: string | null },
): Report {
  const period = store.period(q.period)
  if (!period) throw new ApiError('period/not-found', `no period ${q.period}`, { period: q.period })
  const standard = findStandard(period.standard)
  if (!standard)
    throw new ApiError('report/unknown-standard', `unknown standard ${period.standard}`, { standard: period.standard })
  const unitName = q.unit === null ? null : (store.unitName(q.unit) ?? null)
  if (q.unit !== null && unitName === null) throw new ApiError('unit/not-found', `no unit ${q.unit}`, { unit: q.unit })
  const villages = q.unit === null ? new Map<string, string>() : store.villageNames(q.unit)
  if (q.village !== null && !villages.has(q.village))
    throw new ApiError('village/not-found', `no village ${q.village} in unit ${q.unit ?? ''}`, { village: q.village })
  const scope: Scope = q.unit === null ? { unit: null, village: null } : { unit: q.unit, village: q.village }

  const earlier = store.earlierPeriods(period.id)
  const rows: AreaRows = {
    counts: store.counts(period.id, scope),
    groups: [
      ...store.listGroups(period.id, earlier.length, scope),
      ...(earlier[0] === undefined ? [] : store.leftGroups(period.id, earlier[0], scope)),
    ],
    causes: store.causes(period.id, scope),
    gone: earlier[0] === undefined ? [] : store.gone(earlier[0], scope),
  }
  const city = q.unit === null
  const { areas, total } = foldFigures(rows, (r) => (city ? r.unit : r.village))
  // Every commune of the city / village of the commune gets a row, also before any of its households is recorded.
  const names = city ? store.unitNames() : villages
  const keys = q.village !== null ? [q.village] : [...new Set([...names.keys(), ...areas.keys()])]
  const ordered = keys
    .map((area) => ({ area, name: names.get(area) ?? area, figures: areas.get(area) ?? emptyFigures() }))
    .sort((a, b) => a.name.localeCompare(b.name, 'vi') || a.area.localeCompare(b.area))
  const villageName = q.village === null ? null : (villages.get(q.village) ?? null)
  const label = city ? CITY_NAME : villageName !== null ? `${villageName}, ${unitName ?? ''}` : (unitName ?? '')
  return {
    period: period.id,
    standard: { id: standard.id, name: standard.name },
    state: period.status === 'closed' ? 'frozen' : 'live',
    lastCommitAt: store.lastCommitAt(period.id, scope),
    closedAt: period.closedAt,
    recomputing: store.factsPending(),
    area: {
      level: city ? 'city' : q.village === null ? 'commune' : 'village',
      unit: q.unit,
      unitName,
      village: q.village,
      villageName,
      label,
    },
    tables: buildTables(standard, ordered, { name: TOTAL_NAME, figures: total }),
  }
}
