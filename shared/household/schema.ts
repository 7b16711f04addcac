// Runtime schema of `rasoat.household/1` (zod 4), accepting exactly the shapes of types.ts: strict objects (unknown keys
// are errors), real calendar dates, non-negative quantities. Cross-field checks live in validate.ts.
import { z } from 'zod'
import { parseDate } from '../rules/age.ts'
import {
  AREA_TYPES,
  DEVICES,
  EDUCATIONS,
  EMPLOYMENTS,
  HOUSEHOLD_FORMAT,
  RELATIONS,
  SEXES,
  STATUSES,
  TOILETS,
  WASTE_HANDLING,
  WATER_SOURCES,
} from './types.ts'

const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date YYYY-MM-DD' })
  .refine((s) => parseDate(s) !== undefined, {
    error: 'impossible calendar date',
    params: { code: 'household/invalid-date' },
    abort: true,
  })

const dateTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time, e.g. 2025-10-15T08:30:00Z' })
const nonNegative = z.number().min(0, { error: 'must not be negative' })

export const locationSchema = z.strictObject({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  accuracyM: nonNegative,
  capturedAt: dateTime,
})

/** Income evidence: perCapitaMonthly, b1Score, both (the per-capita figure decides) or none ({}). */
export const incomeSchema = z.strictObject({
  perCapitaMonthly: nonNegative.optional(),
  b1Score: nonNegative.optional(),
})

export const memberSchema = z.strictObject({
  id: z.string().min(1, { error: 'must not be empty' }).max(64),
  personalId: z.string().nullable(),
  fullName: z.string().trim().min(1, { error: 'must not be empty' }),
  sex: z.enum(SEXES),
  birthDate: calendarDate,
  relation: z.enum(RELATIONS),
  ethnicity: z.string(),
  ableToWork: z.boolean(),
  employment: z.enum(EMPLOYMENTS),
  disability: z.boolean(),
  monthlySocialAllowance: z.boolean(),
  healthInsurance: z.boolean(),
  studying: z.boolean(),
  education: z.enum(EDUCATIONS),
  schoolOnTrack: z.boolean().nullable(),
  malnourished: z.boolean().nullable(),
})

export const dwellingSchema = z.strictObject({
  hasDwelling: z.boolean(),
  wallDurable: z.boolean(),
  columnDurable: z.boolean(),
  roofDurable: z.boolean(),
  floorAreaM2: nonNegative,
  water: z.enum(WATER_SOURCES),
  toilet: z.enum(TOILETS),
  internet: z.boolean(),
  devices: z.array(z.enum(DEVICES)),
  waste: z.enum(WASTE_HANDLING).optional(),
})

export const attributesSchema = z.strictObject({
  ethnicMinority: z.boolean(),
  meritoriousFamily: z.boolean(),
  socialProtection: z.boolean(),
  noWorkingCapacity: z.boolean(),
})

export const photoRefSchema = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected 64 lowercase hex digits' }),
  kind: z.string().min(1),
  capturedAt: dateTime,
})

export const householdSchema = z.strictObject({
  format: z.literal(HOUSEHOLD_FORMAT),
  id: z.uuid({ error: 'expected a UUID' }),
  period: z.string().regex(/^\d{4}$/, { error: 'expected a review year, e.g. "2025"' }),
  referenceDate: calendarDate.optional(),
  unit: z.string().min(1, { error: 'must not be empty' }),
  areaType: z.enum(AREA_TYPES).optional(),
  village: z.string(),
  address: z.string(),
  location: locationSchema.nullable(),
  farming: z.boolean(),
  income: incomeSchema,
  members: z.array(memberSchema).min(1, { error: 'a household has at least one member' }),
  dwelling: dwellingSchema,
  attributes: attributesSchema,
  causes: z.array(z.string()),
  supportNeeds: z.array(z.string()),
  status: z.enum(STATUSES).optional(),
  photos: z.array(photoRefSchema),
})
