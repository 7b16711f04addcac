// Scoring with a Phiếu B1 point table and classifying with its cut-offs (IN2 with a table, IN3, CL1/CL2 cap), against
// the provisional cut-offs without one. Table tests: each row is one rule at one boundary.
import { describe, expect, it } from 'vitest'
import type { Household } from '../household/types.ts'
import { testB1Table } from '../test-support/b1-tables.ts'
import { withDeprivations } from '../test-support/rule-helpers.ts'
import { findB1Table, itemPoints, scoreB1, type B1Answers } from './b1-table.ts'
import { classify } from './classify.ts'

const table = testB1Table()
const RURAL = '20056'
const full: B1Answers = { household_size: 4, floor: 'cement', cooking_fuel: 'wood', motorbikes: 2 }

describe('scoreB1', () => {
  it.each([
    ['household_size', 0, 50],
    ['household_size', 2.5, 50],
    ['household_size', 3, 35],
    ['household_size', 4, 35],
    ['household_size', 5, 20],
    ['household_size', 40, 20],
    ['floor', 'earth', 0],
    ['floor', 'tiles', 40],
    ['motorbikes', 0, 0],
    ['motorbikes', 2, 60],
    ['motorbikes', 7, 90],
  ] as const)('item %s answered %s → %i points', (id, answer, points) => {
    const item = table.items.find((i) => i.id === id)
    expect(item && itemPoints(item, answer)).toBe(points)
  })

  it.each([
    ['floor', 'marble'],
    ['floor', 3],
    ['motorbikes', -1],
    ['motorbikes', 'two'],
    ['household_size', Number.NaN],
  ] as const)('item %s answered %s does not fit: no points, counted missing', (id, answer) => {
    const item = table.items.find((i) => i.id === id)
    expect(item && itemPoints(item, answer)).toBeNull()
    expect(scoreB1(table, { ...full, [id]: answer }).missing).toEqual([id])
  })

  it('the total exists only when every item is answered', () => {
    expect(scoreB1(table, full)).toEqual({ score: 115, partial: 115, answered: 4, total: 4, missing: [] })
    const { floor: _floor, ...partial } = full
    expect(scoreB1(table, partial)).toEqual({ score: null, partial: 95, answered: 3, total: 4, missing: ['floor'] })
    expect(scoreB1(table, {}).missing).toEqual(['household_size', 'floor', 'cooking_fuel', 'motorbikes'])
  })

  it('answers to items the table does not have are ignored', () => {
    expect(scoreB1(table, { ...full, old_item: 'x' }).score).toBe(115)
  })

  it('findB1Table picks by standard and area type', () => {
    const urban = testB1Table({ version: 'u' }, 'urban')
    expect(findB1Table([table, urban], 'ND07_2022_2025', 'urban')).toBe(urban)
    expect(findB1Table([table, urban], 'ND351_2027_2030', 'rural')).toBeUndefined()
    expect(findB1Table(undefined, 'ND07_2022_2025', 'rural')).toBeUndefined()
  })
})

describe('classify with a B1 point table (ND07, rural; cut-offs 120 poor / 140 near-poor)', () => {
  const run = (income: Household['income'], d: number, withTable = true) =>
    classify(withDeprivations(d, { unit: RURAL, income }), undefined, withTable ? { b1Table: table } : {})

  it.each([
    [120, 3, 'poor', 'CL1', true],
    [121, 3, 'near_poor', 'CL2', true],
    [140, 3, 'near_poor', 'CL2', true],
    [141, 3, 'not_poor', 'CL4', false],
    [120, 2, 'near_poor', 'CL2', true],
    [140, 0, 'near_poor', 'CL2', true],
  ] as const)('IN2 table: score %i with %i deprivations → %s (%s)', (b1Score, d, category, rule, below) => {
    const r = run({ b1Score }, d)
    expect(r).toMatchObject({ category, decidedBy: rule, incomeEvidence: 'b1_score', incomeAtOrBelowLine: below })
    expect(r.b1Cutoff).toBe(140)
    expect(r.b1Cutoffs).toEqual({
      source: 'table',
      table: { standard: 'ND07_2022_2025', areaType: 'rural', version: 'test-1', name: table.name },
      poorAtOrBelow: 120,
      nearPoorAtOrBelow: 140,
    })
    expect(r.provisionalRules).not.toContain('IN2')
    const in2 = r.reasons.find((x) => x.rule === 'IN2')
    expect(in2?.en).toContain('version test-1')
    expect(in2?.vi).not.toContain('tạm thời')
  })

  it('IN2 without a table: the provisional cut-off 140 rural decides, and the result says so', () => {
    const r = run({ b1Score: 121 }, 3, false)
    expect(r).toMatchObject({ category: 'poor', b1Cutoff: 140, b1Cutoffs: { source: 'provisional', atOrBelow: 140 } })
    expect(r.provisionalRules).toContain('IN2')
  })

  it('a table for another standard or area type is not used', () => {
    const urbanTable = testB1Table({}, 'urban')
    const r = classify(withDeprivations(3, { unit: RURAL, income: { b1Score: 121 } }), undefined, {
      b1Table: urbanTable,
    })
    expect(r.b1Cutoffs).toEqual({ source: 'provisional', atOrBelow: 140 })
  })

  it('IN3 with a table: the per-capita figure decides, the disagreement names the table and is not provisional', () => {
    const r = run({ perCapitaMonthly: 1_400_000, b1Score: 141 }, 3)
    expect(r.category).toBe('poor')
    expect(r.findings).toEqual([expect.objectContaining({ code: 'income-estimates-disagree', b1Cutoff: 140 })])
    expect(r.provisionalRules).not.toContain('IN3')
    expect(r.reasons.find((x) => x.rule === 'IN3')?.en).toContain('"Test table"')
  })

  it('MS1 with a table: when the score caps the category at near-poor, missing answers are not decisive', () => {
    const h = withDeprivations(2, { unit: RURAL, income: { b1Score: 130 } })
    h.members[0] = { ...h.members[0]!, birthDate: '2015-01-01', relation: 'child', malnourished: null }
    const r = classify(h, undefined, { b1Table: table })
    expect(r.category).toBe('near_poor')
    expect(r.decisiveMissing).toEqual([])
  })
})
