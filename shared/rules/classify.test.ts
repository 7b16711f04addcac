// Tests of the category rules CL1…CL5, income evidence IN0…IN2, standard and area-type selection, and explanations.
import { describe, expect, it } from 'vitest'
import { makeHousehold } from '../test-support/household-fixtures.ts'
import type { AreaType, Household } from '../household/types.ts'
import { ClassificationError, classificationSummary, classify } from './classify.ts'
import { ND07_2022_2025, ND351_2027_2030, STANDARDS, standardForPeriod } from './standards.ts'
import { withDeprivations } from '../test-support/rule-helpers.ts'

const UNIT_OF: Record<AreaType, string> = { urban: '19789', rural: '20056' } // Phường Thuận Hóa, Xã A Lưới 1

const cases = STANDARDS.flatMap((standard) => (['urban', 'rural'] as const).map((area) => ({ standard, area })))

describe.each(cases)('$standard.id, $area', ({ standard, area }) => {
  const line = standard.incomeLine[area]
  const upper = standard.averageUpper[area]
  const cutoff = standard.b1Cutoff[area]
  const h = (d: number, income: Household['income'], farming = false) =>
    withDeprivations(d, { unit: UNIT_OF[area], income, farming })
  const run = (x: Household) => classify(x, standard.id)

  it('area type is derived from the unit (phường → urban, xã → rural) and picks that line', () => {
    const r = run(h(0, { perCapitaMonthly: line }))
    expect(r.areaType).toBe(area)
    expect(r.line).toBe(line)
  })

  it.each([
    [3, 0, 'poor', 'CL1'],
    [4, -1, 'poor', 'CL1'],
    [2, 0, 'near_poor', 'CL2'],
    [0, -500_000, 'near_poor', 'CL2'],
    [3, 1, 'not_poor', 'CL4'],
    [4, 1_000_000, 'not_poor', 'CL4'],
  ] as const)('CL1/CL2/CL4: %i deprivations, income line %+d → %s (%s)', (d, delta, category, rule) => {
    const r = run(h(d, { perCapitaMonthly: line + delta }))
    expect(r.category).toBe(category)
    expect(r.decidedBy).toBe(rule)
    expect(r.reasons[0]).toMatchObject({ rule, kind: 'category' })
    expect(r.incomeAtOrBelowLine).toBe(delta <= 0)
    expect(r.deprivationCount).toBe(d)
  })

  it('IN1 income exactly equal to the line counts as at or below it ("trở xuống")', () => {
    const r = run(h(3, { perCapitaMonthly: line }))
    expect(r.incomeAtOrBelowLine).toBe(true)
    expect(r.reasons[1]).toMatchObject({ rule: 'IN1', kind: 'income', field: '$.income.perCapitaMonthly' })
  })

  it.each([
    [1, 'average', 'CL3'],
    [upper - line, 'average', 'CL3'],
    [upper - line + 1, 'not_poor', 'CL4'],
  ] as const)('CL3 farming household at line + %i → %s (%s)', (delta, category, rule) => {
    const r = run(h(4, { perCapitaMonthly: line + delta }, true))
    expect(r.category).toBe(category)
    expect(r.decidedBy).toBe(rule)
  })

  it('CL3 needs a farming household: the same income without farming is not_poor (CL4)', () => {
    expect(run(h(0, { perCapitaMonthly: line + 1 }, false)).category).toBe('not_poor')
  })

  it('CL3 farming household at or below the line is still poor/near-poor', () => {
    expect(run(h(3, { perCapitaMonthly: line }, true)).category).toBe('poor')
    expect(run(h(0, { perCapitaMonthly: line }, true)).category).toBe('near_poor')
  })

  it.each([
    [cutoff, 3, 'poor'],
    [cutoff, 1, 'near_poor'],
    [cutoff + 1, 3, 'not_poor'],
  ] as const)(
    'IN2 B1 score %i with %i deprivations → %s, and says the cut-off is provisional',
    (b1Score, d, category) => {
      const r = run(h(d, { b1Score }))
      expect(r.category).toBe(category)
      expect(r.incomeEvidence).toBe('b1_score')
      expect(r.b1Cutoff).toBe(cutoff)
      expect(r.provisionalRules).toContain('IN2')
      const reason = r.reasons.find((x) => x.rule === 'IN2')
      expect(reason?.en).toMatch(/provisional/)
      expect(reason?.vi).toMatch(/tạm thời/)
    },
  )

  it('CL3 is never established by a B1 score alone (farming, B1 above cut-off → not_poor)', () => {
    const r = run(h(0, { b1Score: cutoff + 10 }, true))
    expect(r.category).toBe('not_poor')
    expect(r.decidedBy).toBe('CL4')
  })

  it('CL5 no income evidence → incomplete, never a guess; deprivations still computed', () => {
    const r = run(h(4, {}))
    expect(r).toMatchObject({
      category: 'incomplete',
      decidedBy: 'CL5',
      incomeAtOrBelowLine: null,
      incomeEvidence: 'none',
      deprivationCount: 4,
    })
    expect(r.reasons[1]).toMatchObject({ rule: 'IN0' })
  })
})

