// The phone's conflict notice in words: question, values and kept value as the form names them; settled ones say who.
import { describe, expect, it } from 'vitest'
import { conflictLines } from './conflict-lines.ts'

describe('conflictLines', () => {
  it('an open conflict on the floor area reads in words, never as a path', () => {
    const [line] = conflictLines([{ conflictId: '1', path: 'dwelling.floorAreaM2', values: [50, 25], kept: 25 }], 'vi')
    expect(line).toEqual({
      conflictId: '1',
      question: 'Diện tích sàn (m²)',
      values: '50 m² / 25 m²',
      kept: '25 m²',
    })
  })

  it('a member field names the member; a settled one says who chose which value', () => {
    const [line] = conflictLines(
      [
        {
          conflictId: '2',
          path: 'members.m1.sex',
          values: ['male', 'female'],
          kept: 'male',
          settled: { status: 'resolved', by: 'Trần Quản Trị', value: 'female', at: 1 },
        },
      ],
      'en',
      (id) => (id === 'm1' ? 'Nguyễn Văn A' : undefined),
    )
    expect(line).toMatchObject({
      question: 'Nguyễn Văn A — Sex',
      values: 'Male / Female',
      settled: { status: 'resolved', by: 'Trần Quản Trị', value: 'Female' },
    })
  })
})
