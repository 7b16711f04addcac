// Phiếu B1 point table files: the example in docs/examples loads; each kind of error is refused whole and names its
// JSON path (unknown keys, duplicate ids, options without points, number items without one scoring, cut-offs out of order).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { testB1Table } from '../test-support/b1-tables.ts'
import { loadB1Table } from './b1-table-schema.ts'
import { STANDARDS } from './standards.ts'

const base = () => JSON.parse(JSON.stringify(testB1Table())) as Record<string, unknown> & { items: any[] } // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke at raw JSON
const ids = STANDARDS.map((s) => s.id)

describe('loadB1Table', () => {
  it('accepts the documented example and the test table unchanged', () => {
    const example: unknown = JSON.parse(
      readFileSync(new URL('../../docs/examples/b1-table-nd07-rural.json', import.meta.url), 'utf8'),
    )
    const r = loadB1Table(example, ids)
    expect(r.ok).toBe(true)
    expect(loadB1Table(base(), ids)).toEqual({ ok: true, table: testB1Table() })
  })

  const cases: [string, (t: ReturnType<typeof base>) => void, string, string][] = [
    ['unknown key at the top', (t) => (t.extra = 1), '$', 'b1-table/invalid'],
    [
      'unknown key in an option',
      (t) => (t.items[1].options[0].colour = 'red'),
      '$.items[1].options[0]',
      'b1-table/invalid',
    ],
    [
      'option without points',
      (t) => delete t.items[1].options[2].points,
      '$.items[1].options[2].points',
      'b1-table/invalid',
    ],
    ['duplicate item id', (t) => (t.items[2].id = 'floor'), '$.items[2].id', 'b1-table/duplicate-item'],
    [
      'duplicate option id',
      (t) => (t.items[1].options[1].id = 'earth'),
      '$.items[1].options[1].id',
      'b1-table/duplicate-option',
    ],
    [
      'number item with both scorings',
      (t) => (t.items[3].bands = [{ atLeast: 0, points: 1 }]),
      '$.items[3]',
      'b1-table/number-scoring',
    ],
    [
      'number item with neither scoring',
      (t) => delete t.items[3].pointsPerUnit,
      '$.items[3]',
      'b1-table/number-scoring',
    ],
    [
      'overlapping bands',
      (t) => (t.items[0].bands[1].atLeast = 2),
      '$.items[0].bands[1]',
      'b1-table/bands-out-of-order',
    ],
    [
      'cut-offs out of order',
      (t) => (t.cutoffs = { poorAtOrBelow: 150, nearPoorAtOrBelow: 140 }),
      '$.cutoffs',
      'b1-table/cutoffs-out-of-order',
    ],
    ['unknown area type', (t) => (t.areaType = 'suburban'), '$.areaType', 'b1-table/invalid'],
    ['unknown standard', (t) => (t.standard = 'ND99'), '$.standard', 'b1-table/invalid'],
    ['wrong format', (t) => (t.format = 'rasoat.b1-table/2'), '$.format', 'b1-table/invalid'],
    ['an item kind that does not exist', (t) => (t.items[0].kind = 'text'), '$.items[0].kind', 'b1-table/invalid'],
  ]
  it.each(cases)('%s → error at %s', (_name, spoil, path, code) => {
    const t = base()
    spoil(t)
    const r = loadB1Table(t, ids)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors).toContainEqual(expect.objectContaining({ path, code }))
  })

  it('reports every error of a file at once, none of it accepted', () => {
    const t = base()
    t.items[2].id = 'floor'
    t.cutoffs = { poorAtOrBelow: 200, nearPoorAtOrBelow: 100 }
    const r = loadB1Table(t, ids)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.errors.map((e) => e.path)).toEqual(['$.items[2].id', '$.cutoffs'])
  })
})
