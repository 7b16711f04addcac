// Every literal `t('survey…')` key used by the survey, GPS and photo components exists in both dictionaries,
// and so does every key built from a code list (steps, statuses, categories, choices), so no raw key reaches a phone.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CATEGORIES,
  DEVICES,
  EDUCATIONS,
  EMPLOYMENTS,
  RELATIONS,
  SEXES,
  STATUSES,
  TOILETS,
  WASTE_HANDLING,
  WATER_SOURCES,
} from '../../shared/household/types.ts'
import { en, vi } from '../i18n/survey.ts'
import { PHOTO_KINDS, POVERTY_CAUSES, QUICK_SCREEN_REASONS, SUPPORT_NEEDS } from './survey-data.ts'
import { MEMBER_AGE_FIELDS, MEMBER_BASE_FIELDS } from './member-fields.ts'
import { ALL_STEPS } from './steps.ts'

const DIRS = ['client/survey', 'client/survey/fields', 'client/geo', 'client/photos'].map((d) =>
  join(import.meta.dirname, '../..', d),
)

function sources(): string[] {
  return DIRS.flatMap((d) =>
    readdirSync(d)
      .filter((f) => /\.(svelte|ts)$/.test(f) && !f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(d, f), 'utf8')),
  )
}

describe('survey dictionary coverage', () => {
  it('has every literal key the components use', () => {
    const used = new Set(
      sources().flatMap((src) => [...src.matchAll(/['"`](survey\.[A-Za-z0-9_.]+)['"`]/g)].map((m) => m[1] as string)),
    )
    const missing = [...used].filter((k) => !k.endsWith('.') && (!(k in vi) || !(k in en)))
    expect(missing).toEqual([])
    expect(used.size).toBeGreaterThan(100)
  })

  it('has every key built from a code list', () => {
    const lists: [string, readonly string[]][] = [
      ['survey.step.', ALL_STEPS],
      ['survey.status.', STATUSES],
      ['survey.category.', CATEGORIES],
      ['survey.sex.', SEXES],
      ['survey.relation.', RELATIONS],
      ['survey.employment.', EMPLOYMENTS],
      ['survey.education.', EDUCATIONS],
      ['survey.water.', WATER_SOURCES],
      ['survey.toilet.', TOILETS],
      ['survey.device.', DEVICES],
      ['survey.waste.', WASTE_HANDLING],
      ['survey.quick.reason.', QUICK_SCREEN_REASONS],
      ['survey.cause.', POVERTY_CAUSES],
      ['survey.need.', SUPPORT_NEEDS],
      ['survey.photo.kind.', PHOTO_KINDS],
      ['survey.photo.', ['pending', 'uploading', 'uploaded', 'failed', 'missing']],
      ['survey.gps.', ['denied', 'unavailable', 'unsupported', 'timeoutNone']],
      ['survey.member.', [...MEMBER_BASE_FIELDS, ...MEMBER_AGE_FIELDS.map((f) => f.field)]],
    ]
    const missing = lists
      .flatMap(([prefix, codes]) => codes.map((c) => prefix + c))
      .filter((k) => !(k in vi) || !(k in en))
    expect(missing).toEqual([])
  })
})
