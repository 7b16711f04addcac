// Tests for the Vietnamese search folding.
import { describe, expect, it } from 'vitest'
import { foldForSearch, matchesSearch } from './fold.ts'

describe('foldForSearch', () => {
  it.each([
    ['Nguyễn Hữu Phong', 'nguyen huu phong'],
    ['ĐẶNG THỊ Đào', 'dang thi dao'],
    ['  Trần   Văn\tƠn  ', 'tran van on'],
    ['Hồ Thị Ưng', 'ho thi ung'],
    ['Phường Thuận Hóa', 'phuong thuan hoa'],
    ['Xã Chân Mây - Lăng Cô', 'xa chan may - lang co'],
    ['Vỹ Dạ', 'vy da'],
    ['', ''],
  ])('%s → %s', (input, folded) => {
    expect(foldForSearch(input)).toBe(folded)
  })

  it('folds precomposed and decomposed input the same way', () => {
    expect(foldForSearch('Nguyễn'.normalize('NFD'))).toBe(foldForSearch('Nguyễn'.normalize('NFC')))
  })

  it('"nguyen huu phong" matches "Nguyễn Hữu Phong"', () => {
    expect(foldForSearch('Nguyễn Hữu Phong')).toBe(foldForSearch('nguyen huu phong'))
    expect(matchesSearch('Nguyễn Hữu Phong', 'nguyen huu phong')).toBe(true)
    expect(matchesSearch('Nguyễn Hữu Phong', 'phong nguyen')).toBe(true)
    expect(matchesSearch('Nguyễn Hữu Phong', 'phuong')).toBe(false)
    expect(matchesSearch('Nguyễn Hữu Phong', '   ')).toBe(true)
  })
})
