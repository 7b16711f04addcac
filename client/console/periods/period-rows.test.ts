// The review-period screen's rows: counts joined per period, newest first; standards by their display name; the next
// period suggested from the newest one; refusals mapped to their explanation; both dictionaries complete.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { en, vi } from '../../i18n/periods.ts'
import { nextPeriod, periodRows, refusalKey, standardName, type PeriodInfo } from './period-rows.ts'

const period = (id: string, extra: Partial<PeriodInfo> = {}): PeriodInfo => ({
  id,
  standard: 'ND07_2022_2025',
  referenceDate: `${id}-09-01`,
  isCurrent: false,
  status: 'open',
  previousId: null,
  openedAt: null,
  closedAt: null,
  ...extra,
})

describe('period rows', () => {
  it('joins counts per period, newest first, zero when a period has no household', () => {
    const rows = periodRows(
      [period('2025', { isCurrent: true }), period('2026', { previousId: '2025' })],
      [{ period: '2025', households: 10, poor: 2, nearPoor: 3, carried: 0 }],
    )
    expect(rows.map((r) => [r.id, r.counts.households, r.counts.poor])).toEqual([
      ['2026', 0, 0],
      ['2025', 10, 2],
    ])
  })

  it('names a standard in the screen language, and an unknown one by its id', () => {
    expect(standardName('ND351_2027_2030', 'vi')).toBe('Nghị định 351/2025/NĐ-CP, giai đoạn 2027–2030')
    expect(standardName('ND07_2022_2025', 'en')).toBe('Decree 07/2021/ND-CP, 2022–2025')
    expect(standardName('ND99', 'vi')).toBe('ND99')
  })

  it('suggests the year after the newest period, its standard, 1 September, following the current period', () => {
    expect(nextPeriod([period('2025', { isCurrent: true })])).toEqual({
      id: '2026',
      standard: 'ND07_2022_2025',
      referenceDate: '2026-09-01',
      from: '2025',
    })
    expect(nextPeriod([period('2026', { isCurrent: true }), period('2025')])).toMatchObject({
      id: '2027',
      standard: 'ND351_2027_2030',
      from: '2026',
    })
  })

  it('explains the refusals it knows; others fall back to the generic message', () => {
    expect(refusalKey('period/current')).toBe('periods.error.period/current')
    expect(refusalKey('network/offline')).toBeNull()
  })

  it('vi and en have the same keys, and every t() key of the screens exists', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort())
    const dir = 'client/console/periods'
    const used = new Set<string>()
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.svelte')))
      for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/\bt\('(periods\.[\w./-]*)'/g)) used.add(m[1]!)
    expect(used.size).toBeGreaterThan(10)
    expect([...used].filter((k) => !(k in vi))).toEqual([])
    for (const code of ['period/exists', 'period/closed', 'period/current', 'period/busy', 'request/invalid'])
      expect(vi[refusalKey(code) ?? '']).toBeDefined()
  })
})
