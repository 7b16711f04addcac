// /live deltas replace table rows in place and append new ones, keeping the order the server gave first.
import { expect, it } from 'vitest'
import { mergeRows } from './merge-rows.ts'

it('replaces by key, appends unknown rows, leaves the rest', () => {
  const rows = [
    { k: 'a', n: 1 },
    { k: 'b', n: 2 },
  ]
  expect(
    mergeRows(
      rows,
      [
        { k: 'b', n: 5 },
        { k: 'c', n: 3 },
      ],
      (r) => r.k,
    ),
  ).toEqual([
    { k: 'a', n: 1 },
    { k: 'b', n: 5 },
    { k: 'c', n: 3 },
  ])
  expect(mergeRows(rows, [], (r) => r.k)).toBe(rows)
})
