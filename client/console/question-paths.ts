// The questions a returned record's comments can point at: the household-level answers of layout v1 (pathOf naming,
// as the phone's field components look them up) plus any other field the household's history shows answered.

import { ATTRIBUTE_KEYS, DWELLING_KEYS, FIELD_KEYS, INCOME_KEYS, LOCATION_KEYS, Root } from '../../shared/doc/keys.ts'
import { pathOf } from '../../shared/doc/paths.ts'

const FIXED = new Set(['id', 'period', 'unit', 'village', 'areaType', 'referenceDate'])

export function questionPaths(answered: readonly string[] = []): string[] {
  const paths = [
    ...Object.keys(FIELD_KEYS)
      .filter((k) => !FIXED.has(k))
      .map((k) => pathOf(Root.FIELDS, k)),
    ...Object.keys(INCOME_KEYS).map((k) => pathOf(Root.INCOME, k)),
    ...Object.keys(DWELLING_KEYS).map((k) => pathOf(Root.DWELLING, k)),
    ...Object.keys(ATTRIBUTE_KEYS).map((k) => pathOf(Root.ATTRIBUTES, k)),
    ...Object.keys(LOCATION_KEYS).map((k) => pathOf(Root.LOCATION, k)),
  ]
  const known = new Set(paths)
  // Member answers and other entity fields come from the history (their ids are per household).
  const extra = answered.filter(
    (p) =>
      !known.has(p) &&
      !p.startsWith(`${Root.WORKFLOW}.`) &&
      p !== pathOf(Root.HISTORY, '') &&
      !p.startsWith(`${Root.REVIEW}.`),
  )
  return [...paths, ...[...new Set(extra)].sort()]
}
