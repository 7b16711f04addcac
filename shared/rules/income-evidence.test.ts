// Income evidence rules IN1…IN3 when a household carries both a per-capita income and a Phiếu B1 score: the per-capita
// figure decides, and when the B1 score says the other side of the line the result carries a finding for the supervisor.
import { describe, expect, it } from 'vitest'
import type { AreaType, Household } from '../household/types.ts'
import { classify } from './classify.ts'
import { STANDARDS } from './standards.ts'
import { withDeprivations } from '../test-support/rule-helpers.ts'

const UNIT_OF: Record<AreaType, string> = { urban: '19789', rural: '20056' }
const cases = STANDARDS.flatMap((standard) => (['urban', 'rural'] as const).map((area) => ({ standard, area })))

describe.each(cases)('$standard.id, $area', ({ standard, area }) => {
  const line = standard.incomeLine[area]
  const cutoff = standard.b1Cutoff[area]
  const run = (income: Household['income'], d = 3, farming = false) =>
    classify(withDeprivations(d, { unit: UNIT_OF[area], income, farming }), standard.id)

  it.each([
    [line, cutoff, 'poor', false],
    [line, cutoff + 1, 'poor', true],
    [line + 1, cutoff + 1, 'not_poor', false],
    [line + 1, cutoff, 'not_poor', true],
  ] as const)(
    'IN1/IN3 per-capita %i with B1 score %i → %s (per-capita decides), disagreement %s',
    (perCapitaMonthly, b1Score, category, disagree) => {
      const r = run({ perCapitaMonthly, b1Score })
      expect(r.category).toBe(category)
      expect(r.incomeEvidence).toBe('per_capita')
      expect(r.incomeAtOrBelowLine).toBe(perCapitaMonthly <= line)
      expect(r.b1Cutoff).toBe(cutoff)
      expect(r.reasons[1]).toMatchObject({ rule: 'IN1', field: '$.income.perCapitaMonthly' })
      expect(r.provisionalRules).not.toContain('IN2')
      if (disagree) {
        expect(r.findings).toEqual([
          expect.objectContaining({
            code: 'income-estimates-disagree',
            perCapitaMonthly,
            b1Score,
            line,
            b1Cutoff: cutoff,
          }),
        ])
        const in3 = r.reasons.find((x) => x.rule === 'IN3')
        expect(in3).toMatchObject({ kind: 'income', field: '$.income.b1Score' })
        expect(in3?.vi).toContain('không thống nhất')
        expect(in3?.en).toMatch(/disagree.*provisional/)
        expect(r.provisionalRules).toContain('IN3')
      } else {
        expect(r.findings).toEqual([])
        expect(r.reasons.some((x) => x.rule === 'IN3')).toBe(false)
      }
    },
  )

  it('CL3 both estimates on a farming household: the per-capita figure still establishes the average band', () => {
    expect(run({ perCapitaMonthly: line + 1, b1Score: cutoff + 50 }, 0, true).category).toBe('average')
  })
})
