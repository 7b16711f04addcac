// The printed list as rows: the answer of GET /api/lists flattened into the table of forms 14–15 (household number,
// member number, name, birth year under Nam or Nữ, ethnicity, relation, the flag columns of the list on the head's row),
// one block per household so a household is printed on one page.

import { NEAR_POOR_MOVE_LABELS, POOR_MOVE_LABELS } from '../../../shared/reports/movement.ts'
import type { Relation } from '../../../shared/household/types.ts'
import type { ListHousehold, ListKind } from '../../../shared/reports/posting-list-types.ts'

type Label = { vi: string; en: string }

/** The movement columns each list prints, labelled by the one movement vocabulary of reports and lists. */
export function flagColumns(list: ListKind): { move: string; label: Label }[] {
  const poor = (m: keyof typeof POOR_MOVE_LABELS) => ({ move: m, label: POOR_MOVE_LABELS[m] })
  const near = (m: keyof typeof NEAR_POOR_MOVE_LABELS) => ({ move: m, label: NEAR_POOR_MOVE_LABELS[m] })
  switch (list) {
    case 'poor':
      return [poor('new'), poor('again'), poor('old')]
    case 'near_poor':
      return [near('new'), near('again'), near('old'), near('from_poor')]
    case 'escaped_poor':
      return [poor('escaped'), poor('to_near_poor')]
    case 'escaped_near_poor':
      return [near('escaped')]
  }
}

export interface PostingRow {
  key: string
  /** STT hộ and the household's marks, on its first (the head's) row only. */
  householdNo: number | null
  memberNo: number
  name: string
  maleYear: number | null
  femaleYear: number | null
  ethnicity: string
  relation: Relation
  move: string | null
  meritoriousFamily: boolean
  ethnicMinority: boolean
  noWorkingCapacity: boolean
}

/** One household's rows, printed as one block; `village` heads the first household of each village. */
export interface PostingGroup {
  householdId: string
  village: string | null
  rows: PostingRow[]
}

/** Households in print order; village headings only when the list spans several villages. */
export function postingGroups(households: readonly ListHousehold[], withVillages: boolean): PostingGroup[] {
  let village: string | null = null
  return households.map((h, i) => {
    const heading = withVillages && h.villageId !== village ? h.villageName : null
    village = h.villageId
    const rows = h.members.map((m, j): PostingRow => {
      const first = j === 0
      return {
        key: `${h.id}:${j}`,
        householdNo: first ? i + 1 : null,
        memberNo: j + 1,
        name: m.name,
        maleYear: m.sex === 'male' ? m.birthYear : null,
        femaleYear: m.sex === 'female' ? m.birthYear : null,
        ethnicity: m.ethnicity,
        relation: m.relation,
        move: first ? h.move : null,
        meritoriousFamily: first && h.meritoriousFamily,
        ethnicMinority: first && h.ethnicMinority,
        noWorkingCapacity: first && h.noWorkingCapacity,
      }
    })
    return { householdId: h.id, village: heading, rows }
  })
}
