// Validation of an administrator-loaded standards document (JSON array of Standard): the same shape as the bundled
// data in standards.ts, strict, with non-overlapping periods and unique indicator ids, so a bad upload is refused whole.
import { z } from 'zod'
import { DEVICES, EDUCATIONS, EMPLOYMENTS, TOILETS, WASTE_HANDLING, WATER_SOURCES } from '../household/types.ts'
import { HOUSING_STRUCTURES, type Standard } from './standard-types.ts'

const text = z.strictObject({ vi: z.string().min(1), en: z.string().min(1) })
const mark = { provisional: z.literal(true).optional(), note: z.string().optional() }
const byArea = z.strictObject({ rural: z.number().positive(), urban: z.number().positive(), ...mark })
const age = z.number().int().min(0).max(150)
const band = z.strictObject({ minAge: age, maxAge: age })
const base = { id: z.string().regex(/^I\d{2}$/), dimension: text, name: text, ...mark }

const indicator = z.discriminatedUnion('kind', [
  z.strictObject({
    ...base,
    kind: z.literal('employment'),
    ages: band,
    requiresAbleToWork: z.boolean(),
    deprivedEmployment: z.array(z.enum(EMPLOYMENTS)),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('dependants'),
    childMaxAge: age,
    elderlyMinAge: age,
    elderlyRequiresAllowance: z.boolean(),
    disabledRequiresAllowance: z.boolean(),
    maxShare: z.number().min(0).max(1),
  }),
  z.strictObject({ ...base, kind: z.literal('nutrition'), childMaxAge: age }),
  z.strictObject({ ...base, kind: z.literal('health_insurance'), minAge: age }),
  z.strictObject({
    ...base,
    kind: z.literal('adult_education'),
    exemptWhenStudying: z.boolean(),
    bands: z.array(z.strictObject({ minAge: age, maxAge: age, accepted: z.array(z.enum(EDUCATIONS)), required: text })),
  }),
  z.strictObject({ ...base, kind: z.literal('child_schooling'), ages: band }),
  z.strictObject({
    ...base,
    kind: z.literal('housing_quality'),
    structures: z.array(z.enum(HOUSING_STRUCTURES)),
    minNonDurable: z.number().int().min(1),
  }),
  z.strictObject({ ...base, kind: z.literal('floor_area'), minPerMemberM2: z.number().positive() }),
  z.strictObject({ ...base, kind: z.literal('water'), clean: z.array(z.enum(WATER_SOURCES)) }),
  z.strictObject({ ...base, kind: z.literal('toilet'), hygienic: z.array(z.enum(TOILETS)) }),
  z.strictObject({ ...base, kind: z.literal('internet') }),
  z.strictObject({ ...base, kind: z.literal('information_devices'), devices: z.array(z.enum(DEVICES)) }),
  z.strictObject({ ...base, kind: z.literal('waste'), deprived: z.array(z.enum(WASTE_HANDLING)) }),
])

const standard = z.strictObject({
  id: z.string().min(1),
  name: text,
  title: text,
  legalBasis: z.string(),
  periods: z.strictObject({ from: z.number().int(), to: z.number().int() }),
  incomeLine: byArea,
  averageUpper: byArea,
  b1Cutoff: byArea,
  poorMinDeprivations: z.number().int().min(1),
  referenceMonthDay: z.strictObject({ month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(28) }),
  indicators: z.array(indicator).min(1),
})

export type StandardsResult =
  { ok: true; standards: Standard[] } | { ok: false; errors: { path: string; message: string; code: string }[] }

const pathOf = (path: readonly PropertyKey[]) =>
  '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')

export function loadStandards(json: unknown): StandardsResult {
  const parsed = z.array(standard).min(1).safeParse(json)
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message, code: 'standards/invalid' })),
    }
  }
  const errors: { path: string; message: string; code: string }[] = []
  const list = parsed.data
  list.forEach((s, i) => {
    if (s.periods.from > s.periods.to)
      errors.push({ path: `$[${i}].periods`, message: 'from is after to', code: 'standards/invalid-periods' })
    if (s.averageUpper.rural < s.incomeLine.rural || s.averageUpper.urban < s.incomeLine.urban) {
      errors.push({
        path: `$[${i}].averageUpper`,
        message: 'average band upper bound is below the income line',
        code: 'standards/invalid-band',
      })
    }
    const ids = new Set<string>()
    s.indicators.forEach((ind, j) => {
      if (ids.has(ind.id))
        errors.push({
          path: `$[${i}].indicators[${j}].id`,
          message: `duplicate indicator ${ind.id}`,
          code: 'standards/duplicate-indicator',
        })
      ids.add(ind.id)
    })
    list.forEach((o, k) => {
      if (k < i && (o.id === s.id || (s.periods.from <= o.periods.to && o.periods.from <= s.periods.to))) {
        errors.push({ path: `$[${i}]`, message: `overlaps or duplicates standard ${o.id}`, code: 'standards/overlap' })
      }
    })
  })
  return errors.length > 0 ? { ok: false, errors } : { ok: true, standards: list as Standard[] }
}
