// Table-driven tests of every indicator (I01…I14) under both standards, at every age and quantity boundary.
import { describe, expect, it } from 'vitest'
import { makeHousehold, makeMember } from '../test-support/household-fixtures.ts'
import type { Device, Employment, Toilet, WasteHandling, WaterSource } from '../household/types.ts'
import { classify } from './classify.ts'
import { STANDARDS as STANDARD_LIST } from './standards.ts'
import { adult, bornAged, expectedAge, householdWith } from '../test-support/rule-helpers.ts'

const STANDARDS = ['ND07_2022_2025', 'ND351_2027_2030'] as const
const deprived = (h: Parameters<typeof classify>[0], rule: string, standard: string = STANDARDS[0]) =>
  classify(h, standard).deprivations.includes(rule)

describe('baseline', () => {
  it.each(STANDARDS)('the fixture household has no deprivation under %s', (standard) => {
    expect(classify(makeHousehold(), standard).deprivations).toEqual([])
  })
})

describe.each(STANDARDS)('%s', (standard) => {
  describe('I01 employment (able-to-work members aged 15–59)', () => {
    it.each([
      [15, 'after', false],
      [15, 'on', true],
      [15, 'before', true],
      [60, 'after', true],
      [60, 'on', false],
      [60, 'before', false],
    ] as const)(
      'I01 unemployed member, birthday %i years %s the reference date → deprived %s',
      (age, when, expected) => {
        const h = householdWith([
          makeMember({ fullName: 'Hồ Văn Tâm', birthDate: bornAged(age, when), employment: 'unemployed_seeking' }),
        ])
        expect(deprived(h, 'I01', standard)).toBe(expected)
      },
    )

    it.each([
      ['unemployed_seeking', true],
      ['wage_without_contract', true],
      ['wage_with_contract', false],
      ['self_employed', false],
      ['not_working', false],
    ] as [Employment, boolean][])('I01 employment %s → deprived %s', (employment, expected) => {
      expect(deprived(householdWith([adult({ relation: 'spouse', employment })]), 'I01', standard)).toBe(expected)
    })

    it('I01 a member unable to work is not counted, and the reason names the member and field', () => {
      expect(
        deprived(
          householdWith([adult({ relation: 'spouse', employment: 'unemployed_seeking', ableToWork: false })]),
          'I01',
          standard,
        ),
      ).toBe(false)
      const r = classify(
        householdWith([adult({ relation: 'spouse', fullName: 'Võ Thị Lan', employment: 'wage_without_contract' })]),
        standard,
      )
      const reason = r.reasons.find((x) => x.rule === 'I01')
      expect(reason).toMatchObject({ kind: 'deprivation', field: '$.members[1].employment' })
      expect(reason?.vi).toContain('Võ Thị Lan')
      expect(reason?.en).toContain('Võ Thị Lan')
    })
  })

  describe('I02 dependants (> 50 %)', () => {
    const child = (when: 'before' | 'on' | 'after' = 'before', age = 10) =>
      makeMember({
        fullName: 'Nguyễn Văn Bé',
        birthDate: bornAged(age, when),
        relation: 'child',
        ableToWork: false,
        employment: 'not_working',
        studying: true,
        education: 'primary',
        schoolOnTrack: true,
        malnourished: false,
      })

    it('I02 exactly 50 % dependants (2 of 4) → not deprived', () => {
      expect(deprived(householdWith([adult({ relation: 'spouse' }), child(), child()]), 'I02', standard)).toBe(false)
    })
    it('I02 3 of 5 dependants → deprived, reason names them', () => {
      const r = classify(householdWith([adult({ relation: 'spouse' }), child(), child(), child()]), standard)
      expect(r.deprivations).toContain('I02')
      expect(r.reasons.find((x) => x.rule === 'I02')?.en).toMatch(/3 of 5 members/)
    })
    it.each([
      ['after', true],
      ['on', false],
      ['before', false],
    ] as const)('I02 age-16 boundary: birthday %s the reference date → counted as child %s', (when, counted) => {
      // head + child: 1 of 2 is 50 % (not deprived); 2 of 2... use head + 2 children where only the boundary child varies.
      const h = householdWith([
        child(),
        makeMember({
          fullName: 'Trần Văn Mười Sáu',
          birthDate: bornAged(16, when),
          relation: 'child',
          studying: true,
          education: 'lower_secondary',
          schoolOnTrack: when === 'after' ? true : null,
          malnourished: when === 'after' ? false : null,
        }),
      ])
      expect(deprived(h, 'I02', standard)).toBe(counted)
    })
    it.each([
      [60, 'on', true, true],
      [60, 'after', true, false],
      [60, 'on', false, false],
      [75, 'on', false, false],
    ] as const)('I02 elder aged %i (%s) with allowance %s → counted %s', (age, when, allowance, counted) => {
      const elder = makeMember({
        fullName: 'Phan Văn Lão',
        birthDate: bornAged(age, when),
        relation: 'parent',
        ableToWork: false,
        employment: 'not_working',
        monthlySocialAllowance: allowance,
      })
      // head + child + elder: 2 of 3 dependants when the elder counts.
      expect(deprived(householdWith([child(), elder]), 'I02', standard)).toBe(counted)
    })
    it('I02 a disabled member counts only with a monthly social allowance', () => {
      const disabled = (allowance: boolean) =>
        adult({
          relation: 'sibling',
          disability: true,
          monthlySocialAllowance: allowance,
          ableToWork: false,
          employment: 'not_working',
        })
      expect(deprived(householdWith([child(), disabled(true)]), 'I02', standard)).toBe(true)
      expect(deprived(householdWith([child(), disabled(false)]), 'I02', standard)).toBe(false)
    })
  })

  describe('I03 nutrition (children under 16)', () => {
    it.each([
      [15, 'after', true, true],
      [16, 'after', true, true],
      [16, 'on', true, false],
      [5, 'on', false, false],
    ] as const)('I03 child aged %i (%s) malnourished %s → deprived %s', (age, when, malnourished, expected) => {
      const h = householdWith([
        makeMember({
          fullName: 'Lê Thị Nhỏ',
          birthDate: bornAged(age, when),
          relation: 'child',
          studying: true,
          education: 'primary',
          schoolOnTrack: true,
          malnourished,
        }),
      ])
      expect(deprived(h, 'I03', standard)).toBe(expected)
    })
    it('I03 unrecorded nutrition of a child is reported as missing, not as a deprivation', () => {
      const r = classify(
        householdWith([
          makeMember({
            birthDate: bornAged(4, 'on'),
            relation: 'child',
            studying: true,
            education: 'none',
            schoolOnTrack: true,
            malnourished: null,
          }),
        ]),
        standard,
      )
      expect(r.deprivations).not.toContain('I03')
      expect(r.reasons).toContainEqual(
        expect.objectContaining({ rule: 'I03', kind: 'missing', field: '$.members[1].malnourished' }),
      )
    })
  })

  describe('I04 health insurance (members aged 6+)', () => {
    it.each([
      [6, 'after', false],
      [6, 'on', true],
      [6, 'before', true],
      [70, 'on', true],
    ] as const)('I04 uninsured member, birthday %i years %s → deprived %s', (age, when, expected) => {
      const h = householdWith([
        makeMember({
          fullName: 'Đặng Thị Hoa',
          birthDate: bornAged(age, when),
          relation: 'child',
          healthInsurance: false,
          studying: true,
          education: 'primary',
          schoolOnTrack: age <= 15 ? true : null,
          malnourished: age < 16 ? false : null,
        }),
      ])
      expect(deprived(h, 'I04', standard)).toBe(expected)
    })
    it('I04 reason names the member (full name, age) and the field, in Vietnamese and English', () => {
      const r = classify(
        householdWith([
          adult({ fullName: 'Đặng Thị Hoa', relation: 'spouse', birthDate: '1990-09-01', healthInsurance: false }),
        ]),
        standard,
      )
      const reason = r.reasons.find((x) => x.rule === 'I04')
      expect(reason).toMatchObject({ field: '$.members[1].healthInsurance' })
      expect(reason?.vi).toBe('Đặng Thị Hoa (35 tuổi) không có bảo hiểm y tế còn hiệu lực')
      expect(reason?.en).toBe('Đặng Thị Hoa (age 35) has no valid health insurance')
    })
  })

  describe('I05 adult education (16–30, not studying)', () => {
    it.each([
      [16, 'after', 'primary', false, false],
      [16, 'on', 'primary', false, true],
      [16, 'on', 'lower_secondary', false, false],
      [16, 'on', 'primary', true, false],
      [18, 'after', 'lower_secondary', false, false],
      [18, 'on', 'lower_secondary', false, true],
      [18, 'on', 'vocational', false, false],
      [18, 'on', 'upper_secondary', false, false],
      [30, 'on', 'primary', false, true],
      [31, 'after', 'primary', false, true],
      [31, 'on', 'primary', false, false],
      [25, 'on', 'college_or_higher', false, false],
    ] as const)('I05 aged %i (%s) with %s, studying %s → deprived %s', (age, when, education, studying, expected) => {
      const h = householdWith([
        adult({ fullName: 'Bùi Văn Học', relation: 'child', birthDate: bornAged(age, when), education, studying }),
      ])
      expect(deprived(h, 'I05', standard)).toBe(expected)
    })
  })

  describe('I06 school attendance (children 3–15)', () => {
    it.each([
      [3, 'after', false],
      [3, 'on', true],
      [15, 'on', true],
      [16, 'after', true],
      [16, 'on', false],
    ] as const)('I06 child not on track, birthday %i years %s → deprived %s', (age, when, expected) => {
      const h = householdWith([
        makeMember({
          fullName: 'Ngô Văn Tí',
          birthDate: bornAged(age, when),
          relation: 'child',
          studying: false,
          education: 'none',
          schoolOnTrack: false,
          malnourished: false,
        }),
      ])
      expect(deprived(h, 'I06', standard)).toBe(expected)
    })
    it('I06 unrecorded attendance is missing, not deprived', () => {
      const r = classify(
        householdWith([
          makeMember({
            birthDate: bornAged(8, 'on'),
            relation: 'child',
            education: 'primary',
            schoolOnTrack: null,
            malnourished: false,
          }),
        ]),
        standard,
      )
      expect(r.deprivations).not.toContain('I06')
      expect(r.reasons).toContainEqual(expect.objectContaining({ rule: 'I06', kind: 'missing' }))
    })
  })

  describe('I07 housing quality', () => {
    it.each([
      [{ hasDwelling: false }, true],
      [{ wallDurable: false }, false],
      [{ wallDurable: false, columnDurable: false }, true],
      [{ columnDurable: false, roofDurable: false }, true],
      [{ wallDurable: false, columnDurable: false, roofDurable: false }, true],
    ])('I07 dwelling %o → deprived %s', (dwelling, expected) => {
      expect(deprived(makeHousehold({ dwelling }), 'I07', standard)).toBe(expected)
    })
  })

  describe('I08 floor area per member (< 8 m²)', () => {
    it.each([
      [24, false],
      [23.9, true],
      [24.1, false],
      [0, true],
    ])('I08 3 members and %f m² → deprived %s', (floorAreaM2, expected) => {
      expect(deprived(makeHousehold({ dwelling: { floorAreaM2 } }), 'I08', standard)).toBe(expected)
    })
    it('I08 exactly 8 m² per person with 7 members (56 m²) is not deprived', () => {
      const members = Array.from({ length: 6 }, () => adult({ relation: 'other' }))
      expect(deprived(householdWith(members, { dwelling: { floorAreaM2: 56 } }), 'I08', standard)).toBe(false)
      expect(deprived(householdWith(members, { dwelling: { floorAreaM2: 55.9 } }), 'I08', standard)).toBe(true)
    })
  })

  describe('I09 water source', () => {
    it.each([
      ['piped', false],
      ['drilled_well', false],
      ['protected_dug_well', false],
      ['protected_spring', false],
      ['rainwater', false],
      ['bottled', false],
      ['unprotected_well', true],
      ['surface_water', true],
      ['other', true],
    ] as [WaterSource, boolean][])('I09 water %s → deprived %s', (water, expected) => {
      expect(deprived(makeHousehold({ dwelling: { water } }), 'I09', standard)).toBe(expected)
    })
  })

  describe('I10 toilet', () => {
    it.each([
      ['septic', false],
      ['semi_septic', false],
      ['pour_flush', false],
      ['double_vault', false],
      ['ventilated_pit', false],
      ['unimproved_pit', true],
      ['none', true],
      ['other', true],
    ] as [Toilet, boolean][])('I10 toilet %s → deprived %s', (toilet, expected) => {
      expect(deprived(makeHousehold({ dwelling: { toilet } }), 'I10', standard)).toBe(expected)
    })
  })

  describe('I11 internet (both standards)', () => {
    it.each([
      [true, false],
      [false, true],
    ])('I11 internet %s → deprived %s', (internet, expected) => {
      expect(deprived(makeHousehold({ dwelling: { internet } }), 'I11', standard)).toBe(expected)
    })
  })
})

