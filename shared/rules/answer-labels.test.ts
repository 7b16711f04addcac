// Reasons name coded answers in words (I09 water, I10 toilet, I12 devices), in both languages, never as raw codes.
import { describe, expect, it } from 'vitest'
import { makeHousehold } from '../test-support/household-fixtures.ts'
import { TOILETS, WATER_SOURCES } from '../household/types.ts'
import { DEVICE_LABELS, TOILET_LABELS, WATER_LABELS } from './answer-labels.ts'
import { classify } from './classify.ts'

describe('answer labels in reasons', () => {
  it.each(
    WATER_SOURCES.filter(
      (w) => !['piped', 'drilled_well', 'protected_dug_well', 'protected_spring', 'rainwater', 'bottled'].includes(w),
    ),
  )('I09 names the water source %s in words', (water) => {
    const h = makeHousehold()
    const r = classify({ ...h, dwelling: { ...h.dwelling, water } }).reasons.find((x) => x.rule === 'I09')
    expect(r?.vi).toContain(WATER_LABELS[water].vi)
    expect(r?.en).toContain(WATER_LABELS[water].en)
    expect(r?.vi).not.toContain(`(${water})`)
  })

  it.each(['unimproved_pit', 'none', 'other'] as const)('I10 names the toilet %s in words', (toilet) => {
    expect(TOILETS).toContain(toilet)
    const h = makeHousehold()
    const r = classify({ ...h, dwelling: { ...h.dwelling, toilet } }).reasons.find((x) => x.rule === 'I10')
    expect(r?.vi).toContain(TOILET_LABELS[toilet].vi)
    expect(r?.en).toContain(TOILET_LABELS[toilet].en)
  })

  it('I12 lists the information devices by name', () => {
    const h = makeHousehold()
    const r = classify({ ...h, dwelling: { ...h.dwelling, devices: ['feature_phone'] } }).reasons.find(
      (x) => x.rule === 'I12',
    )
    expect(r?.vi).toContain(DEVICE_LABELS.smartphone.vi)
    expect(r?.en).toContain(DEVICE_LABELS.tv.en)
  })
})
