// Paths and values in words, as the conflict queue and the phone show them: never a raw path or code.
import { describe, expect, it } from 'vitest'
import { answerWords, questionWords } from './field-words.ts'

describe('questionWords', () => {
  it('names a household question in both languages', () => {
    expect(questionWords('dwelling.floorAreaM2')).toEqual({ vi: 'Diện tích sàn (m²)', en: 'Floor area (m²)' })
    expect(questionWords('address').vi).toBe('Địa chỉ')
    expect(questionWords('income.perCapitaMonthly').vi).toBe('Thu nhập bình quân (đồng/người/tháng)')
  })

  it('names the member of a member field, or says "member" when the name is not known', () => {
    const names = (id: string) => (id === 'm1' ? 'Nguyễn Văn A' : undefined)
    expect(questionWords('members.m1.birthDate', names)).toEqual({
      vi: 'Nguyễn Văn A — Ngày sinh',
      en: 'Nguyễn Văn A — Birth date',
    })
    expect(questionWords('members.m2.sex', names).vi).toBe('Thành viên — Giới tính')
  })

  it('names the item of a set-like question (devices, causes, needs)', () => {
    expect(questionWords('devices.tv').vi).toBe('Phương tiện tiếp cận thông tin — Ti vi')
    expect(questionWords('causes.lack_land').en).toBe('Causes of poverty — Lacks farmland')
  })

  it('falls back to the path itself only for paths the layout does not know', () => {
    expect(questionWords('nonsense.path').vi).toBe('nonsense.path')
  })
})

describe('answerWords', () => {
  it.each([
    ['dwelling.floorAreaM2', 50, 'vi', '50 m²'],
    ['dwelling.floorAreaM2', 12.5, 'vi', '12,5 m²'],
    ['dwelling.floorAreaM2', 12.5, 'en', '12.5 m²'],
    ['income.perCapitaMonthly', 1500000, 'vi', '1.500.000 đồng'],
    ['income.perCapitaMonthly', 1500000, 'en', '1,500,000 VND'],
    ['dwelling.roofDurable', true, 'vi', 'Có'],
    ['dwelling.roofDurable', false, 'en', 'No'],
    ['dwelling.water', 'piped', 'vi', 'Nước máy'],
    ['members.m1.sex', 'female', 'vi', 'Nữ'],
    ['members.m1.relation', 'spouse', 'en', 'Spouse'],
    ['members.m1.birthDate', '1990-05-03', 'vi', '03/05/1990'],
    ['dwelling.waste', null, 'vi', '(để trống)'],
    ['workflow.status', 'submitted', 'vi', 'Đã gửi'],
    ['address', '12 Lê Lợi', 'vi', '12 Lê Lợi'],
  ] as const)('%s = %j (%s) → %s', (path, value, lang, words) => {
    expect(answerWords(path, value, lang)).toBe(words)
  })
})
