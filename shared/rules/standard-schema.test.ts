// An administrator-loaded standards document must have exactly the bundled shape; bad uploads are refused with paths.
import { describe, expect, it } from 'vitest'
import { makeHousehold } from '../test-support/household-fixtures.ts'
import { classify } from './classify.ts'
import { loadStandards } from './standard-schema.ts'
import { STANDARDS } from './standards.ts'

const copy = () => JSON.parse(JSON.stringify(STANDARDS))

describe('loadStandards', () => {
  it('accepts the bundled standards as JSON and classifies identically with them', () => {
    const r = loadStandards(copy())
    expect(r.ok).toBe(true)
    if (r.ok)
      expect(classify(makeHousehold({}, 5), undefined, { standards: r.standards })).toEqual(
        classify(makeHousehold({}, 5)),
      )
  })

  it('an admin can correct a provisional value (B1 cut-off) and classify uses it', () => {
    const data = copy()
    data[0].b1Cutoff = { rural: 120, urban: 160 }
    const r = loadStandards(data)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const h = makeHousehold({ income: { b1Score: 130 }, unit: '20056' })
    expect(classify(h, undefined, { standards: r.standards }).incomeAtOrBelowLine).toBe(false)
    expect(classify(h).incomeAtOrBelowLine).toBe(true)
  })

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case breaks the standards data in its own way
  it.each<[string, (d: any) => void, string, string]>([
    ['unknown key', (d) => (d[0].extra = 1), '$[0]', 'standards/invalid'],
    [
      'unknown indicator kind',
      (d) => (d[0].indicators[0].kind = 'happiness'),
      '$[0].indicators[0].kind',
      'standards/invalid',
    ],
    [
      'bad water list',
      (d) => (d[0].indicators[8].clean = ['river']),
      '$[0].indicators[8].clean[0]',
      'standards/invalid',
    ],
    [
      'duplicate indicator',
      (d) => (d[0].indicators[1].id = 'I01'),
      '$[0].indicators[1].id',
      'standards/duplicate-indicator',
    ],
    ['overlapping periods', (d) => (d[1].periods.from = 2026), '$[1]', 'standards/overlap'],
    ['band below line', (d) => (d[0].averageUpper.rural = 1_000_000), '$[0].averageUpper', 'standards/invalid-band'],
  ])('rejects %s', (_label, breakIt, path, code) => {
    const d = copy() // any-typed JSON: the test writes invalid shapes on purpose
    breakIt(d)
    const r = loadStandards(d)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.errors).toContainEqual(expect.objectContaining({ path, code }))
  })
})
