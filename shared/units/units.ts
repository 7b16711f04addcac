// Huế's commune-level units (phường = urban, xã = rural) as replaceable data, and the lookups the rule engine needs.
// The bundled list is the default catalogue; an administrator's replacement list goes through loadUnitCatalogue()
// (unit-list-schema.ts).
import type { AreaType } from '../household/types.ts'
import bundled from './hue-units.json' with { type: 'json' }

export const UNIT_KINDS = ['phường', 'xã'] as const
export type UnitKind = (typeof UNIT_KINDS)[number]

export interface Unit {
  code: string
  name: string
  kind: UnitKind
}

export interface UnitList {
  format: 'rasoat.units/1'
  province?: { code: string; name: string }
  validFrom?: string
  source: string
  note?: string
  units: Unit[]
}

/** An immutable set of units with lookups. Build one per loaded list; pass it where needed. */
export interface UnitCatalogue {
  readonly source: string
  readonly note: string | undefined
  findUnit(code: string): Unit | undefined
  areaTypeOfUnit(code: string): AreaType | undefined
  listUnits(): readonly Unit[]
}

export type UnitListResult =
  { ok: true; catalogue: UnitCatalogue } | { ok: false; errors: { path: string; message: string; code: string }[] }

export function areaTypeOfKind(kind: UnitKind): AreaType {
  return kind === 'phường' ? 'urban' : 'rural'
}

/** Full display name, e.g. "Phường Thuận Hóa", "Xã A Lưới 1". */
export function unitDisplayName(unit: Unit): string {
  return `${unit.kind === 'phường' ? 'Phường' : 'Xã'} ${unit.name}`
}

export function buildCatalogue(list: UnitList): UnitCatalogue {
  const units = Object.freeze(list.units.map((u) => Object.freeze({ ...u })))
  const byCode = new Map(units.map((u) => [u.code, u]))
  return Object.freeze({
    source: list.source,
    note: list.note,
    findUnit: (code: string) => byCode.get(code),
    areaTypeOfUnit: (code: string) => {
      const unit = byCode.get(code)
      return unit === undefined ? undefined : areaTypeOfKind(unit.kind)
    },
    listUnits: () => units,
  })
}

/** The catalogue shipped with the app (Huế, from 1 July 2025). Immutable. Checked by loadUnitCatalogue in
 *  units.test.ts rather than at load time, so the phone's bundle carries no schema library for it. */
export const HUE_UNITS: UnitCatalogue = buildCatalogue(bundled as UnitList)

export const findUnit = (code: string): Unit | undefined => HUE_UNITS.findUnit(code)
export const areaTypeOfUnit = (code: string): AreaType | undefined => HUE_UNITS.areaTypeOfUnit(code)
export const listUnits = (): readonly Unit[] => HUE_UNITS.listUnits()