describe('I12 information devices (ND07 only)', () => {
  it.each([
    [[], true],
    [['feature_phone'], true],
    [['radio'], false],
    [['tv'], false],
    [['computer'], false],
    [['smartphone'], false],
    [['tablet'], false],
  ] as [Device[], boolean][])('I12 devices %o → deprived %s', (devices, expected) => {
    expect(deprived(makeHousehold({ dwelling: { devices } }), 'I12', 'ND07_2022_2025')).toBe(expected)
  })
  it('I12 is not an indicator of ND351', () => {
    expect(deprived(makeHousehold({ dwelling: { devices: [] } }), 'I12', 'ND351_2027_2030')).toBe(false)
  })
})

describe('I11 under ND351: telecom and digital-service use are one indicator (provisional)', () => {
  it.each([
    [true, [], false],
    [true, ['smartphone'], false],
    [false, ['smartphone', 'computer', 'tablet'], true],
    [false, [], true],
  ] as [boolean, Device[], boolean][])(
    'I11 internet %s, devices %o → deprived %s (devices do not matter)',
    (internet, devices, expected) => {
      expect(deprived(makeHousehold({ dwelling: { internet, devices } }), 'I11', 'ND351_2027_2030')).toBe(expected)
    },
  )
  it('I11 "no internet" counts once under ND351: one deprivation, one reason, and no I12/I13', () => {
    const r = classify(makeHousehold({ dwelling: { internet: false, devices: [] } }), 'ND351_2027_2030')
    expect(r.deprivations).toEqual(['I11'])
    expect(r.reasons.filter((x) => x.kind === 'deprivation').map((x) => x.rule)).toEqual(['I11'])
  })
  it('I11 under ND351 carries the merged name and is provisional', () => {
    const spec = STANDARD_LIST[1]?.indicators.find((i) => i.id === 'I11')
    expect(spec?.name.vi).toBe('Sử dụng dịch vụ viễn thông, dịch vụ số')
    expect(spec?.provisional).toBe(true)
  })
  it('I13 is not used by either standard', () => {
    for (const s of STANDARD_LIST) expect(s.indicators.map((i) => i.id)).not.toContain('I13')
  })
})

