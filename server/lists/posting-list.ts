// The detailed lists a commune posts publicly and signs (forms 14–15: poor, near-poor, escaped poor, escaped near-poor):
// which records belong on which list, the movement flag each carries, and the order they print in. Pure functions.

import { movement } from '../../shared/reports/movement.ts'
import { LOCKED_STATUSES } from '../../shared/doc/workflow.ts'
import type { Category, Member, Status } from '../../shared/household/types.ts'
import type { ListHousehold, ListKind, ListMember, ListMove } from '../../shared/reports/posting-list-types.ts'
import { foldForSearch } from '../../shared/text/fold.ts'

export {
  LIST_KINDS,
  type ListHousehold,
  type ListKind,
  type ListMember,
} from '../../shared/reports/posting-list-types.ts'

/**
 * A record belongs on a posting list once a supervisor verified it: from `verified` on its answers are the reviewed
 * record (the same statuses lock it against device edits). `returned` and `re_review` records are being reworked and
 * stay off until verified again.
 */
export const POSTING_STATUSES: readonly Status[] = LOCKED_STATUSES
/** Until every record on the list reached the chairman's decision, the list is the draft ("danh sách dự kiến"). */
export const FINAL_STATUSES: readonly Status[] = ['approved', 'certified']

/** Categories a record can have this period and still appear on the list (SQL pre-filter; the move decides). */
export const LIST_CATEGORIES: Record<ListKind, readonly Category[]> = {
  poor: ['poor'],
  near_poor: ['near_poor'],
  escaped_poor: ['near_poor', 'average', 'not_poor'],
  escaped_near_poor: ['average', 'not_poor'],
}

/**
 * The household's flag on `list`, or null when it does not belong there. The escaped-poor list carries both the
 * households that left poverty altogether and those that left it for the near-poor list (Thoát nghèo / Chuyển sang cận
 * nghèo); a household that became poor is not on the escaped near-poor list.
 */
export function listMove(list: ListKind, current: Category, earlier: readonly Category[]): ListMove | null {
  const m = movement(current, earlier)
  switch (list) {
    case 'poor':
      return current === 'poor' ? m.poor : null
    case 'near_poor':
      return current === 'near_poor' ? m.nearPoor : null
    case 'escaped_poor':
      return m.poor === 'escaped' || m.poor === 'to_near_poor' ? m.poor : null
    case 'escaped_near_poor':
      return m.nearPoor === 'escaped' ? m.nearPoor : null
  }
}

/** Members in print order: the head first, the others as the record lists them. */
export function listMembers(members: readonly Member[]): ListMember[] {
  const head = members.filter((m) => m.relation === 'head')
  const others = members.filter((m) => m.relation !== 'head')
  return [...head, ...others].map((m) => {
    const year = /^(\d{4})-/.exec(m.birthDate)?.[1]
    return {
      name: m.fullName,
      birthYear: year === undefined ? null : Number(year),
      sex: m.sex,
      ethnicity: m.ethnicity,
      relation: m.relation,
    }
  })
}

const collator = new Intl.Collator('vi', { sensitivity: 'variant' })

/**
 * Vietnamese order of names: compared without diacritics first (so "Đức" sits with "Duc", "Ánh" with "Anh"); names
 * equal once folded are ordered by the written form (Vietnamese collation), so the order is total and stable.
 */
export function compareNames(a: string, b: string): number {
  const fa = foldForSearch(a)
  const fb = foldForSearch(b)
  if (fa !== fb) return fa < fb ? -1 : 1
  return collator.compare(a, b)
}

/** Print order: village, then the head's name, then the record id (two heads of the same name keep one order). */
export function compareListHouseholds(a: ListHousehold, b: ListHousehold): number {
  return (
    compareNames(a.villageName, b.villageName) ||
    (a.villageId < b.villageId ? -1 : a.villageId > b.villageId ? 1 : 0) ||
    compareNames(a.headName, b.headName) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  )
}
