// Property tests (fast-check) over seeded plausible households: monotonicity of the category rules and determinism.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { makeHousehold } from '../test-support/household-fixtures.ts'
import type { Category, Household } from '../household/types.ts'
import { validateHousehold } from '../household/validate.ts'
import { testB1Table } from '../test-support/b1-tables.ts'
import { classify, type Classification } from './classify.ts'

const household = fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((seed) => makeHousehold({}, seed))
const standardId = fc.constantFrom(undefined, 'ND07_2022_2025', 'ND351_2027_2030')

/** Changes that can only add deprivations (never remove one). */
const worsening = fc.oneof(
  fc.constant((h: Household) => void (h.dwelling.water = 'surface_water')),
  fc.constant((h: Household) => void (h.dwelling.toilet = 'none')),
  fc.constant((h: Household) => void (h.dwelling.internet = false)),
  fc.constant((h: Household) => void (h.dwelling.floorAreaM2 = 0)),
  fc.constant((h: Household) => void (h.dwelling.hasDwelling = false)),
  fc.constant((h: Household) => void (h.dwelling.devices = [])),
  fc.constant((h: Household) => void (h.dwelling.waste = 'untreated')),
  fc.nat().map((i) => (h: Household) => {
    const m = h.members[i % h.members.length]
    if (m) m.healthInsurance = false
  }),
)

const SEVERITY: Record<Category, number> = { incomplete: -1, not_poor: 0, average: 1, near_poor: 2, poor: 3 }

describe('classify properties', () => {
  it('CL1 adding a deprivation never moves poor → near-poor (nor lowers the count)', () => {
    fc.assert(
      fc.property(household, worsening, standardId, (h, worsen, std) => {
        const before = classify(h, std)
        const worse = structuredClone(h)
        worsen(worse)
        const after = classify(worse, std)
        expect(after.deprivationCount).toBeGreaterThanOrEqual(before.deprivationCount)
        expect(after.category === before.category || SEVERITY[after.category] > SEVERITY[before.category]).toBe(true)
        if (before.category === 'poor') expect(after.category).toBe('poor')
      }),
      { numRuns: 300 },
    )
  })

  it('CL4 raising income never moves not_poor → poor (severity never increases)', () => {
    fc.assert(
      fc.property(
        household,
        fc.integer({ min: 0, max: 5_000_000 }),
        fc.integer({ min: 0, max: 5_000_000 }),
        standardId,
        (h, a, raise, std) => {
          const low = { ...h, income: { perCapitaMonthly: a } }
          const high = { ...h, income: { perCapitaMonthly: a + raise } }
          const before = classify(low, std)
          const after = classify(high, std)
          expect(SEVERITY[after.category]).toBeLessThanOrEqual(SEVERITY[before.category])
          if (before.category === 'not_poor') expect(after.category).toBe('not_poor')
        },
      ),
      { numRuns: 300 },
    )
  })

  it('classify is deterministic and never throws on valid households', () => {
    fc.assert(
      fc.property(household, standardId, (h, std) => {
        const json = JSON.parse(JSON.stringify(h))
        const v = validateHousehold(json)
        expect(v.ok).toBe(true)
        if (!v.ok) return
        const a = classify(v.household, std)
        const b = classify(structuredClone(v.household), std)
        expect(b).toEqual(a)
        expect(a.deprivationCount).toBe(a.deprivations.length)
        expect(new Set(a.deprivations).size).toBe(a.deprivations.length)
      }),
      { numRuns: 300 },
    )
  })

  it('MS1 whatever the missing answers turn out to be, the category only changes when the result said it could', () => {
    const answer = fc.constantFrom<boolean | null>(true, false, null)
    fc.assert(
      fc.property(
        household,
        standardId,
        fc.array(answer, { minLength: 12, maxLength: 12 }),
        fc.constantFrom(undefined, 'collected', 'untreated'),
        (h, std, answers, waste) => {
          // Blank every child answer and the waste answer, then fill them in with random answers.
          const blank = structuredClone(h)
          for (const m of blank.members) {
            if (m.malnourished !== null) m.malnourished = null
            if (m.schoolOnTrack !== null) m.schoolOnTrack = null
          }
          delete blank.dwelling.waste
          const before = classify(blank, std)
          const filled = structuredClone(blank)
          filled.members.forEach((m, i) => {
            if (h.members[i]?.malnourished !== null) m.malnourished = answers[(2 * i) % 12] ?? null
            if (h.members[i]?.schoolOnTrack !== null) m.schoolOnTrack = answers[(2 * i + 1) % 12] ?? null
          })
          if (waste !== undefined) filled.dwelling.waste = waste
          const after = classify(filled, std)
          // A missing answer is never a deprivation: answering can only add deprivations.
          expect(after.deprivationCount).toBeGreaterThanOrEqual(before.deprivationCount)
          if (before.decisiveMissing.length === 0) expect(after.category).toBe(before.category)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('every deprivation has at least one reason naming its field', () => {
    fc.assert(
      fc.property(household, standardId, (h, std) => {
        const r = classify(h, std)
        for (const id of r.deprivations) {
          const reasons = r.reasons.filter((x) => x.rule === id && x.kind === 'deprivation')
          expect(reasons.length).toBeGreaterThan(0)
          for (const reason of reasons) expect(reason.field).toMatch(/^\$\./)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('explain: false gives the same classification without its explanations', () => {
    /** The result without reasons and with its findings' sentences blanked: what explain: false must return exactly. */
    const unexplained = (r: Classification): Classification => ({
      ...r,
      reasons: [],
      findings: r.findings.map((f) => ({ ...f, vi: '', en: '' })),
    })
    const income = fc.record(
      {
        perCapitaMonthly: fc.integer({ min: 0, max: 6_000_000 }),
        b1Score: fc.integer({ min: 0, max: 300 }),
      },
      { requiredKeys: [] },
    )
    const table = fc.constantFrom(undefined, testB1Table({}, 'rural'), testB1Table({}, 'urban'))
    fc.assert(
      fc.property(household, standardId, income, table, fc.boolean(), (h, std, inc, b1Table, farming) => {
        const house = { ...h, income: inc, farming }
        const full = classify(house, std, b1Table ? { b1Table } : {})
        const lean = classify(house, std, b1Table ? { b1Table, explain: false } : { explain: false })
        expect(lean).toEqual(unexplained(full))
        expect(lean.reasons).toEqual([])
        // The explained result does explain: every reason has both sentences.
        for (const x of full.reasons) expect(x.vi.length > 0 && x.en.length > 0).toBe(true)
      }),
      { numRuns: 400 },
    )
  })
})
