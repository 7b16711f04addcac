// The shell's dictionary: Vietnamese by default, English complete, every literal key used by shell components defined.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { en } from './en.ts'
import { buildDictionaries, interpolate, translate } from './dictionary.ts'
import { vi } from './vi.ts'
import { SYNC_ERROR_CODES } from '../../shared/sync/errors.ts'
import { CATEGORIES, STATUSES } from '../../shared/household/types.ts'

describe('i18n', () => {
  const d = buildDictionaries()
  it('Vietnamese and English lookups, with Vietnamese as the fallback', () => {
    expect(translate(d, 'vi', 'nav.logout')).toBe('Đăng xuất')
    expect(translate(d, 'en', 'nav.logout')).toBe('Sign out')
    expect(translate({ vi: { only: 'chỉ tiếng Việt' }, en: {} }, 'en', 'only')).toBe('chỉ tiếng Việt')
  })

  it('interpolates parameters and shows an unknown key as itself', () => {
    expect(interpolate('{n} chưa đồng bộ', { n: 3 })).toBe('3 chưa đồng bộ')
    expect(translate(d, 'vi', 'no.such.key')).toBe('no.such.key')
  })

  it('merges the survey form keys (survey.*) into both languages', () => {
    expect(Object.keys(d.vi).filter((k) => k.startsWith('survey.')).length).toBeGreaterThan(0)
    expect(Object.keys(d.en).filter((k) => k.startsWith('survey.')).length).toBeGreaterThan(0)
  })

  it('vi and en have the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort())
  })

  it('every literal t() key in the shell components exists', () => {
    const dirs = ['client/screens', 'client']
    const keys = new Set<string>()
    for (const dir of dirs) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.svelte'))) {
        const text = readFileSync(join(dir, f), 'utf8')
        for (const m of text.matchAll(/\bt\('([a-z][\w.]*)'/g)) keys.add(m[1]!)
      }
    }
    expect(keys.size).toBeGreaterThan(40)
    expect([...keys].filter((k) => !(k in vi))).toEqual([])
  })

  it('every key built from data (sync error codes, statuses, categories) exists in vi and en', () => {
    const keys = [
      ...SYNC_ERROR_CODES.map((c) => `sync.error.${c}`),
      ...STATUSES.map((s) => `status.${s}`),
      ...CATEGORIES.map((c) => `category.${c}`),
    ]
    expect(keys.filter((k) => !(k in vi) || !(k in en))).toEqual([])
  })
})
