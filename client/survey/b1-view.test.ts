// The survey view with a Phiếu B1 point table: the table for the household's standard and area type is picked, the
// score follows the answers, unanswered items block submit pointing at the first one; without a table the provisional
// cut-off is named. Also every `b1.` key the screens use exists in vi and en.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { testB1Table } from '../../shared/test-support/b1-tables.ts'
import { makeHousehold } from '../../shared/test-support/household-fixtures.ts'
import { en, vi } from '../i18n/b1.ts'
import { surveyView } from './survey-view.ts'

const TODAY = '2025-11-29'
const rural = testB1Table()
const urban = testB1Table({ version: 'urban-1' }, 'urban')

function doc() {
  return HouseholdDoc.create(makeHousehold({ unit: '20056', income: {} }))
}

describe('surveyView with B1 point tables', () => {
  it('picks the table of the household area type and points the missing list at the first unanswered item', () => {
    const d = doc()
    d.answerB1(rural, 'household_size', 4)
    const v = surveyView(d.read(), TODAY, () => true, [urban, rural])
    expect(v.b1Table?.version).toBe('test-1')
    expect(v.b1).toMatchObject({ score: null, answered: 1, missing: ['floor', 'cooking_fuel', 'motorbikes'] })
    expect(v.missing).toContainEqual({
      key: 'b1.missing.items',
      params: { count: 3 },
      target: { step: 'income', field: 'b1Answers.floor' },
    })
    expect(v.missing.some((m) => m.key === 'survey.missing.income')).toBe(false)
  })

  it('all items answered: the score and the category with the table named', () => {
    const d = doc()
    for (const [id, val] of [
      ['household_size', 4],
      ['floor', 'earth'],
      ['cooking_fuel', 'wood'],
      ['motorbikes', 1],
    ] as const)
      d.answerB1(rural, id, val)
    const v = surveyView(d.read(), TODAY, () => true, [rural])
    expect(v.b1?.score).toBe(65)
    expect(v.classification?.b1Cutoffs).toMatchObject({ source: 'table', table: { version: 'test-1' } })
    expect(v.missing.some((m) => m.key === 'b1.missing.items')).toBe(false)
  })

  it('no table for the area type: the single box, the provisional cut-off in the result', () => {
    const d = doc()
    d.setIncome({ b1Score: 130 })
    const v = surveyView(d.read(), TODAY, () => true, [urban])
    expect(v.b1Table).toBeNull()
    expect(v.classification?.b1Cutoffs).toEqual({ source: 'provisional', atOrBelow: 140 })
  })

  it('every b1. key used by the survey and the console tab is in both dictionaries', () => {
    const root = join(import.meta.dirname, '../..')
    const dirs = ['client/survey', 'client/console/b1'].map((x) => join(root, x))
    const used = new Set<string>()
    for (const dir of dirs) {
      let files: string[] = []
      try {
        files = readdirSync(dir)
      } catch {
        continue
      }
      for (const f of files.filter((f) => /\.(svelte|ts)$/.test(f) && !f.endsWith('.test.ts'))) {
        const src = readFileSync(join(dir, f), 'utf8')
        for (const m of src.matchAll(/['"`](b1\.[A-Za-z0-9_.]+)['"`]/g)) used.add(m[1] as string)
      }
    }
    expect(used.size).toBeGreaterThan(5)
    expect([...used].filter((k) => !k.endsWith('.') && (!(k in vi) || !(k in en)))).toEqual([])
  })
})
