// Validation of a replacement unit list (e.g. uploaded by an administrator): strict shape, 5-digit codes, unique codes.
// Kept apart from units.ts so the phone's lookups do not pull the schema library into its bundle.
import { z } from 'zod'
import { buildCatalogue, UNIT_KINDS, type UnitListResult } from './units.ts'

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
    if (seen.has(u.code))
      errors.push({
        path: `$.units[${i}].code`,
        message: `duplicate unit code ${u.code}`,
        code: 'units/duplicate-code',
      })
    seen.add(u.code)
  })
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, catalogue: buildCatalogue(parsed.data) }
}
