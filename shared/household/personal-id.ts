// Checks of a member's personal ID (số định danh cá nhân / CCCD, DOMAIN.md §5) against their sex and birth year.
// Findings are warnings for the enumerator and supervisor: never a silent fix, never a rejection of the record.
import type { Member } from './types.ts'

export type PersonalIdWarningCode =
  | 'personal-id/format'
  | 'personal-id/legacy-cmnd'
  | 'personal-id/unknown-province'
  | 'personal-id/sex-mismatch'
  | 'personal-id/century-mismatch'
  | 'personal-id/year-mismatch'
  | 'personal-id/duplicate'

export interface PersonalIdWarning {
  code: PersonalIdWarningCode
  /** JSON path relative to the member, e.g. `personalId`; validateHousehold prefixes `$.members[i].`. */
  field: 'personalId'
  message: string
  vi: string
}

/**
 * Province codes (birth-registration place) of the 63 provinces before the 2025 mergers, as used in CCCD numbers.
 * Provisional: from public code tables ([S]); Thừa Thiên Huế is 046. An unknown prefix is only a warning.
 */
export const PROVINCE_CODES: ReadonlySet<string> = new Set(
  '001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096'.split(
    ' ',
  ),
)

/** Decoded fields of a 12-digit personal ID. */
export function decodePersonalId(
  id: string,
): { province: string; sex: 'male' | 'female'; birthYear: number } | undefined {
  if (!/^\d{12}$/.test(id)) return undefined
  const g = Number(id[3])
  return {
    province: id.slice(0, 3),
    sex: g % 2 === 0 ? 'male' : 'female',
    birthYear: 1900 + 100 * Math.floor(g / 2) + Number(id.slice(4, 6)),
  }
}

const warn = (code: PersonalIdWarningCode, message: string, vi: string): PersonalIdWarning => ({
  code,
  field: 'personalId',
  message,
  vi,
})

/** Warnings about one member's personal ID; [] when it is absent (null) or consistent. */
export function personalIdCheck(member: Pick<Member, 'personalId' | 'sex' | 'birthDate'>): PersonalIdWarning[] {
  const id = member.personalId
  if (id === null || id === undefined) return []
  if (/^\d{9}$/.test(id)) {
    return [
      warn(
        'personal-id/legacy-cmnd',
        'old 9-digit CMND number: record the 12-digit personal ID',
        'Số CMND 9 số cũ: cần ghi số định danh 12 số',
      ),
    ]
  }
  const decoded = decodePersonalId(id)
  if (!decoded) {
    return [warn('personal-id/format', 'personal ID must be 12 digits', 'Số định danh cá nhân phải gồm 12 chữ số')]
  }
  const out: PersonalIdWarning[] = []
  if (!PROVINCE_CODES.has(decoded.province)) {
    out.push(
      warn(
        'personal-id/unknown-province',
        `unknown province code ${decoded.province} (digits 1–3)`,
        `Mã tỉnh ${decoded.province} (3 số đầu) không có trong danh mục`,
      ),
    )
  }
  if (decoded.sex !== member.sex) {
    out.push(
      warn(
        'personal-id/sex-mismatch',
        `digit 4 says ${decoded.sex}, member is ${member.sex}`,
        `Chữ số thứ 4 cho giới tính ${decoded.sex === 'male' ? 'nam' : 'nữ'}, thành viên là ${member.sex === 'male' ? 'nam' : 'nữ'}`,
      ),
    )
  }
  const birthYear = Number(member.birthDate.slice(0, 4))
  if (Number.isInteger(birthYear) && /^\d{4}-/.test(member.birthDate)) {
    const idCentury = Math.floor(decoded.birthYear / 100)
    if (idCentury !== Math.floor(birthYear / 100)) {
      out.push(
        warn(
          'personal-id/century-mismatch',
          `digit 4 says born in the ${idCentury}00s, birth date is ${member.birthDate}`,
          `Chữ số thứ 4 cho thế kỷ sinh ${idCentury}00, ngày sinh là ${member.birthDate}`,
        ),
      )
    } else if (decoded.birthYear !== birthYear) {
      out.push(
        warn(
          'personal-id/year-mismatch',
          `digits 5–6 say born in ${decoded.birthYear}, birth date is ${member.birthDate}`,
          `Chữ số 5–6 cho năm sinh ${decoded.birthYear}, ngày sinh là ${member.birthDate}`,
        ),
      )
    }
  }
  return out
}
