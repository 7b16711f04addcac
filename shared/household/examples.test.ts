// The example households in examples/ stay valid and keep the category their file name promises; fixtures are valid.
import { describe, expect, it } from 'vitest'
import { classify } from '../rules/classify.ts'
import { makeHousehold } from '../test-support/household-fixtures.ts'
import { validateHousehold } from './validate.ts'

// Loaded through Vite's glob import, so this shared/ test needs no Node API.
const files = import.meta.glob<unknown>('./examples/*.json', { eager: true, import: 'default' })
const load = (name: string): unknown => structuredClone(files[`./examples/${name}`])

describe('examples', () => {
  it.each([
    ['poor-rural.json', 'poor'],
    ['near-poor-urban.json', 'near_poor'],
    ['average-farming.json', 'average'],
    ['incomplete.json', 'incomplete'],
    ['b1-score-rural.json', 'poor'],
    ['nd351-2027-urban.json', 'poor'],
    ['nd351-2027-waste-missing.json', 'near_poor'],
    ['both-incomes-urban.json', 'near_poor'],
  ])('%s is valid, without warnings, and classifies as %s', (file, category) => {
    const v = validateHousehold(load(file))
    expect(v).toMatchObject({ ok: true, warnings: [] })
    if (v.ok) expect(classify(v.household).category).toBe(category)
  })

  it('several.json is an array of valid households; invalid.json is invalid', () => {
    const several = load('several.json')
    expect(Array.isArray(several)).toBe(true)
    for (const h of several as unknown[]) expect(validateHousehold(h).ok).toBe(true)
    expect(validateHousehold(load('invalid.json')).ok).toBe(false)
  })

  it('every example file is covered by a test', () => {
    expect(
      Object.keys(files)
        .map((f) => f.replace('./examples/', ''))
        .sort(),
    ).toEqual(
      [
        'average-farming.json',
        'b1-score-rural.json',
        'both-incomes-urban.json',
        'incomplete.json',
        'invalid.json',
        'nd351-2027-urban.json',
        'nd351-2027-waste-missing.json',
        'near-poor-urban.json',
        'poor-rural.json',
        'several.json',
      ].sort(),
    )
  })
})

describe('makeHousehold', () => {
  it('merges dwelling and attributes overrides and keeps the rest', () => {
    const h = makeHousehold({ period: '2027', dwelling: { toilet: 'none' }, attributes: { meritoriousFamily: true } })
    expect(h.period).toBe('2027')
    expect(h.dwelling).toMatchObject({ toilet: 'none', water: 'piped' })
    expect(h.attributes).toMatchObject({ meritoriousFamily: true, ethnicMinority: false })
  })

  it('is deterministic per seed and always valid, without warnings', () => {
    expect(makeHousehold({}, 42)).toEqual(makeHousehold({}, 42))
    expect(makeHousehold({}, 42)).not.toEqual(makeHousehold({}, 43))
    for (let seed = 0; seed < 300; seed++) {
      const v = validateHousehold(JSON.parse(JSON.stringify(makeHousehold({}, seed))))
      expect(v).toMatchObject({ ok: true, warnings: [] })
    }
  })
})

describe('makeHousehold() without a seed', () => {
  it('is the same fixed household every time', () => {
    expect(makeHousehold()).toEqual(makeHousehold())
  })
})
