// SQL behind the household HTTP resources: scoped, filtered, keyset-paginated lists of summary rows,
// one summary row, and the field history the relay records. Routes pass plain values in and get rows out.

import { householdScope, type User } from '../auth/access.ts'
import type { Db } from '../db/open.ts'
import { householdFieldWrites } from '../store/household-log.ts'
import { foldForSearch } from '../../shared/text/fold.ts'

export interface HouseholdRow {
  id: string
  period: string
  unitCode: string
  villageId: string
  headName: string
  address: string
  status: string
  category: string
  deprivationCount: number
  lat: number | null
  lng: number | null
  accuracyM: number | null
  lastEditor: string | null
  serverSeq: number
  updatedAt: number | null
  /** A household found in the field: 'pending' | 'approved' | 'rejected'; null for listed households. */
  admission: string | null
}

export const HOUSEHOLD_COLUMNS = `h.id, h.period, h.unit_code AS unitCode, h.village_id AS villageId, h.head_name AS headName,
  h.address, h.status, h.category, h.deprivation_count AS deprivationCount, h.lat, h.lng, h.accuracy_m AS accuracyM,
  h.last_editor AS lastEditor, h.server_seq AS serverSeq, h.updated_at AS updatedAt, h.admission`

export interface HouseholdFilter {
  period: string
  village?: string | undefined
  unit?: string | undefined
  status?: string | undefined
  category?: string | undefined
  admission?: string | undefined
  q?: string | undefined
  cursor?: string | undefined
  limit: number
}

function likeWord(word: string): string {
  return `%${word.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`
}

export function listHouseholds(
  db: Db,
  user: User,
  f: HouseholdFilter,
): { households: HouseholdRow[]; nextCursor: string | null } {
  const scope = householdScope(user, 'h')
  // With a narrow scope or a place filter, the unit/village index is the right one; `|| ''` (a unary + PostgreSQL
  // would refuse) stops SQLite (which has no statistics on a fresh database) from walking the whole period in id order.
  const narrow = scope.narrow || Boolean(f.village) || Boolean(f.unit)
  const where: string[] = [scope.sql, narrow ? "h.period || '' = ?" : 'h.period = ?']
  const params: unknown[] = [...scope.params, f.period]
  const eq = (col: string, v: string | undefined) => {
    if (v === undefined || v === '') return
    where.push(`${col} = ?`)
    params.push(v)
  }
  eq('h.village_id', f.village)
  eq('h.unit_code', f.unit)
  eq('h.status', f.status)
  eq('h.category', f.category)
  eq('h.admission', f.admission)
  // search_text is folded by the relay's projection (foldForSearch); fold the query the same way.
  for (const word of foldForSearch(f.q ?? '')
    .split(' ')
    .filter((w) => w.length > 0)
    .slice(0, 8)) {
    where.push(`h.search_text LIKE ? ESCAPE '\\'`)
    params.push(likeWord(word))
  }
  if (f.cursor) {
    where.push('h.id > ?')
    params.push(f.cursor)
  }
  const rows = db
    .prepare(`SELECT ${HOUSEHOLD_COLUMNS} FROM households h WHERE ${where.join(' AND ')} ORDER BY h.id LIMIT ?`)
    .all(...params, f.limit + 1) as HouseholdRow[]
  const more = rows.length > f.limit
  const households = more ? rows.slice(0, f.limit) : rows
  return { households, nextCursor: more ? (households[households.length - 1]?.id ?? null) : null }
}

export function getHousehold(db: Db, id: string): HouseholdRow | undefined {
  return db.prepare(`SELECT ${HOUSEHOLD_COLUMNS} FROM households h WHERE h.id = ?`).get(id) as HouseholdRow | undefined
}

export interface FieldHistoryRow {
  path: string
  value: unknown
  userId: string
  username: string | null
  deviceId: string
  receivedAt: number
  serverSeq: number
}

/** A field history row as the query gives it: the value still JSON text. */
type StoredHistoryRow = Omit<FieldHistoryRow, 'value'> & { valueJson: string }

export function fieldHistory(
  db: Db,
  householdId: string,
  opts: { path?: string | undefined; limit: number },
): FieldHistoryRow[] {
  const byPath = opts.path ? ' WHERE f.path = ?' : ''
  const writes = householdFieldWrites(db)
  // Writes of one commit in the order they were recorded (ord: a value's place in its log row; rowid on SQLite for the
  // rows of field_history, item order on PostgreSQL, where a table has no insertion order).
  const rows = db
    .prepare(
      `SELECT f.path, f.value_json AS valueJson, f.user_id AS userId, u.username, f.device_id AS deviceId,
              f.received_at AS receivedAt, f.server_seq AS serverSeq
       FROM ${writes.from} f LEFT JOIN users u ON u.id = f.user_id${byPath}
       ORDER BY f.server_seq, f.ord, f.client_id, f.clock LIMIT ?`,
    )
    .all(...writes.params(householdId), ...(opts.path ? [opts.path] : []), opts.limit) as StoredHistoryRow[]
  return rows.map(({ valueJson, ...r }) => ({ ...r, value: JSON.parse(valueJson) as unknown }))
}
