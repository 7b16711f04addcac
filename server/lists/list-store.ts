// The SQL of the printable lists: the period, commune and village a list is for, the records that may appear on it
// (summary rows), and each record's categories in the periods before, following households.previous_id.

import type { Db } from '../db/open.ts'
import type { Category, Status } from '../../shared/household/types.ts'

/** Deeper than any real history; a corrupt chain that loops ends here instead of running forever. */
export const MAX_HISTORY_DEPTH = 50

export interface ListPeriod {
  id: string
  referenceDate: string
  status: string
}

export interface ListUnit {
  code: string
  name: string
  kind: string
}

export interface ListVillage {
  id: string
  name: string
}

export interface ListCandidate {
  id: string
  villageId: string
  villageName: string
  status: Status
  category: Category
  /** The committed position of the record's document: what is read from it is valid while this stays. */
  serverSeq: number
}

export interface ListStore {
  period(id: string): ListPeriod | undefined
  unit(code: string): ListUnit | undefined
  village(id: string, unitCode: string): ListVillage | undefined
  /** Records of the area in `statuses` and `categories`, with their earlier categories (most recent first). */
  candidates(q: {
    period: string
    unit: string
    village: string | undefined
    statuses: readonly string[]
    categories: readonly string[]
  }): { record: ListCandidate; earlier: Category[] }[]
}

const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ')

export function createListStore(db: Db): ListStore {
  const period = db.prepare(
    "SELECT id, reference_date AS referenceDate, COALESCE(status, 'open') AS status FROM periods WHERE id = ?",
  )
  const unit = db.prepare('SELECT code, name, kind FROM units WHERE code = ?')
  const village = db.prepare('SELECT id, name FROM villages WHERE id = ? AND unit_code = ?')

  return {
    period: (id) => period.get(id) as ListPeriod | undefined,
    unit: (code) => unit.get(code) as ListUnit | undefined,
    village: (id, unitCode) => village.get(id, unitCode) as ListVillage | undefined,
    candidates(q) {
      const byVillage = q.village === undefined ? '' : ' AND h.village_id = ?'
      const where = `h.period = ? AND h.unit_code = ?${byVillage}
        AND h.status IN (${marks(q.statuses.length)}) AND h.category IN (${marks(q.categories.length)})`
      const params = [q.period, q.unit, ...(q.village === undefined ? [] : [q.village]), ...q.statuses, ...q.categories]
      const records = db
        .prepare(
          `SELECT h.id, h.village_id AS villageId, v.name AS villageName, h.status, h.category, h.server_seq AS serverSeq
           FROM households h JOIN villages v ON v.id = h.village_id WHERE ${where}`,
        )
        .all(...params) as ListCandidate[]
      const history = db
        .prepare(
          `WITH RECURSIVE chain(root, id, depth) AS (
             SELECT h.id, h.previous_id, 1 FROM households h WHERE ${where} AND h.previous_id IS NOT NULL
             UNION ALL
             SELECT chain.root, p.previous_id, chain.depth + 1 FROM chain JOIN households p ON p.id = chain.id
             WHERE p.previous_id IS NOT NULL AND chain.depth < ?
           )
           SELECT chain.root AS root, p.category AS category FROM chain JOIN households p ON p.id = chain.id
           ORDER BY chain.root, chain.depth`,
        )
        .all(...params, MAX_HISTORY_DEPTH) as { root: string; category: Category }[]
      const earlier = new Map<string, Category[]>()
      for (const h of history) {
        const list = earlier.get(h.root)
        if (list) list.push(h.category)
        else earlier.set(h.root, [h.category])
      }
      return records.map((record) => ({ record, earlier: earlier.get(record.id) ?? [] }))
    },
  }
}
