// Which member questions are asked at which age (at the period's reference date, never today's date).
// Bands follow the indicators that use the answers (ND07: I01 15–59, I03 under 16, I04 from 6, I05 16–30, I06 3–15);
// an unknown age shows every question so nothing is hidden by a typo in the birth date.
import { ageAt, parseDate } from '../../shared/rules/age.ts'
import type { Member } from '../../shared/household/types.ts'

export type MemberField = Exclude<keyof Member, 'id'>

/** Asked of everyone, in form order. */
export const MEMBER_BASE_FIELDS: readonly MemberField[] = [
  'fullName',
  'personalId',
  'sex',
  'birthDate',
  'relation',
  'ethnicity',
]

/** Age-dependent questions, in form order, with the inclusive age band in which they are asked. */
export const MEMBER_AGE_FIELDS: readonly { field: MemberField; minAge: number; maxAge: number }[] = [
  { field: 'ableToWork', minAge: 15, maxAge: Infinity },
  { field: 'employment', minAge: 15, maxAge: Infinity },
  { field: 'disability', minAge: 0, maxAge: Infinity },
  { field: 'monthlySocialAllowance', minAge: 0, maxAge: Infinity },
  { field: 'healthInsurance', minAge: 6, maxAge: Infinity },
  { field: 'studying', minAge: 3, maxAge: Infinity },
  { field: 'education', minAge: 6, maxAge: Infinity },
  { field: 'schoolOnTrack', minAge: 3, maxAge: 15 },
  { field: 'malnourished', minAge: 0, maxAge: 15 },
]

/** Age in whole years at the reference date; null when either date is not a real date or birth is after it. */
export function ageAtReference(birthDate: string, referenceDate: string): number | null {
  const birth = parseDate(birthDate)
  const ref = parseDate(referenceDate)
  if (!birth || !ref) return null
  const age = ageAt(birth, ref)
  return age < 0 ? null : age
}

export function isFieldRelevant(field: MemberField, age: number | null): boolean {
  const band = MEMBER_AGE_FIELDS.find((b) => b.field === field)
  if (!band || age === null) return true
  return age >= band.minAge && age <= band.maxAge
}

/** The questions to show for a member of this age, in form order. */
export function relevantMemberFields(age: number | null): MemberField[] {
  return [...MEMBER_BASE_FIELDS, ...MEMBER_AGE_FIELDS.filter((b) => isFieldRelevant(b.field, age)).map((b) => b.field)]
}
