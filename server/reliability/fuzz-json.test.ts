// The HTTP fuzzer's body changes keep to their own case: what fast-check generates is never changed by applying it, so
// no body can grow a cycle over the cases of a run (fuzz-http died once with a walk over one that never ended).
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { applyChange, jsonChange, Nested, textOf } from './fuzz-json.ts'

const body = () => ({ username: 'u', villages: ['A1', 'A2'], meta: { a: [1, { b: 2 }], c: {} } })

it('applying a change copies its values in: the generated changes stay as drawn and every body is JSON', () => {
  fc.assert(
    fc.property(fc.array(jsonChange, { maxLength: 3 }), (changes) => {
      const drawn = JSON.stringify(changes)
      let b: unknown = body()
      for (const c of changes) b = applyChange(b, c)
      expect(JSON.stringify(changes)).toBe(drawn)
      expect(() => textOf(b)).not.toThrow()
    }),
    { seed: 20261207, numRuns: 3_000 },
  )
})

it('a nested body keeps its depth and a later change lands inside it', () => {
  const b = applyChange(applyChange(body(), { op: 'nest', depth: 4 }), { op: 'add', key: 'k', value: [7] })
  expect(b).toBeInstanceOf(Nested)
  const inner = (JSON.parse(textOf(b)) as { a: [{ a: [unknown] }] }).a[0].a[0]
  expect(JSON.stringify(inner)).toContain('"k":[7]')
  expect(inner).toMatchObject({ username: 'u', villages: ['A1', 'A2'] })
})
