// The report screen's query: a village is always sent with its commune (a supervisor's comes from the last report).
import { describe, expect, it } from 'vitest'
import { reportQuery } from './report-data.ts'

describe('reportQuery', () => {
  it('sends the village with the chosen commune, or with the commune the last report was about', () => {
    expect(reportQuery({ period: '2025', unit: undefined, village: undefined, commune: null })).toEqual({
      period: '2025',
      unit: undefined,
      village: undefined,
    })
    expect(reportQuery({ period: '2025', unit: '19900', village: 'A', commune: null })).toMatchObject({
      unit: '19900',
      village: 'A',
    })
    expect(reportQuery({ period: '2025', unit: undefined, village: 'A', commune: '19900' })).toMatchObject({
      unit: '19900',
      village: 'A',
    })
    expect(reportQuery({ period: '2025', unit: undefined, village: 'A', commune: null })).toMatchObject({
      unit: undefined,
      village: undefined,
    })
  })
})
