// Checks that need more than one row or the database: one household = one place and one head; a personal ID once in
// the file and in no other household of the period; units and villages that exist (an import never creates villages).

import type { RegisterIssue } from './register-issues.ts'
import { foldName as fold, type RegisterRow } from './register-rows.ts'
import { findVillage } from './register-store.ts'

export interface CheckContext {
  units: ReadonlyMap<string, unknown>
  villages: ReadonlyMap<string, string>
  /** household_code → household id already in the period. */
  mapped: ReadonlyMap<string, string>
  /** Personal ID → household id, for households of the period. */
  personalIds: ReadonlyMap<string, string>
}

export function checkAcrossRows(
  rows: readonly RegisterRow[],
  ctx: CheckContext,
  opts: { headCheck: boolean },
): RegisterIssue[] {
  const out: RegisterIssue[] = []
  const firstOfId = new Map<string, number>()
  const firstOfPerson = new Map<string, number>()
  const households = new Map<string, { first: RegisterRow; heads: number }>()
  for (const r of rows) {
    const issue = (column: string | null, code: string, message: string): void =>
      void out.push({ line: r.line, column, code, message })
    if (!ctx.units.has(r.unit)) issue('unit', 'register/unknown-unit', `no unit with code "${r.unit}"`)
    else if (findVillage(ctx.villages, r.unit, r.village) === undefined) {
      issue('village', 'register/unknown-village', `unit ${r.unit} has no village "${r.village}"; add it first`)
    }
    const h = households.get(r.householdCode)
    if (!h) households.set(r.householdCode, { first: r, heads: r.relation === 'head' ? 1 : 0 })
    else {
      for (const [column, a, b] of [
        ['unit', h.first.unit, r.unit],
        ['village', h.first.village, r.village],
        ['address', h.first.address, r.address],
      ] as const) {
        if (fold(a) !== fold(b))
          issue(
            column,
            'register/household-mismatch',
            `household ${r.householdCode} has ${column} "${a}" on line ${h.first.line}`,
          )
      }
      if (r.relation === 'head' && ++h.heads > 1)
        issue('relation', 'register/second-head', `household ${r.householdCode} already has a head`)
    }
    if (r.personalId !== null) {
      const seen = firstOfId.get(r.personalId)
      if (seen !== undefined)
        issue('personal_id', 'register/duplicate-personal-id', `personal ID ${r.personalId} is also on line ${seen}`)
      else firstOfId.set(r.personalId, r.line)
      const elsewhere = ctx.personalIds.get(r.personalId)
      if (elsewhere !== undefined && elsewhere !== ctx.mapped.get(r.householdCode)) {
        issue(
          'personal_id',
          'register/personal-id-elsewhere',
          `personal ID ${r.personalId} belongs to another household of the period (${elsewhere})`,
        )
      }
    } else {
      const key = `${r.householdCode}\u0000${fold(r.fullName)}\u0000${r.birthDate}`
      const seen = firstOfPerson.get(key)
      if (seen !== undefined)
        issue('full_name', 'register/duplicate-person', `the same person (name and birth date) is also on line ${seen}`)
      else firstOfPerson.set(key, r.line)
    }
  }
  for (const [code, h] of households) {
    if (opts.headCheck && h.heads === 0)
      out.push({
        line: h.first.line,
        column: 'relation',
        code: 'register/no-head',
        message: `household ${code} has no head (chủ hộ)`,
      })
  }
  return out
}
