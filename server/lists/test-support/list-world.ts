// Test support for the printable lists: review periods linked to the one before, households stored as real committed
// documents of a chosen category and status, and summary-only records of earlier periods. Only tests import this.

import * as Y from 'yjs'
import type { Db } from '../../db/open.ts'
import type { DocStore } from '../../store/doc-store.ts'
import { HouseholdDoc } from '../../../shared/doc/household-doc.ts'
import { SERVER_CLIENT_ID } from '../../../shared/doc/keys.ts'
import { recordCategory } from '../../../shared/doc/record-category.ts'
import type { Attributes, Category, Member, Relation, Sex, Status } from '../../../shared/household/types.ts'
import { makeHousehold, makeMember } from '../../../shared/test-support/household-fixtures.ts'

export function addPeriod(db: Db, id: string, previousId: string | null, status: 'open' | 'closed' = 'open'): void {
  db.prepare(
    `INSERT INTO periods (id, standard, reference_date, is_current, status, previous_id) VALUES (?, ?, ?, 0, ?, ?)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, previous_id = excluded.previous_id`,
  ).run(id, Number(id) >= 2027 ? 'ND351_2027_2030' : 'ND07_2022_2025', `${id}-09-01`, status, previousId)
}

export interface ListPerson {
  name: string
  sex: Sex
  birthYear: number
  relation: Relation
  ethnicity?: string
  personalId?: string | null
}

export interface ListRecord {
  id: string
  period: string
  unit: string
  village: string
  category: 'poor' | 'near_poor' | 'not_poor'
  status: Status
  members: readonly ListPerson[]
  attributes?: Partial<Attributes>
  previousId?: string
}

/** Answers that classify as the wanted category under the 2022–2026 standard (income and deprivations). */
function answersFor(category: ListRecord['category']) {
  if (category === 'not_poor') return { income: { perCapitaMonthly: 6_000_000 } }
  const dwelling =
    category === 'poor'
      ? { toilet: 'none' as const, water: 'surface_water' as const, internet: false, devices: [] }
      : {}
  return { income: { perCapitaMonthly: 400_000 }, dwelling }
}

/** A household of this period as a committed document (seed path: doc_state + summary row), linked to its past. */
export function addListRecord(db: Db, docStore: DocStore, r: ListRecord): void {
  const members: Member[] = r.members.map((p, i) =>
    makeMember({
      id: `${r.id}-m${i}`,
      fullName: p.name,
      sex: p.sex,
      birthDate: `${p.birthYear}-03-15`,
      relation: p.relation,
      ethnicity: p.ethnicity ?? 'Kinh',
      personalId: p.personalId ?? null,
      healthInsurance: true,
    }),
  )
  const { format: _format, ...household } = makeHousehold({
    id: r.id,
    period: r.period,
    unit: r.unit,
    village: r.village,
    address: `${r.village}, ${r.id}`,
    status: r.status,
    members,
    attributes: r.attributes ?? {},
    ...answersFor(r.category),
  })
  const doc = HouseholdDoc.create(household, { clientId: SERVER_CLIENT_ID })
  const got = recordCategory(doc.read()).category
  if (got !== r.category) throw new Error(`fixture ${r.id} classifies as ${got}, not ${r.category}`)
  db.transaction(() => {
    docStore.createHousehold(
      { id: r.id, period: r.period, unitCode: r.unit, villageId: r.village },
      Y.encodeStateAsUpdate(doc.ydoc),
      'seed',
    )
    if (r.previousId) db.prepare('UPDATE households SET previous_id = ? WHERE id = ?').run(r.previousId, r.id)
  })()
  doc.ydoc.destroy()
}

/** A record of an earlier period as its summary row only (the lists read just its category). */
export function addEarlierRecord(
  db: Db,
  r: { id: string; period: string; unit: string; village: string; category: Category; previousId?: string },
): void {
  db.prepare(
    `INSERT INTO households (id, period, unit_code, village_id, status, category, previous_id)
     VALUES (?, ?, ?, ?, 'certified', ?, ?)`,
  ).run(r.id, r.period, r.unit, r.village, r.category, r.previousId ?? null)
}
