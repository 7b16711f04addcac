// Huế's commune-level units (phường = urban, xã = rural) as replaceable data, and the lookups the rule engine needs.
// The bundled list is the default catalogue; an administrator's replacement list goes through loadUnitCatalogue().
import { z } from 'zod'
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

const unitListSchema = z.strictObject({
  format: z.literal('rasoat.units/1'),
  province: z.strictObject({ code: z.string().min(1), name: z.string().min(1) }).optional(),
  validFrom: z.iso.date().optional(),
  source: z.string().min(1),
  note: z.string().optional(),
  units: z
    .array(
      z.strictObject({
        code: z.string().regex(/^\d{5}$/, 'unit code must be 5 digits'),
        name: z.string().min(1),
        kind: z.enum(UNIT_KINDS),
      }),
    )
    .min(1),
})

/** An immutable set of units with lookups. Build one per loaded list; pass it where needed. */
export interface UnitCatalogue {
  readonly source: string
  readonly note: string | undefined
  findUnit(code: string): Unit | undefined
  areaTypeOfUnit(code: string): AreaType | undefined
  listUnits(): readonly Unit[]
}

export type UnitListResult =
  | { ok: true; catalogue: UnitCatalogue }
  | { ok: false; errors: { path: string; message: string; code: string }[] }

export function areaTypeOfKind(kind: UnitKind): AreaType {
  return kind === 'phường' ? 'urban' : 'rural'
}

/** Full display name, e.g. "Phường Thuận Hóa", "Xã A Lưới 1". */
export function unitDisplayName(unit: Unit): string {
  return `${unit.kind === 'phường' ? 'Phường' : 'Xã'} ${unit.name}`
}

function buildCatalogue(list: UnitList): UnitCatalogue {
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

/** Validate a replacement list (e.g. uploaded by an admin): strict shape, unique codes. */
export function loadUnitCatalogue(json: unknown): UnitListResult {
  const parsed = unitListSchema.safeParse(json)
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => ({
        path: '$' + issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join(''),
        message: issue.message,
        code: 'units/invalid',
      })),
    }
  }
  const seen = new Set<string>()
  const errors: { path: string; message: string; code: string }[] = []
  parsed.data.units.forEach((u, i) => {
    if (seen.has(u.code)) errors.push({ path: `$.units[${i}].code`, message: `duplicate unit code ${u.code}`, code: 'units/duplicate-code' })
    seen.add(u.code)
  })
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, catalogue: buildCatalogue(parsed.data) }
}

const bundledResult = loadUnitCatalogue(bundled)
if (!bundledResult.ok) throw new Error(`bundled hue-units.json is invalid: ${JSON.stringify(bundledResult.errors)}`)

/** The catalogue shipped with the app (Huế, from 1 July 2025). Immutable. */
export const HUE_UNITS: UnitCatalogue = bundledResult.catalogue

export const findUnit = (code: string): Unit | undefined => HUE_UNITS.findUnit(code)
export const areaTypeOfUnit = (code: string): AreaType | undefined => HUE_UNITS.areaTypeOfUnit(code)
export const listUnits = (): readonly Unit[] => HUE_UNITS.listUnits()
