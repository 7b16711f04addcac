// Builders shared by the rule tests: households that differ from a non-deprived baseline in exactly one respect,
// and birth dates whose age at the reference date sits exactly on a boundary.
import { makeHousehold, makeMember, type HouseholdOverrides } from './household-fixtures.ts'
import type { Household, Member } from '../household/types.ts'

export const REFERENCE = { year: 2025, monthDay: '09-01' }

/** Birth date such that the birthday falls the day before / on / after the reference date `age` years later. */
export function bornAged(age: number, when: 'before' | 'on' | 'after', refYear = REFERENCE.year): string {
  const y = refYear - age
  const md = when === 'before' ? '08-31' : when === 'on' ? '09-01' : '09-02'
  return `${y}-${md}`
}

/** Completed years at the reference date for bornAged(age, when). */
export const expectedAge = (age: number, when: 'before' | 'on' | 'after') => (when === 'after' ? age - 1 : age)

/** An adult who triggers no indicator on their own. */
export function adult(overrides: Partial<Member> = {}): Member {
  return makeMember({ fullName: 'Lê Văn Hùng', birthDate: '1985-01-01', relation: 'head', ...overrides })
}

/** The baseline household (0 deprivations under both standards) with `members` appended after a head. */
export function householdWith(members: Member[], overrides: HouseholdOverrides = {}): Household {
  return makeHousehold({ members: [adult(), ...members], ...overrides })
}

/** Household-level changes that each add exactly one deprivation to the baseline, under both standards. */
export const ONE_DEPRIVATION: { rule: string; overrides: HouseholdOverrides }[] = [
  { rule: 'I07', overrides: { dwelling: { wallDurable: false, roofDurable: false } } },
  { rule: 'I08', overrides: { dwelling: { floorAreaM2: 10 } } },
  { rule: 'I09', overrides: { dwelling: { water: 'surface_water' } } },
  { rule: 'I10', overrides: { dwelling: { toilet: 'none' } } },
]

/** Baseline household (3 members, urban unless areaType/unit given) with `count` deprivations (0–4). */
export function withDeprivations(count: number, overrides: HouseholdOverrides = {}): Household {
  const dwelling = Object.assign({}, ...ONE_DEPRIVATION.slice(0, count).map((d) => d.overrides.dwelling))
  return makeHousehold({ ...overrides, dwelling: { ...dwelling, ...overrides.dwelling } })
}
