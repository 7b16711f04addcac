// Validation of `rasoat.household/1`: every problem is listed with its JSON path and a stable code.
import { describe, expect, it } from 'vitest'
import { makeHousehold } from '../test-support/household-fixtures.ts'
import { validateHousehold } from './validate.ts'

/** A fresh plain-JSON copy of the baseline household, to break in one place. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests write invalid shapes on purpose
const json = (): any => JSON.parse(JSON.stringify(makeHousehold()))

describe('validateHousehold', () => {
  it('accepts the fixture household with no warnings', () => {
    const r = validateHousehold(json())
    expect(r).toMatchObject({ ok: true, warnings: [] })
  })

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case breaks the household in its own way
  it.each<[string, (h: any) => void, string, string]>([
    ['unknown top-level key', (h) => (h.colour = 'red'), '$.colour', 'household/unknown-key'],
    ['unknown member key', (h) => (h.members[1].nickname = 'Bé'), '$.members[1].nickname', 'household/unknown-key'],
    ['unknown dwelling key', (h) => (h.dwelling.garden = true), '$.dwelling.garden', 'household/unknown-key'],
    ['wrong format', (h) => (h.format = 'rasoat.household/2'), '$.format', 'household/invalid-value'],
    ['wrong sex enum', (h) => (h.members[1].sex = 'F'), '$.members[1].sex', 'household/invalid-value'],
    ['wrong water enum', (h) => (h.dwelling.water = 'river'), '$.dwelling.water', 'household/invalid-value'],
    [
      'wrong device enum',
      (h) => (h.dwelling.devices = ['tv', 'fax']),
      '$.dwelling.devices[1]',
      'household/invalid-value',
    ],
    ['wrong areaType', (h) => (h.areaType = 'suburban'), '$.areaType', 'household/invalid-value'],
    [
      'impossible date',
      (h) => (h.members[1].birthDate = '2025-02-30'),
      '$.members[1].birthDate',
      'household/invalid-date',
    ],
    [
      'badly formatted date',
      (h) => (h.members[0].birthDate = '10/05/1980'),
      '$.members[0].birthDate',
      'household/invalid-format',
    ],
    ['impossible reference date', (h) => (h.referenceDate = '2025-09-31'), '$.referenceDate', 'household/invalid-date'],
    ['negative floor area', (h) => (h.dwelling.floorAreaM2 = -5), '$.dwelling.floorAreaM2', 'household/too-small'],
    [
      'negative income',
      (h) => (h.income = { perCapitaMonthly: -1 }),
      '$.income.perCapitaMonthly',
      'household/too-small',
    ],
    [
      'negative B1 score beside an income',
      (h) => (h.income = { perCapitaMonthly: 1_000_000, b1Score: -1 }),
      '$.income.b1Score',
      'household/too-small',
    ],
    ['unknown income key', (h) => (h.income = { total: 5 }), '$.income.total', 'household/unknown-key'],
    ['bad uuid', (h) => (h.id = 'not-a-uuid'), '$.id', 'household/invalid-format'],
    ['missing field', (h) => delete h.members[2].healthInsurance, '$.members[2].healthInsurance', 'household/missing'],
    ['wrong type', (h) => (h.farming = 'yes'), '$.farming', 'household/invalid-type'],
    ['string number', (h) => (h.dwelling.floorAreaM2 = '40'), '$.dwelling.floorAreaM2', 'household/invalid-type'],
    ['no members', (h) => (h.members = []), '$.members', 'household/too-small'],
    ['bad period', (h) => (h.period = '2025-2026'), '$.period', 'household/invalid-format'],
    ['unknown unit without areaType', (h) => (h.unit = '12345'), '$.unit', 'household/unknown-unit'],
    [
      'duplicate member id',
      (h) => (h.members[2].id = h.members[0].id),
      '$.members[2].id',
      'household/duplicate-member-id',
    ],
    [
      'bad photo hash',
      (h) => (h.photos = [{ sha256: 'abc', kind: 'front', capturedAt: '2025-10-01T08:00:00Z' }]),
      '$.photos[0].sha256',
      'household/invalid-format',
    ],
    [
      'bad location',
      (h) => (h.location = { lat: 95, lng: 107.5, accuracyM: 10, capturedAt: '2025-10-01T08:00:00Z' }),
      '$.location.lat',
      'household/too-big',
    ],
    ['empty full name', (h) => (h.members[0].fullName = '  '), '$.members[0].fullName', 'household/too-small'],
  ])('rejects %s at its path', (_label, breakIt, path, code) => {
    const h = json()
    breakIt(h)
    const r = validateHousehold(h)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.errors).toContainEqual(expect.objectContaining({ path, code }))
  })

  it('lists every problem at once, each with its path', () => {
    const h = json()
    h.extra = 1
    h.members[1].birthDate = '2025-02-30'
    h.members[0].sex = 'x'
    h.dwelling.floorAreaM2 = -1
    const r = validateHousehold(h)
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.errors.map((e) => e.path).sort()).toEqual([
        '$.dwelling.floorAreaM2',
        '$.extra',
        '$.members[0].sex',
        '$.members[1].birthDate',
      ])
  })

  it('rejects non-objects at the root path', () => {
    for (const bad of [null, 42, 'x', []]) {
      const r = validateHousehold(bad)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.errors[0]?.path).toBe('$')
    }
  })

  it('accepts an unknown unit when areaType is given', () => {
    const h = json()
    h.unit = '12345'
    h.areaType = 'rural'
    expect(validateHousehold(h).ok).toBe(true)
  })

  it('accepts each income shape: per-capita, B1 score, both (IN3: per-capita decides), none; and an optional waste field', () => {
    for (const income of [
      { perCapitaMonthly: 0 },
      { b1Score: 150.5 },
      { perCapitaMonthly: 1_200_000, b1Score: 150 },
      {},
    ]) {
      const h = json()
      h.income = income
      delete h.dwelling.waste
      expect(validateHousehold(h).ok).toBe(true)
    }
  })

  it('warns, never fixes: personal-ID mismatches carry the member path', () => {
    const h = json()
    h.members[0].personalId = '046180123456' // 0 = 1900s male, year 80 → consistent with 1980 male head? digit 4 is "1" → female
    h.members[1].personalId = '123456789' // old CMND
    const r = validateHousehold(h)
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.warnings).toContainEqual(
        expect.objectContaining({ path: '$.members[0].personalId', code: 'personal-id/sex-mismatch' }),
      )
      expect(r.warnings).toContainEqual(
        expect.objectContaining({ path: '$.members[1].personalId', code: 'personal-id/legacy-cmnd' }),
      )
      expect(r.household.members[0]?.personalId).toBe('046180123456')
    }
  })

  it('warns about duplicate personal IDs within the household', () => {
    const h = json()
    h.members[2].personalId = h.members[0].personalId
    const r = validateHousehold(h)
    expect(r.ok).toBe(true)
    if (r.ok)
      expect(r.warnings).toContainEqual(
        expect.objectContaining({ path: '$.members[2].personalId', code: 'personal-id/duplicate' }),
      )
  })

  it('warns about a missing head, a birth after the reference date and a period without a standard', () => {
    const h = json()
    h.members[0].relation = 'other'
    h.members[2].birthDate = '2025-10-01'
    h.members[2].personalId = null
    h.period = '2031'
    h.members[2].birthDate = '2031-10-01'
    const r = validateHousehold(h)
    expect(r.ok).toBe(true)
    if (r.ok) {
      const codes = r.warnings.map((w) => w.code)
      expect(codes).toEqual(
        expect.arrayContaining([
          'household/head-count',
          'household/born-after-reference-date',
          'household/period-without-standard',
        ]),
      )
    }
  })
})
