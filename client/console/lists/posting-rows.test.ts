// The printed table's rows: STT hộ and the flags on the head's row only, birth years under Nam or Nữ, a village
// heading per village when the list spans the commune; the flag columns each list prints.
import { describe, expect, it } from 'vitest'
import type { ListHousehold } from '../../../shared/reports/posting-list-types.ts'
import { flagColumns, postingGroups } from './posting-rows.ts'

const household = (id: string, villageId: string, members: [string, 'male' | 'female', number | null][]) =>
  ({
    id,
    villageId,
    villageName: `Thôn ${villageId}`,
    headName: members[0]?.[0] ?? '',
    address: '',
    status: 'verified',
    move: 'again',
    meritoriousFamily: true,
    ethnicMinority: false,
    noWorkingCapacity: true,
    members: members.map(([name, sex, birthYear], i) => ({
      name,
      sex,
      birthYear,
      ethnicity: 'Kinh',
      relation: i === 0 ? 'head' : 'child',
    })),
  }) satisfies ListHousehold

describe('postingGroups', () => {
  const households = [
    household('h1', 'A', [
      ['Chủ Hộ Một', 'female', 1950],
      ['Con Một', 'male', 1980],
    ]),
    household('h2', 'A', [['Chủ Hộ Hai', 'male', null]]),
    household('h3', 'B', [['Chủ Hộ Ba', 'male', 1970]]),
  ]

  it('numbers households and members, puts birth years in the Nam or Nữ column and the marks on the head row only', () => {
    const groups = postingGroups(households, false)
    expect(groups.map((g) => [g.householdId, g.village])).toEqual([
      ['h1', null],
      ['h2', null],
      ['h3', null],
    ])
    const rows = groups.flatMap((g) => g.rows)
    expect(rows.map((r) => [r.householdNo, r.memberNo, r.maleYear, r.femaleYear])).toEqual([
      [1, 1, null, 1950],
      [null, 2, 1980, null],
      [2, 1, null, null],
      [3, 1, 1970, null],
    ])
    const [head, child] = rows
    expect(head).toMatchObject({ move: 'again', meritoriousFamily: true, noWorkingCapacity: true })
    expect(child).toMatchObject({ move: null, meritoriousFamily: false, noWorkingCapacity: false })
  })

  it('a list of the whole commune heads the first household of each village with the village', () => {
    expect(postingGroups(households, true).map((g) => [g.householdId, g.village, g.rows.length])).toEqual([
      ['h1', 'Thôn A', 2],
      ['h2', null, 1],
      ['h3', 'Thôn B', 1],
    ])
  })
})

describe('flagColumns', () => {
  it('labels each list’s movement columns with the official words', () => {
    expect(flagColumns('poor').map((c) => c.label.vi)).toEqual(['Nghèo mới', 'Tái nghèo', 'Nghèo cũ'])
    expect(flagColumns('near_poor').map((c) => c.move)).toEqual(['new', 'again', 'old', 'from_poor'])
    expect(flagColumns('escaped_poor').map((c) => c.label.vi)).toEqual(['Thoát nghèo', 'Chuyển sang cận nghèo'])
    expect(flagColumns('escaped_near_poor').map((c) => c.label.vi)).toEqual(['Thoát cận nghèo'])
  })
})
