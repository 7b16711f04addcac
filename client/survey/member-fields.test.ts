// Relevance rules: which member questions show at which age at the reference date (I01, I03, I04, I05, I06 bands).
import { describe, expect, it } from 'vitest'
import { ageAtReference, isFieldRelevant, relevantMemberFields } from './member-fields.ts'

describe('member question relevance', () => {
  it('computes the age at the reference date, not today', () => {
    expect(ageAtReference('2010-09-01', '2025-09-01')).toBe(15)
    expect(ageAtReference('2010-09-02', '2025-09-01')).toBe(14)
    expect(ageAtReference('2026-01-01', '2025-09-01')).toBeNull()
    expect(ageAtReference('2025-02-30', '2025-09-01')).toBeNull()
  })

  it('I06: schoolOnTrack only for ages 3–15', () => {
    expect(isFieldRelevant('schoolOnTrack', 2)).toBe(false)
    expect(isFieldRelevant('schoolOnTrack', 3)).toBe(true)
    expect(isFieldRelevant('schoolOnTrack', 15)).toBe(true)
    expect(isFieldRelevant('schoolOnTrack', 16)).toBe(false)
  })

  it('I03: malnourished only under 16', () => {
    expect(isFieldRelevant('malnourished', 0)).toBe(true)
    expect(isFieldRelevant('malnourished', 15)).toBe(true)
    expect(isFieldRelevant('malnourished', 16)).toBe(false)
  })

  it('I01: work questions from 15; I04: health insurance from 6', () => {
    expect(isFieldRelevant('employment', 14)).toBe(false)
    expect(isFieldRelevant('ableToWork', 15)).toBe(true)
    expect(isFieldRelevant('healthInsurance', 5)).toBe(false)
    expect(isFieldRelevant('healthInsurance', 6)).toBe(true)
    expect(isFieldRelevant('healthInsurance', 90)).toBe(true)
  })

  it('lists the questions in form order for a baby, a pupil, an adult, and an unknown age', () => {
    expect(relevantMemberFields(1)).toEqual([
      'fullName',
      'personalId',
      'sex',
      'birthDate',
      'relation',
      'ethnicity',
      'disability',
      'monthlySocialAllowance',
      'malnourished',
    ])
    expect(relevantMemberFields(10)).toEqual([
      'fullName',
      'personalId',
      'sex',
      'birthDate',
      'relation',
      'ethnicity',
      'disability',
      'monthlySocialAllowance',
      'healthInsurance',
      'studying',
      'education',
      'schoolOnTrack',
      'malnourished',
    ])
    const adult = relevantMemberFields(40)
    expect(adult).toContain('employment')
    expect(adult).not.toContain('schoolOnTrack')
    expect(adult).not.toContain('malnourished')
    expect(relevantMemberFields(null)).toHaveLength(15)
  })
})