describe('standards', () => {
  it.each([
    ['2022', 'ND07_2022_2025'],
    ['2025', 'ND07_2022_2025'],
    ['2026', 'ND07_2022_2025'],
    ['2027', 'ND351_2027_2030'],
    ['2030', 'ND351_2027_2030'],
    ['2021', undefined],
    ['2031', undefined],
    ['25', undefined],
  ])('standardForPeriod(%s) → %s', (period, id) => {
    expect(standardForPeriod(period)?.id).toBe(id)
  })

  it('the period selects the standard; an explicit standard id overrides it', () => {
    expect(classify(makeHousehold({ period: '2026' })).standard).toBe('ND07_2022_2025')
    expect(classify(makeHousehold({ period: '2027' })).standard).toBe('ND351_2027_2030')
    expect(classify(makeHousehold({ period: '2026' }), 'ND351_2027_2030').standard).toBe('ND351_2027_2030')
  })

  it('lines and bands are the published figures', () => {
    expect(ND07_2022_2025.incomeLine).toMatchObject({ rural: 1_500_000, urban: 2_000_000 })
    expect(ND07_2022_2025.averageUpper).toMatchObject({ rural: 2_250_000, urban: 3_000_000 })
    expect(ND351_2027_2030.incomeLine).toMatchObject({ rural: 2_200_000, urban: 2_800_000 })
    expect(ND351_2027_2030.averageUpper.provisional).toBe(true)
    expect(ND07_2022_2025.b1Cutoff).toMatchObject({ rural: 140, urban: 175, provisional: true })
  })

  it('ND351 has 12 indicators I01–I11 and I14 (no I12, I13 not used), all marked provisional with a note', () => {
    expect(ND351_2027_2030.indicators.map((i) => i.id)).toEqual([
      'I01',
      'I02',
      'I03',
      'I04',
      'I05',
      'I06',
      'I07',
      'I08',
      'I09',
      'I10',
      'I11',
      'I14',
    ])
    for (const i of ND351_2027_2030.indicators) {
      expect(i.provisional).toBe(true)
      expect(i.note).toBeTruthy()
    }
    expect(ND07_2022_2025.indicators.map((i) => i.id)).toEqual([
      'I01',
      'I02',
      'I03',
      'I04',
      'I05',
      'I06',
      'I07',
      'I08',
      'I09',
      'I10',
      'I11',
      'I12',
    ])
  })

  it.each([
    ['2025', 'ND07_2022_2025', 'Nghị định 07/2021/NĐ-CP, giai đoạn 2022–2025', 'Decree 07/2021/ND-CP, 2022–2025'],
    ['2027', 'ND351_2027_2030', 'Nghị định 351/2025/NĐ-CP, giai đoạn 2027–2030', 'Decree 351/2025/ND-CP, 2027–2030'],
  ])('period %s: the result keeps the id %s and names the standard', (period, id, vi, en) => {
    expect(classify(makeHousehold({ period }))).toMatchObject({ standard: id, standardName: { vi, en } })
  })

  it('the standards are plain data that survive a JSON round trip (an admin-loaded JSON can replace them)', () => {
    const loaded = JSON.parse(JSON.stringify(STANDARDS))
    const h = withDeprivations(3, { income: { perCapitaMonthly: 1_000_000 } })
    expect(classify(h, undefined, { standards: loaded })).toEqual(classify(h))
  })
})

describe('errors and defaults', () => {
  it('no standard for the period → rules/no-standard-for-period', () => {
    expect(() => classify(makeHousehold({ period: '2031' }))).toThrow(
      expect.objectContaining({ code: 'rules/no-standard-for-period' }),
    )
  })

  it('unknown standard id → rules/unknown-standard', () => {
    expect(() => classify(makeHousehold(), 'ND99')).toThrow(ClassificationError)
  })

  it('unknown unit without areaType → rules/unknown-area-type; with areaType it classifies', () => {
    expect(() => classify(makeHousehold({ unit: '99999' }))).toThrow(
      expect.objectContaining({ code: 'rules/unknown-area-type', path: '$.unit' }),
    )
    expect(classify(makeHousehold({ unit: '99999', areaType: 'rural' })).line).toBe(1_500_000)
  })

  it('areaType given overrides the unit-derived area type', () => {
    expect(classify(makeHousehold({ unit: '19789', areaType: 'rural' })).areaType).toBe('rural')
  })

  it('reference date defaults to 1 September of the period year, or is taken from the record', () => {
    expect(classify(makeHousehold({ period: '2024' })).referenceDate).toBe('2024-09-01')
    expect(classify(makeHousehold({ referenceDate: '2025-11-20' })).referenceDate).toBe('2025-11-20')
  })
})

describe('classificationSummary', () => {
  it('summarises category and deprivations for lists', () => {
    const r = classify(withDeprivations(3, { income: { perCapitaMonthly: 1_000_000 } }))
    expect(classificationSummary(r)).toBe('Hộ nghèo · 3 thiếu hụt: I07, I08, I09')
    expect(classificationSummary(r, 'en')).toBe('Poor · 3 deprivations: I07, I08, I09')
    expect(classificationSummary(classify(makeHousehold()), 'en')).toBe('Not poor · no deprivations')
  })
})
