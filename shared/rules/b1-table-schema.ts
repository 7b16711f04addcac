// Validation of an administrator's Phiếu B1 point table (JSON, format rasoat.b1-table/1): strict shape, unique ids,
// points on every option, ordered bands and cut-offs. All-or-nothing: any error refuses the whole file, each naming its path.
import { z } from 'zod'
import { AREA_TYPES } from '../household/types.ts'
import { B1_TABLE_FORMAT, type B1Table } from './b1-table.ts'

export type B1TableErrorCode =
  | 'b1-table/invalid'
  | 'b1-table/duplicate-item'
  | 'b1-table/duplicate-option'
  | 'b1-table/number-scoring'
  | 'b1-table/bands-out-of-order'
  | 'b1-table/cutoffs-out-of-order'

export interface B1TableError {
  path: string
  message: string
  code: B1TableErrorCode
}

export type B1TableResult = { ok: true; table: B1Table } | { ok: false; errors: B1TableError[] }

const ID = /^[A-Za-z0-9_-]{1,64}$/
const text = z.strictObject({ vi: z.string().trim().min(1).max(500), en: z.string().trim().min(1).max(500) })
const id = z.string().regex(ID, 'letters, digits, _ or -, at most 64')
const points = z.number().finite()

const option = z.strictObject({ id, label: text, points })
const band = z.strictObject({ atLeast: z.number().finite().min(0), below: z.number().finite().optional(), points })
const item = z.discriminatedUnion('kind', [
  z.strictObject({ id, label: text, kind: z.literal('choice'), options: z.array(option).min(2).max(50) }),
  z.strictObject({
    id,
    label: text,
    kind: z.literal('number'),
    unit: text.optional(),
    pointsPerUnit: points.optional(),
    maxUnits: z.number().finite().positive().optional(),
    bands: z.array(band).min(1).max(50).optional(),
  }),
])

const table = z.strictObject({
  format: z.literal(B1_TABLE_FORMAT),
  standard: z.string().trim().min(1).max(64),
  areaType: z.enum(AREA_TYPES),
  version: z.string().trim().min(1).max(200),
  name: text,
  items: z.array(item).min(1).max(200),
  cutoffs: z.strictObject({ poorAtOrBelow: z.number().finite(), nearPoorAtOrBelow: z.number().finite() }),
})

const pathOf = (path: readonly PropertyKey[]) =>
  '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')

/**
 * The table, or every error found. `knownStandards` (ids) refuses a table for a standard this system does not have.
 */
export function loadB1Table(json: unknown, knownStandards?: readonly string[]): B1TableResult {
  const parsed = table.safeParse(json)
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message, code: 'b1-table/invalid' })),
    }
  }
  const t = parsed.data
  const errors: B1TableError[] = []
  const err = (path: string, code: B1TableErrorCode, message: string) => errors.push({ path, code, message })
  if (knownStandards && !knownStandards.includes(t.standard))
    err('$.standard', 'b1-table/invalid', `unknown standard "${t.standard}"`)
  const itemIds = new Set<string>()
  t.items.forEach((it, i) => {
    if (itemIds.has(it.id)) err(`$.items[${i}].id`, 'b1-table/duplicate-item', `duplicate item id "${it.id}"`)
    itemIds.add(it.id)
    if (it.kind === 'choice') {
      const optionIds = new Set<string>()
      it.options.forEach((o, j) => {
        if (optionIds.has(o.id))
          err(`$.items[${i}].options[${j}].id`, 'b1-table/duplicate-option', `duplicate option id "${o.id}"`)
        optionIds.add(o.id)
      })
      return
    }
    if ((it.pointsPerUnit === undefined) === (it.bands === undefined))
      err(`$.items[${i}]`, 'b1-table/number-scoring', 'a number item needs exactly one of pointsPerUnit or bands')
    if (it.maxUnits !== undefined && it.pointsPerUnit === undefined)
      err(`$.items[${i}].maxUnits`, 'b1-table/number-scoring', 'maxUnits goes with pointsPerUnit')
    let floor = -Infinity
    it.bands?.forEach((b, j) => {
      const last = j === (it.bands?.length ?? 0) - 1
      if (b.atLeast < floor || (b.below !== undefined && b.below <= b.atLeast) || (b.below === undefined && !last))
        err(`$.items[${i}].bands[${j}]`, 'b1-table/bands-out-of-order', 'bands must rise without overlapping')
      floor = b.below ?? Infinity
    })
  })
  if (t.cutoffs.poorAtOrBelow > t.cutoffs.nearPoorAtOrBelow)
    err('$.cutoffs', 'b1-table/cutoffs-out-of-order', 'poorAtOrBelow must not be above nearPoorAtOrBelow')
  return errors.length > 0 ? { ok: false, errors } : { ok: true, table: t as B1Table }
}
