// Rule MS1 and canSubmit(): a missing answer is never a deprivation, and when answering it could change the category
// the result lists it (member + field) and the record cannot be submitted. Both standards, both area types.
import { describe, expect, it } from 'vitest'
import { makeMember } from '../test-support/household-fixtures.ts'
import type { AreaType, Household, Member } from '../household/types.ts'
import { canSubmit } from './can-submit.ts'
import { classify } from './classify.ts'
import { STANDARDS } from './standards.ts'
import { withDeprivations } from '../test-support/rule-helpers.ts'

const UNIT_OF: Record<AreaType, string> = { urban: '19789', rural: '20056' }
const CHILD = 2 // the fixture household's child (aged 10 in 2025), index in members

/** The fixture household with `d` known deprivations and the child's listed answers missing (null). */
function household(
  d: number,
  missing: ('malnourished' | 'schoolOnTrack')[],
  area: AreaType,
  income: Household['income'],
): Household {
  const h = withDeprivations(d, { unit: UNIT_OF[area], income })
  const child = h.members[CHILD] as Member
  for (const f of missing) child[f] = null
  return h
}

const cases = STANDARDS.flatMap((standard) => (['urban', 'rural'] as const).map((area) => ({ standard, area })))

describe.each(cases)('$standard.id, $area', ({ standard, area }) => {
  const below = { perCapitaMonthly: standard.incomeLine[area] }
  const above = { perCapitaMonthly: standard.incomeLine[area] + 1 }
  const run = (h: Household) => classify(h, standard.id)

  it.each([
    [2, ['malnourished'], below, 'near_poor', ['I03']],
    [1, ['malnourished', 'schoolOnTrack'], below, 'near_poor', ['I03', 'I06']],
    [1, ['malnourished'], below, 'near_poor', []],
    [3, ['malnourished'], below, 'poor', []],
    [2, ['malnourished'], above, 'not_poor', []],
    [2, ['malnourished'], {}, 'incomplete', []],
  ] as const)(
    'MS1 %i known deprivations, missing %o, income %o → %s, decisive %o',
    (d, missing, income, category, decisive) => {
      const r = run(household(d, [...missing], area, income))
      expect(r.category).toBe(category)
      expect(r.deprivationCount).toBe(d) // a missing answer is never a deprivation
      expect(r.decisiveMissing.map((m) => m.rule)).toEqual(decisive)
      for (const m of r.decisiveMissing)
        expect(m).toMatchObject({ memberId: expect.any(String), field: expect.stringMatching(/^\$\.members\[2\]\./) })
      const ms1 = r.reasons.find((x) => x.rule === 'MS1')
      if (decisive.length > 0) {
        expect(ms1?.vi).toContain('Hộ nghèo')
        expect(ms1?.en).toMatch(/could change the result from Near-poor to Poor/)
        expect(r.reasons.filter((x) => x.decisive).map((x) => x.rule)).toEqual(decisive)
        expect(canSubmit(r)).toEqual({ ok: false, code: 'rules/decisive-missing', missing: r.decisiveMissing })
      } else {
        expect(ms1).toBeUndefined()
        expect(canSubmit(r)).toEqual(
          category === 'incomplete' ? { ok: false, code: 'rules/no-income-evidence' } : { ok: true },
        )
      }
    },
  )

  it('MS1 every missing answer of an undetermined indicator is listed: two children without a nutrition answer', () => {
    const h = household(2, ['malnourished'], area, below)
    h.members.push(
      makeMember({
        id: 'child-2',
        fullName: 'Nguyễn Văn Tí',
        birthDate: '2020-01-01',
        relation: 'child',
        ableToWork: false,
        employment: 'not_working',
        studying: true,
        education: 'none',
        schoolOnTrack: true,
        malnourished: null,
      }),
    )
    const r = run(h)
    expect(r.decisiveMissing).toEqual([
      { rule: 'I03', memberId: h.members[CHILD]?.id, field: '$.members[2].malnourished' },
      { rule: 'I03', memberId: 'child-2', field: '$.members[3].malnourished' },
    ])
  })

  it('MS1 an indicator already deprived by another member is not undetermined (counts once)', () => {
    const h = household(2, ['malnourished'], area, below)
    h.members.push(
      makeMember({
        id: 'child-2',
        fullName: 'Nguyễn Văn Tí',
        birthDate: '2020-01-01',
        relation: 'child',
        ableToWork: false,
        employment: 'not_working',
        studying: true,
        education: 'none',
        schoolOnTrack: true,
        malnourished: true,
      }),
    )
    const r = run(h)
    expect(r.category).toBe('poor')
    expect(r.deprivations).toContain('I03')
    expect(r.decisiveMissing).toEqual([])
    expect(canSubmit(r)).toEqual({ ok: true })
  })
})

describe('MS1 under ND351: the waste answer', () => {
  it.each(['urban', 'rural'] as const)(
    'I14 a missing waste answer with 2 deprivations at the line is decisive (%s), household-level field',
    (area) => {
      const h = withDeprivations(2, { period: '2027', unit: UNIT_OF[area], income: { perCapitaMonthly: 2_000_000 } })
      delete h.dwelling.waste
      const r = classify(h)
      expect(r).toMatchObject({ standard: 'ND351_2027_2030', category: 'near_poor', deprivationCount: 2 })
      expect(r.decisiveMissing).toEqual([{ rule: 'I14', field: '$.dwelling.waste' }])
      expect(canSubmit(r).ok).toBe(false)
    },
  )

  it('I14 a missing waste answer no longer makes a household poor (was counted as a deprivation)', () => {
    const h = withDeprivations(2, { period: '2027', income: { perCapitaMonthly: 2_000_000 } })
    delete h.dwelling.waste
    expect(classify(h).category).toBe('near_poor')
  })
})
