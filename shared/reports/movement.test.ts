// Table tests of the movement labels: each row is a household's history and the labels the official lists expect.
import { describe, expect, it } from 'vitest'
import type { Category } from '../household/types.ts'
import { movement, type Movement } from './movement.ts'

const cases: [string, Category | 'gone', Category[], Movement][] = [
  ['poor both periods', 'poor', ['poor'], { poor: 'old', nearPoor: null }],
  ['first seen poor', 'poor', [], { poor: 'new', nearPoor: null }],
  ['not poor before, never poor', 'poor', ['not_poor', 'near_poor'], { poor: 'new', nearPoor: null }],
  ['poor two periods ago, escaped, poor again', 'poor', ['not_poor', 'poor'], { poor: 'again', nearPoor: null }],
  ['near-poor last period, now poor', 'poor', ['near_poor'], { poor: 'new', nearPoor: 'to_poor' }],
  ['near-poor last period after being poor', 'poor', ['near_poor', 'poor'], { poor: 'again', nearPoor: 'to_poor' }],
  ['poor to near-poor', 'near_poor', ['poor'], { poor: 'to_near_poor', nearPoor: 'from_poor' }],
  ['near-poor both periods', 'near_poor', ['near_poor'], { poor: null, nearPoor: 'old' }],
  ['first seen near-poor', 'near_poor', [], { poor: null, nearPoor: 'new' }],
  ['near-poor again', 'near_poor', ['average', 'near_poor'], { poor: null, nearPoor: 'again' }],
  ['poor escaped to not poor', 'not_poor', ['poor'], { poor: 'escaped', nearPoor: null }],
  ['poor escaped to average', 'average', ['poor'], { poor: 'escaped', nearPoor: null }],
  ['near-poor escaped', 'not_poor', ['near_poor'], { poor: null, nearPoor: 'escaped' }],
  ['never on a list', 'not_poor', ['not_poor'], { poor: null, nearPoor: null }],
  ['poor household left', 'gone', ['poor'], { poor: 'gone', nearPoor: null }],
  ['near-poor household left', 'gone', ['near_poor'], { poor: null, nearPoor: 'gone' }],
  ['not yet classified', 'incomplete', ['poor'], { poor: null, nearPoor: null }],
  ['previous record unclassified counts as not on a list', 'poor', ['incomplete'], { poor: 'new', nearPoor: null }],
]

describe('movement', () => {
  it.each(cases)('%s', (_name, current, earlier, expected) => {
    expect(movement(current, earlier)).toEqual(expected)
  })
})
