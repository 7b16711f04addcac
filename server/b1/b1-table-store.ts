// The Phiếu B1 point tables in SQLite (migration 015): load one (replacing the active table of its standard and area
// type, the old one kept for history), list them, and the active ones for classification — cached until the next load.

import type { Db } from '../db/open.ts'
import type { AreaType } from '../../shared/household/types.ts'
import type { B1Table } from '../../shared/rules/b1-table.ts'
import type { Standard } from '../../shared/rules/standard-types.ts'

export interface B1TableRow {
  id: number
  standard: string
  areaType: AreaType
  version: string
  name: B1Table['name']
  loadedBy: { id: string; username: string | null }
  loadedAt: number
  active: boolean
}

export interface B1TableStore {
  /** Stores `table` as the active one of its standard and area type; returns the new row and the one it replaced. */
  load(table: B1Table, by: string, at: number): { row: B1TableRow; replaced: B1TableRow | null }
  /** Every load, newest first (active and history). */
  list(): B1TableRow[]
  /**
   * The active tables (at most one per standard and area type). `latest`: the latest table id when the caller has just
   * read it (the relay's commit on PostgreSQL reads it with its lock), instead of asking again.
   */
  active(latest?: number): B1Table[]
  /**
   * Households of the review periods that name `standard` (a period the database does not hold: by its year), with
   * their summary category, in id order after `afterId`.
   */
  householdsOfStandard(
    standard: Pick<Standard, 'id' | 'periods'>,
    afterId: string,
    limit: number,
  ): { id: string; category: string; deprivationCount: number }[]
  /** A recomputed category of one household's summary row. */
  setCategory(id: string, category: string, deprivationCount: number): void
}

interface Raw {
  id: number
  standard: string
  area_type: AreaType
  version: string
  table_json: string
  loaded_by: string
  username: string | null
  loaded_at: number
  active: number
}

const SELECT = `SELECT t.id, t.standard, t.area_type, t.version, t.table_json, t.loaded_by, u.username, t.loaded_at, t.active
  FROM b1_tables t LEFT JOIN users u ON u.id = t.loaded_by`

function toRow(r: Raw): B1TableRow {
  const table = JSON.parse(r.table_json) as B1Table
  return {
    id: r.id,
    standard: r.standard,
    areaType: r.area_type,
    version: r.version,
    name: table.name,
    loadedBy: { id: r.loaded_by, username: r.username },
    loadedAt: r.loaded_at,
    active: r.active === 1,
  }
}

/** Active tables per database, with the highest row id they were read at (any load adds a row, so the id moves on). */
const cache = new WeakMap<Db, { latest: number; tables: B1Table[] }>()

export function createB1TableStore(db: Db): B1TableStore {
  const latestId = db.prepare('SELECT coalesce(max(id), 0) AS latest FROM b1_tables').pluck()
  const selectActive = db
    .prepare(`SELECT table_json FROM b1_tables WHERE active = 1 ORDER BY standard, area_type`)
    .pluck()
  const selectAll = db.prepare(`${SELECT} ORDER BY t.id DESC`)
  const selectOne = db.prepare(`${SELECT} WHERE t.id = ?`)
  const selectCurrent = db.prepare(`${SELECT} WHERE t.standard = ? AND t.area_type = ? AND t.active = 1`)
  const deactivate = db.prepare('UPDATE b1_tables SET active = 0 WHERE id = ?')
  // The year of a period the database does not hold: its leading digits (SQLite's CAST reads those; PostgreSQL's
  // refuses anything else, so it is given only the digits).
  const periodYear =
    db.dialect === 'postgres' ? `CAST(substring(h.period from '^[0-9]{1,9}') AS INTEGER)` : 'CAST(h.period AS INTEGER)'
  const selectHouseholds = db.prepare(
    `SELECT h.id, h.category, h.deprivation_count AS deprivationCount FROM households h
     LEFT JOIN periods p ON p.id = h.period
     WHERE (p.standard = ? OR (p.id IS NULL AND ${periodYear} BETWEEN ? AND ?)) AND h.id > ?
     ORDER BY h.id LIMIT ?`,
  )
  const updateCategory = db.prepare('UPDATE households SET category = ?, deprivation_count = ? WHERE id = ?')
  const insert = db
    .prepare(
      `INSERT INTO b1_tables (standard, area_type, version, table_json, loaded_by, loaded_at, active)
       VALUES (?, ?, ?, ?, ?, ?, 1) RETURNING id`,
    )
    .pluck()

  return {
    load: db.transaction((table: B1Table, by: string, at: number) => {
      const current = selectCurrent.get(table.standard, table.areaType) as Raw | undefined
      if (current) deactivate.run(current.id)
      const id = Number(insert.get(table.standard, table.areaType, table.version, JSON.stringify(table), by, at))
      return {
        row: toRow(selectOne.get(id) as Raw),
        replaced: current ? { ...toRow(current), active: false } : null,
      }
    }),
    list: () => (selectAll.all() as Raw[]).map(toRow),
    householdsOfStandard: (standard, afterId, limit) =>
      selectHouseholds.all(standard.id, standard.periods.from, standard.periods.to, afterId, limit) as {
        id: string
        category: string
        deprivationCount: number
      }[],
    setCategory(id, category, deprivationCount) {
      updateCategory.run(category, deprivationCount, id)
    },
    active(known) {
      const latest = known ?? Number(latestId.get())
      const hit = cache.get(db)
      if (hit && hit.latest === latest) return hit.tables
      const tables = (selectActive.all() as string[]).map((json) => JSON.parse(json) as B1Table)
      cache.set(db, { latest, tables })
      return tables
    },
  }
}
