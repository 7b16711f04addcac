// The survey dictionaries must stay in step: same keys in both languages, all prefixed, placeholders matching.
import { describe, expect, it } from 'vitest'
import { en, vi } from './survey.ts'

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('survey dictionaries', () => {
  it('have the same keys in vi and en, all prefixed survey.', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort())
    for (const k of Object.keys(vi)) expect(k.startsWith('survey.')).toBe(true)
  })
  it('use the same placeholders in both languages', () => {
    for (const [k, v] of Object.entries(vi)) expect(placeholders(en[k] ?? ''), k).toEqual(placeholders(v))
  })
})
