// The questions' words in shared/rules (used by the conflict queue, the server and the phone's notices) are the survey
// form's own words: a label changed in one place and not the other fails here.
import { describe, expect, it } from 'vitest'
import * as Q from '../../shared/rules/question-labels.ts'
import { en, vi } from './survey.ts'

const groups: [string, Record<string, { vi: string; en: string }>][] = [
  ['survey.member.', Q.MEMBER_QUESTIONS],
  ['survey.dwelling.', Q.DWELLING_QUESTIONS],
  ['survey.attributes.', Q.ATTRIBUTE_QUESTIONS],
  ['survey.income.', Q.INCOME_QUESTIONS],
  ['survey.sex.', Q.SEX_LABELS],
  ['survey.relation.', Q.RELATION_LABELS],
  ['survey.employment.', Q.EMPLOYMENT_LABELS],
  ['survey.education.', Q.EDUCATION_LABELS],
  ['survey.cause.', Q.CAUSE_LABELS],
  ['survey.need.', Q.SUPPORT_NEED_LABELS],
]

describe('question labels', () => {
  it.each(groups)('%s* match the survey dictionary in both languages', (prefix, labels) => {
    for (const [code, label] of Object.entries(labels)) {
      expect(label.vi, `${prefix}${code}`).toBe(vi[`${prefix}${code}`])
      expect(label.en, `${prefix}${code}`).toBe(en[`${prefix}${code}`])
    }
  })
})
