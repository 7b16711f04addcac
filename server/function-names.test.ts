// The keepNames shortcut (function-names.ts): a function's name defined to the name it already has is left alone,
// every other definition still happens exactly as Object.defineProperty does it.
import { describe, expect, it } from 'vitest'
import './function-names.ts'

describe('Object.defineProperty with function names', () => {
  it('leaves a function alone when its name is defined to the name it has', () => {
    function fail(): number {
      return 1
    }
    const before = Object.getOwnPropertyDescriptor(fail, 'name')
    expect(Object.defineProperty(fail, 'name', { value: 'fail', configurable: true })).toBe(fail)
    expect(Object.getOwnPropertyDescriptor(fail, 'name')).toEqual(before)
  })

  it('still renames a function, and defines other properties and objects as before', () => {
    const f = [(): number => 2][0] as () => number // anonymous: its name is ''
    expect(f.name).toBe('')
    Object.defineProperty(f, 'name', { value: 'refuse', configurable: true })
    expect(f.name).toBe('refuse')
    const o: { name?: string } = {}
    Object.defineProperty(o, 'name', { value: 'x', enumerable: true })
    expect(o.name).toBe('x')
    function g(): void {}
    Object.defineProperty(g, 'name', { value: 'g', enumerable: true, configurable: true })
    expect(Object.getOwnPropertyDescriptor(g, 'name')?.enumerable).toBe(true)
  })

  it('throws as before on a name that cannot be redefined', () => {
    function h(): void {}
    Object.defineProperty(h, 'name', { value: 'h', configurable: false })
    expect(() => Object.defineProperty(h, 'name', { value: 'other', configurable: true })).toThrow(TypeError)
  })
})
