// validateHousehold(): parse unknown JSON into a Household, or list every problem with its JSON path and a stable code.
// Personal-ID findings and other doubtful-but-possible data come back as warnings, never as silent fixes.
import type { z } from 'zod'
import { parseDate, compareDates } from '../rules/age.ts'
import { standardForPeriod } from '../rules/standards.ts'
import { HUE_UNITS, type UnitCatalogue } from '../units/units.ts'
import { personalIdCheck } from './personal-id.ts'
import { householdSchema } from './schema.ts'
import type { Household } from './types.ts'

export interface HouseholdProblem {
  /** JSON path, e.g. `$.members[1].birthDate`. */
  path: string
  message: string
  /** Stable code, e.g. `household/unknown-key`, `personal-id/year-mismatch`. */
  code: string
}

export type ValidationResult =
  { ok: true; household: Household; warnings: HouseholdProblem[] } | { ok: false; errors: HouseholdProblem[] }

export interface ValidateOptions {
  units?: UnitCatalogue
}

export function formatPath(path: readonly PropertyKey[], root = '$'): string {
  return root + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')
}

/** The raw value at a zod issue path (zod does not report inputs by default). */
function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = json
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined
    v = (v as Record<PropertyKey, unknown>)[key]
  }
  return v
}

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)

function problemsOf(issue: z.core.$ZodIssue, json: unknown): HouseholdProblem[] {
  const path = formatPath(issue.path)
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: `unknown key "${key}"`,
        code: 'household/unknown-key',
      }))
    case 'invalid_type': {
      const input = valueAt(json, issue.path)
      return [
        input === undefined
          ? { path, message: 'required field is missing', code: 'household/missing' }
          : { path, message: `expected ${issue.expected}, got ${typeName(input)}`, code: 'household/invalid-type' },
      ]
    }
    case 'invalid_value':
      return [
        {
          path,
          message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
          code: 'household/invalid-value',
        },
      ]
    case 'too_small':
      return [{ path, message: issue.message, code: 'household/too-small' }]
    case 'too_big':
      return [{ path, message: issue.message, code: 'household/too-big' }]
    case 'invalid_format':
      return [{ path, message: issue.message, code: 'household/invalid-format' }]
    case 'custom': {
      const code = typeof issue.params?.['code'] === 'string' ? (issue.params['code'] as string) : 'household/invalid'
      return [{ path, message: issue.message, code }]
    }
    default:
      return [{ path, message: issue.message, code: 'household/invalid' }]
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/** Checks across fields that zod's shape cannot express; run on the raw input so they are listed with shape errors. */
function crossFieldErrors(json: unknown, units: UnitCatalogue): HouseholdProblem[] {
  if (!isRecord(json)) return []
  const errors: HouseholdProblem[] = []
  if (
    typeof json['unit'] === 'string' &&
    json['unit'] !== '' &&
    json['areaType'] === undefined &&
    units.findUnit(json['unit']) === undefined
  ) {
    errors.push({
      path: '$.unit',
      message: `unknown unit code "${json['unit']}": give areaType or a listed unit`,
      code: 'household/unknown-unit',
    })
  }
  const members = json['members']
  if (Array.isArray(members)) {
    const seen = new Set<unknown>()
    members.forEach((m, i) => {
      if (!isRecord(m) || typeof m['id'] !== 'string') return
      if (seen.has(m['id']))
        errors.push({
          path: `$.members[${i}].id`,
          message: `duplicate member id "${m['id']}"`,
          code: 'household/duplicate-member-id',
        })
      seen.add(m['id'])
    })
  }
  return errors
}

function warningsOf(h: Household): HouseholdProblem[] {
  const warnings: HouseholdProblem[] = []
  if (standardForPeriod(h.period) === undefined) {
    warnings.push({
      path: '$.period',
      message: `no bundled poverty standard covers period ${h.period}`,
      code: 'household/period-without-standard',
    })
  }
  const heads = h.members.filter((m) => m.relation === 'head').length
  if (heads !== 1)
    warnings.push({
      path: '$.members',
      message: `expected exactly one head of household, found ${heads}`,
      code: 'household/head-count',
    })
  const ref = parseDate(h.referenceDate ?? `${h.period}-09-01`)
  const seenIds = new Map<string, number>()
  h.members.forEach((m, i) => {
    const birth = parseDate(m.birthDate)
    if (ref && birth && compareDates(birth, ref) > 0) {
      warnings.push({
        path: `$.members[${i}].birthDate`,
        message: 'born after the reference date',
        code: 'household/born-after-reference-date',
      })
    }
    for (const w of personalIdCheck(m))
      warnings.push({ path: `$.members[${i}].${w.field}`, message: w.message, code: w.code })
    if (m.personalId !== null) {
      const first = seenIds.get(m.personalId)
      if (first !== undefined) {
        warnings.push({
          path: `$.members[${i}].personalId`,
          message: `same personal ID as $.members[${first}]`,
          code: 'personal-id/duplicate',
        })
      } else seenIds.set(m.personalId, i)
    }
  })
  return warnings
}

export function validateHousehold(json: unknown, options: ValidateOptions = {}): ValidationResult {
  const units = options.units ?? HUE_UNITS
  const parsed = householdSchema.safeParse(json)
  const errors = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap((issue) => problemsOf(issue, json))),
    ...crossFieldErrors(json, units),
  ]
  if (!parsed.success || errors.length > 0) return { ok: false, errors }
  // The schema accepts exactly the shapes of types.ts (zod infers optional keys as `T | undefined`), so cast.
  const household = parsed.data as Household
  return { ok: true, household, warnings: warningsOf(household) }
}
export { personalIdCheck, type PersonalIdWarning } from './personal-id.ts'
