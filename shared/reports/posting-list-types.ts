// The shape of a printable list (GET /api/lists) as the server sends it and the console prints it: forms 14–15, the
// poor, near-poor, escaped-poor and escaped-near-poor lists a commune posts and signs. Types only.

import type { NearPoorMove, PoorMove } from './movement.ts'
import type { Relation, Sex, Status } from '../household/types.ts'

export const LIST_KINDS = ['poor', 'near_poor', 'escaped_poor', 'escaped_near_poor'] as const
export type ListKind = (typeof LIST_KINDS)[number]

/** A household's flag on its list (old / new / again / from poor / escaped / to near-poor). */
export type ListMove = PoorMove | NearPoorMove

/** One person as the list prints them: no personal ID (public posting shows none). */
export interface ListMember {
  name: string
  birthYear: number | null
  sex: Sex
  ethnicity: string
  relation: Relation
}

export interface ListHousehold {
  id: string
  villageId: string
  villageName: string
  headName: string
  address: string
  status: Status
  move: ListMove
  meritoriousFamily: boolean
  ethnicMinority: boolean
  noWorkingCapacity: boolean
  members: ListMember[]
}

export interface PostingList {
  list: ListKind
  period: { id: string; referenceDate: string; status: string }
  unit: { code: string; name: string; kind: string }
  village: { id: string; name: string } | null
  /** True until every record on the list reached the chairman's decision: the list is "danh sách dự kiến". */
  draft: boolean
  households: ListHousehold[]
  totals: { households: number; members: number }
}
