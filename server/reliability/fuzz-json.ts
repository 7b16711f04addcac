// Changes to a JSON request body for the HTTP fuzzer: drop or add a key, a wrong type, a huge string, deep nesting.
// A change never shares an object with the values fast-check generates: fc.constantFrom hands out the same `[]` and
// `{}` on every draw, and a body that kept one could grow into a cycle across cases (and a walk over it without end).
import fc from 'fast-check'

export type JsonChange =
  | { op: 'drop'; pick: number }
  | { op: 'add'; key: string; value: unknown }
  | { op: 'retype'; pick: number; value: unknown }
  | { op: 'huge'; pick: number; length: number }
  | { op: 'nest'; depth: number }

export const jsonChange: fc.Arbitrary<JsonChange> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({
    op: fc.constant('add' as const),
    key: fc.string({ maxLength: 12 }),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({
    op: fc.constant('retype' as const),
    pick: fc.nat(),
    value: fc.oneof(
      fc.constantFrom(null, true, -1, 1e308, 0.5, '', [], {}, '__proto__', 2 ** 53),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  }),
  fc.record({ op: fc.constant('huge' as const), pick: fc.nat(), length: fc.integer({ min: 10_000, max: 2_000_000 }) }),
  fc.record({ op: fc.constant('nest' as const), depth: fc.integer({ min: 10, max: 5_000 }) }),
)

/** Every object/array in `v`, each once: the places a change can land. */
function containers(v: unknown): Record<string, unknown>[] {
  const out = new Set<Record<string, unknown>>()
  const stack = [v]
  while (stack.length > 0) {
    const x = stack.pop()
    if (x === null || typeof x !== 'object' || out.has(x as Record<string, unknown>)) continue
    out.add(x as Record<string, unknown>)
    stack.push(...Object.values(x))
  }
  return [...out]
}

/** A body wrapped `depth` times in objects and arrays, written out without recursion. */
export class Nested {
  constructor(
    readonly inner: unknown,
    readonly depth: number,
  ) {}
  toText(): string {
    const open = Array.from({ length: this.depth }, (_, i) => (i % 2 ? '[' : '{"a":')).join('')
    const close = Array.from({ length: this.depth }, (_, i) => (i % 2 ? ']' : '}'))
      .reverse()
      .join('')
    return open + textOf(this.inner) + close
  }
}

/** The JSON text of a (changed) body. */
export const textOf = (v: unknown): string => (v instanceof Nested ? v.toText() : (JSON.stringify(v) ?? 'null'))

/** `body` with `c` applied; `body` is changed in place, the change's own values are copied in, never shared. */
export function applyChange(body: unknown, c: JsonChange): unknown {
  if (c.op === 'nest') return new Nested(body, c.depth)
  if (body instanceof Nested) return new Nested(applyChange(body.inner, c), body.depth)
  const places = containers(body)
  if (places.length === 0) return c.op === 'add' ? { [c.key]: structuredClone(c.value) } : body
  const place = places[(c.op === 'add' ? c.key.length : c.pick) % places.length]!
  const keys = Object.keys(place)
  if (c.op === 'add') place[c.key] = structuredClone(c.value)
  else if (keys.length === 0) return body
  else {
    const key = keys[c.pick % keys.length]!
    if (c.op === 'drop') delete place[key]
    else if (c.op === 'retype') place[key] = structuredClone(c.value)
    else place[key] = 'ư'.repeat(c.length)
  }
  return body
}