describe('I14 domestic waste (ND351 only, provisional)', () => {
  it.each([
    ['collected', false],
    ['treated_on_site', false],
    ['untreated', true],
    [undefined, false],
  ] as [WasteHandling | undefined, boolean][])('I14 waste %s → deprived %s', (waste, expected) => {
    const h = makeHousehold()
    if (waste === undefined) delete h.dwelling.waste
    else h.dwelling.waste = waste
    expect(deprived(h, 'I14', 'ND351_2027_2030')).toBe(expected)
  })
  it('I14 a missing waste answer is reported as missing (field named), never as a deprivation', () => {
    const h = makeHousehold({ income: { perCapitaMonthly: 1_000_000 } })
    delete h.dwelling.waste
    const r = classify(h, 'ND351_2027_2030')
    expect(r.deprivations).toEqual([])
    expect(r.category).toBe('near_poor')
    expect(r.reasons.filter((x) => x.rule === 'I14')).toEqual([
      expect.objectContaining({ kind: 'missing', field: '$.dwelling.waste' }),
    ])
  })
  it('I14 is not an indicator of ND07 (untreated waste ignored)', () => {
    expect(deprived(makeHousehold({ dwelling: { waste: 'untreated' } }), 'I14', 'ND07_2022_2025')).toBe(false)
  })
})

describe('ages', () => {
  it.each([
    [15, 'before'],
    [15, 'on'],
    [15, 'after'],
  ] as const)('bornAged(%i, %s) gives the expected completed years in reasons', (age, when) => {
    const r = classify(
      householdWith([
        adult({
          fullName: 'Tuổi Thử',
          relation: 'child',
          birthDate: bornAged(age, when),
          healthInsurance: false,
          education: 'lower_secondary',
          schoolOnTrack: expectedAge(age, when) <= 15 ? true : null,
          malnourished: false,
        }),
      ]),
    )
    expect(r.reasons.find((x) => x.rule === 'I04')?.en).toContain(`(age ${expectedAge(age, when)})`)
  })
})
