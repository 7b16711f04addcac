// Tests for the bundled Huế unit list and the replacement loader.
import { describe, expect, it } from 'vitest'
import bundled from './hue-units.json' with { type: 'json' }
import { areaTypeOfUnit, findUnit, listUnits, unitDisplayName } from './units.ts'
import { loadUnitCatalogue } from './unit-list-schema.ts'

describe('bundled Huế units', () => {
  it('has exactly 40 units: 21 phường (urban), 19 xã (rural), unique codes', () => {
    const units = listUnits()
    expect(units).toHaveLength(40)
    expect(units.filter((u) => areaTypeOfUnit(u.code) === 'urban')).toHaveLength(21)
    expect(units.filter((u) => areaTypeOfUnit(u.code) === 'rural')).toHaveLength(19)
    expect(new Set(units.map((u) => u.code)).size).toBe(40)
  })

  it('says where it comes from and that it must be verified', () => {
    expect(bundled.source.length).toBeGreaterThan(0)
    expect(bundled.note).toMatch(/verified/)
  })

  it('finds units and derives the area type (phường → urban, xã → rural)', () => {
    const thuanHoa = findUnit('19789')
    expect(thuanHoa && unitDisplayName(thuanHoa)).toBe('Phường Thuận Hóa')
    expect(areaTypeOfUnit('19789')).toBe('urban')
    expect(areaTypeOfUnit('20056')).toBe('rural') // Xã A Lưới 1
    expect(findUnit('99999')).toBeUndefined()
    expect(areaTypeOfUnit('99999')).toBeUndefined()
  })
})

describe('loadUnitCatalogue (admin replacement)', () => {
  it('accepts the bundled hue-units.json (checked here, not at load time on the phone)', () => {
    const result = loadUnitCatalogue(bundled)
    expect(result.ok).toBe(true)
    if (result.ok) expect(result.catalogue.listUnits().map((u) => u.code)).toEqual(listUnits().map((u) => u.code))
  })

  it('accepts a valid replacement list', () => {
    const result = loadUnitCatalogue({
      format: 'rasoat.units/1',
      source: 'test',
      units: [
        { code: '00001', name: 'Một', kind: 'phường' },
        { code: '00002', name: 'Hai', kind: 'xã' },
      ],
    })
    expect(result.ok).toBe(true)
    if (result.ok) {
      expect(result.catalogue.listUnits()).toHaveLength(2)
      expect(result.catalogue.areaTypeOfUnit('00002')).toBe('rural')
    }
  })

  it('rejects duplicate codes, bad kinds and unknown keys with paths', () => {
    const result = loadUnitCatalogue({
      format: 'rasoat.units/1',
      source: 'test',
      units: [
        { code: '00001', name: 'Một', kind: 'phường' },
        { code: '00001', name: 'Hai', kind: 'xã' },
      ],
    })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]).toMatchObject({ path: '$.units[1].code', code: 'units/duplicate-code' })

    const bad = loadUnitCatalogue({
      format: 'rasoat.units/1',
      source: 'x',
      units: [{ code: '1', name: 'A', kind: 'huyện', extra: 1 }],
    })
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      const paths = bad.errors.map((e) => e.path)
      expect(paths).toContain('$.units[0].code')
      expect(paths).toContain('$.units[0].kind')
    }
  })
})
