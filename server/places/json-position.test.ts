// The first bad offset of a JSON text agrees with JSON.parse on what is valid, and names the line an admin must fix.

import { describe, expect, it } from 'vitest'
import { jsonErrorOffset, lineOf } from './json-position.ts'

describe('jsonErrorOffset', () => {
  it('is null exactly when JSON.parse accepts the text', () => {
    const valid = ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"]} ', '"đ"', '0']
    const invalid = ['', '{', '{"a":}', '[1,,2]', '{"a" 1}', '[1] 2', '"a\nb"', '01', '{a:1}', 'tru', '"\\x"']
    for (const t of valid) expect(jsonErrorOffset(t), t).toBeNull()
    for (const t of invalid) {
      expect(() => JSON.parse(t), t).toThrow()
      expect(jsonErrorOffset(t), t).not.toBeNull()
    }
  })

  it('points at the line of the first mistake', () => {
    const text = '{\n  "format": "rasoat.units/1",\n  "units": [\n    { "code": "19900" },\n    { "code" "2" }\n  ]\n}'
    expect(lineOf(text, jsonErrorOffset(text) ?? -1)).toBe(5)
    const open = '{\n  "units": [\n'
    expect(lineOf(open, jsonErrorOffset(open) ?? -1)).toBe(3)
  })
})
