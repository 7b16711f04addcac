// Checks of one register row on its own (DOMAIN.md §5): required cells, sex and relation words (English codes or the
// Vietnamese the register uses), a real birth date, personal ID format and its agreement with sex and birth year.

import { RELATIONS, type Relation, type Sex } from '../../shared/household/types.ts'
import { personalIdCheck } from '../../shared/household/personal-id.ts'
import { foldForSearch } from '../../shared/text/fold.ts'
import type { RawRegisterRow, RegisterColumn } from './register-csv.ts'
import type { RegisterIssue } from './register-issues.ts'

export interface RegisterRow {
  line: number
  householdCode: string
  personalId: string | null
  fullName: string
  sex: Sex
  birthDate: string
  relation: Relation
  ethnicity: string
  unit: string
  village: string
  address: string
}

const SEX_WORDS: Record<string, Sex> = {
  male: 'male',
  female: 'female',
  nam: 'male',
  nu: 'female',
  m: 'male',
  f: 'female',
}
const RELATION_WORDS: Record<string, Relation> = {
  ...Object.fromEntries(RELATIONS.map((r) => [r, r])),
  'chu ho': 'head',
  vo: 'spouse',
  chong: 'spouse',
  'vo/chong': 'spouse',
  con: 'child',
  'con de': 'child',
  'con nuoi': 'child',
  cha: 'parent',
  me: 'parent',
  bo: 'parent',
  'cha/me': 'parent',
  chau: 'grandchild',
  anh: 'sibling',
  chi: 'sibling',
  em: 'sibling',
  'anh/chi/em': 'sibling',
  khac: 'other',
}
const MAX: Partial<Record<RegisterColumn, number>> = {
  household_code: 64,
  full_name: 200,
  ethnicity: 100,
  unit: 32,
  village: 200,
  address: 500,
}
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/

/** A name as compared across rows and with household members: NFC, lower case, single spaces. */
export const foldName = (s: string): string => s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim()

/** YYYY-MM-DD or DD/MM/YYYY → YYYY-MM-DD when it is a real calendar date from 1880 up to `today`. */
export function registerDate(text: string, today: string): string | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text)
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : vn ? [vn[3], vn[2], vn[1]] : []
  if (y === undefined || m === undefined || d === undefined) return null
  const date = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`
  const t = new Date(`${date}T00:00:00Z`)
  if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== date) return null
  return date >= '1880-01-01' && date <= today ? date : null
}

/** The row as a register person, or the issues that keep it out (errors) plus warnings that do not. */
export function checkRegisterRow(
  raw: RawRegisterRow,
  line: number,
  today: string,
): { row: RegisterRow | null; errors: RegisterIssue[]; warnings: RegisterIssue[] } {
  const errors: RegisterIssue[] = []
  const warnings: RegisterIssue[] = []
  const err = (column: RegisterColumn, code: string, message: string): void =>
    void errors.push({ line, column, code, message })
  for (const c of ['household_code', 'full_name', 'sex', 'birth_date', 'relation', 'unit', 'village'] as const)
    if (raw[c] === '') err(c, 'register/required', `${c} is empty`)
  for (const [c, max] of Object.entries(MAX) as [RegisterColumn, number][]) {
    if (raw[c].length > max) err(c, 'register/too-long', `${c} is longer than ${max} characters`)
    else if (CONTROL.test(raw[c])) err(c, 'register/control-character', `${c} contains a control character`)
  }
  const sex = raw.sex === '' ? undefined : SEX_WORDS[foldForSearch(raw.sex)]
  if (raw.sex !== '' && !sex) err('sex', 'register/sex', `sex "${raw.sex}" is not male/female (nam/nữ)`)
  const relation = raw.relation === '' ? undefined : RELATION_WORDS[foldForSearch(raw.relation)]
  if (raw.relation !== '' && !relation)
    err(
      'relation',
      'register/relation',
      `relation "${raw.relation}" is not one of ${RELATIONS.join(', ')} (or chủ hộ, vợ, chồng, con, cha, mẹ, cháu, anh, chị, em, khác)`,
    )
  const birthDate = raw.birth_date === '' ? null : registerDate(raw.birth_date, today)
  if (raw.birth_date !== '' && !birthDate)
    err(
      'birth_date',
      'register/birth-date',
      `birth date "${raw.birth_date}" is not a real date (YYYY-MM-DD or DD/MM/YYYY) between 1880 and today`,
    )
  const personalId = raw.personal_id === '' ? null : raw.personal_id
  if (personalId !== null && !/^(\d{9}|\d{12})$/.test(personalId)) {
    err('personal_id', 'personal-id/format', 'personal ID must be 12 digits (or an old 9-digit CMND)')
  } else if (personalId !== null && sex && birthDate) {
    for (const w of personalIdCheck({ personalId, sex, birthDate })) {
      const issue = { line, column: 'personal_id', code: w.code, message: w.message }
      // An old CMND or a province code we do not know is worth a look; a digit that contradicts the person is wrong.
      if (w.code === 'personal-id/legacy-cmnd' || w.code === 'personal-id/unknown-province') warnings.push(issue)
      else errors.push(issue)
    }
  }
  if (errors.length > 0 || !sex || !relation || !birthDate) return { row: null, errors, warnings }
  return {
    row: {
      line,
      householdCode: raw.household_code,
      personalId,
      fullName: raw.full_name.normalize('NFC').replace(/\s+/g, ' '),
      sex,
      birthDate,
      relation,
      ethnicity: raw.ethnicity.normalize('NFC'),
      unit: raw.unit,
      village: raw.village.normalize('NFC'),
      address: raw.address.normalize('NFC'),
    },
    errors,
    warnings,
  }
}
