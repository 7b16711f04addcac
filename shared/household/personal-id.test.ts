// Personal-ID (CCCD) checks of DOMAIN.md §5: format, province, century/sex digit, birth year.
import { describe, expect, it } from 'vitest'
import { decodePersonalId, personalIdCheck } from './personal-id.ts'

const codes = (personalId: string | null, sex: 'male' | 'female', birthDate: string) =>
  personalIdCheck({ personalId, sex, birthDate }).map((w) => w.code)

describe('personalIdCheck', () => {
  it.each<[string | null, 'male' | 'female', string, string[]]>([
    [null, 'male', '1980-01-01', []],
    ['046080123456', 'male', '1980-05-10', []],
    ['046180123456', 'female', '1980-05-10', []],
    ['046215123456', 'male', '2015-03-15', []],
    ['046315123456', 'female', '2015-03-15', []],
    ['079080123456', 'male', '1980-05-10', []], // born in Hồ Chí Minh City: any known province is fine
    ['046180123456', 'male', '1980-05-10', ['personal-id/sex-mismatch']],
    ['046081123456', 'male', '1980-05-10', ['personal-id/year-mismatch']],
    ['046280123456', 'male', '1980-05-10', ['personal-id/century-mismatch']],
    ['046380123456', 'male', '1980-05-10', ['personal-id/sex-mismatch', 'personal-id/century-mismatch']],
    ['003080123456', 'male', '1980-05-10', ['personal-id/unknown-province']],
    ['123456789', 'male', '1980-05-10', ['personal-id/legacy-cmnd']],
    ['04608012345', 'male', '1980-05-10', ['personal-id/format']],
    ['04608012345X', 'male', '1980-05-10', ['personal-id/format']],
    ['', 'male', '1980-05-10', ['personal-id/format']],
  ])('%s (%s, born %s) → %o', (id, sex, birthDate, expected) => {
    expect(codes(id, sex, birthDate)).toEqual(expected)
  })

  it('every warning has an English and a Vietnamese message on field personalId', () => {
    const [w] = personalIdCheck({ personalId: '046081123456', sex: 'male', birthDate: '1980-05-10' })
    expect(w).toMatchObject({ field: 'personalId' })
    expect(w?.message).toMatch(/1981/)
    expect(w?.vi).toMatch(/năm sinh 1981/)
  })

  it('decodes province, sex and birth year', () => {
    expect(decodePersonalId('046315123456')).toEqual({ province: '046', sex: 'female', birthYear: 2015 })
    expect(decodePersonalId('12345')).toBeUndefined()
  })
})
