// Which list a household's history puts it on, with which flag; members in print order without IDs; name order.
import { describe, expect, it } from 'vitest'
import type { Category } from '../../shared/household/types.ts'
import { makeMember } from '../../shared/test-support/household-fixtures.ts'
import { compareNames, listMembers, listMove, type ListKind } from './posting-list.ts'

const cases: [ListKind, Category, Category[], string | null][] = [
  ['poor', 'poor', ['poor'], 'old'],
  ['poor', 'poor', [], 'new'],
  ['poor', 'poor', ['not_poor', 'poor'], 'again'],
  ['poor', 'near_poor', ['poor'], null],
  ['near_poor', 'near_poor', ['near_poor'], 'old'],
  ['near_poor', 'near_poor', ['poor'], 'from_poor'],
  ['near_poor', 'near_poor', ['average', 'near_poor'], 'again'],
  ['near_poor', 'poor', ['near_poor'], null],
  ['escaped_poor', 'not_poor', ['poor'], 'escaped'],
  ['escaped_poor', 'average', ['poor'], 'escaped'],
  ['escaped_poor', 'near_poor', ['poor'], 'to_near_poor'],
  ['escaped_poor', 'not_poor', ['not_poor', 'poor'], null],
  ['escaped_poor', 'poor', ['poor'], null],
  ['escaped_near_poor', 'not_poor', ['near_poor'], 'escaped'],
  ['escaped_near_poor', 'poor', ['near_poor'], null],
  ['escaped_near_poor', 'incomplete', ['near_poor'], null],
]

describe('listMove', () => {
  it.each(cases)('%s list: now %s after %j → %s', (list, current, earlier, expected) => {
    expect(listMove(list, current, earlier)).toBe(expected)
  })
})

describe('listMembers', () => {
  it('puts the head first, keeps the birth year only, and never carries the personal ID', () => {
    const members = listMembers([
      makeMember({ fullName: 'Con', relation: 'child', birthDate: '2010-02-03', personalId: '046210000001' }),
      makeMember({ fullName: 'Chủ Hộ', relation: 'head', sex: 'female', birthDate: '1961-12-31' }),
    ])
    expect(members.map((m) => [m.name, m.birthYear, m.sex, m.relation])).toEqual([
      ['Chủ Hộ', 1961, 'female', 'head'],
      ['Con', 2010, 'male', 'child'],
    ])
    expect(JSON.stringify(members)).not.toContain('046210000001')
  })
})

describe('compareNames', () => {
  it('orders without diacritics first (Đ with D, Á with A) and breaks folded ties by the written form', () => {
    const names = ['Trần Văn Bình', 'Dương Văn Cường', 'Đặng Thị Ánh', 'Đặng Thị Anh', 'Bùi Văn Khá', 'Dang Thi Anh']
    expect([...names].sort(compareNames)).toEqual([
      'Bùi Văn Khá',
      'Dang Thi Anh',
      'Đặng Thị Anh',
      'Đặng Thị Ánh',
      'Dương Văn Cường',
      'Trần Văn Bình',
    ])
  })
})
