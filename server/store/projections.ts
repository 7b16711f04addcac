// Read models written in the same transaction as the document log: household summary row, field history, conflicts.
// All SQL of these tables lives here; callers pass plain values.
import type { Db } from '../db/open.ts'
import { writeLater } from '../db/deferred-write.ts'
import type { ConflictSettlement, JsonValue } from '../../shared/sync/messages.ts'
import type { HouseholdSummary, ReportFacts } from './household-view.ts'
import type { VisitResult } from './visit-flags.ts'
import { SERVER_CLIENT_ID, type ConflictSide, type DetectedConflict, type FieldWrite } from './update-inspection.ts'
import { householdFieldWrites } from './household-log.ts'

export interface Author {
  userId: string
  deviceId: string
}

export interface ConflictCandidateRow {
  value: JsonValue
  clientId: number
  userId: string
  deviceId: string
  at: number
}

export interface RecordedConflict {
  id: number
  householdId: string
  path: string
  candidates: ConflictCandidateRow[]
  kept: JsonValue
  /** Present when an administrator resolved or dismissed it (the notice that closes it on devices). */
  settled?: ConflictSettlement
}

export interface SummaryMeta {
  editor: string
  serverSeq: number
  at: number
  /** SQLite: the id of the household's newest log row, when this commit appended it (LogRow.id). */
  logLast?: number | undefined
}

/** One household's summary for writeSummaries. */
export interface SummaryWrite {
  householdId: string
  summary: HouseholdSummary
  visit: VisitResult
  meta: SummaryMeta
  /** The indexed columns (status, category, position) already hold these values: SQLite leaves them out. */
  indexedUnchanged: boolean
}

/** Where a household belongs (the columns of its row no document edit changes). */
export interface HouseholdPlace {
  id: string
  period: string
  unitCode: string
  villageId: string
}

export interface Projections {
  /** The committed position and last move distance, read before a summary write (visit flags compare with it). */
  previousPosition(householdId: string): { lat: number | null; lng: number | null; movedM: number | null } | undefined
  writeSummary(householdId: string, s: HouseholdSummary, visit: VisitResult, meta: SummaryMeta): void
  /**
   * A household's whole row at creation — place, creator and summary with its report facts — as one INSERT: the row
   * an INSERT of the place followed by writeSummary would leave, without writing it (and its indexes) twice.
   */
  insertHousehold(place: HouseholdPlace, s: HouseholdSummary, visit: VisitResult, meta: SummaryMeta): void
  /**
   * writeSummary of several households: one statement on PostgreSQL, where each statement is a round trip (each
   * column's values as an array); one per household on SQLite, leaving out the indexed columns (status, category,
   * position) where `indexedUnchanged`, so SQLite does not rewrite the map/list index entries.
   */
  writeSummaries(writes: readonly SummaryWrite[]): void
  /**
   * Only the per-commit columns (last editor, server_seq, updated_at) of several households, for commits that change
   * no summarised value: one statement on PostgreSQL, where each statement is a round trip (the
   * households' ids and values as arrays), one per household on SQLite.
   */
  writeSummaryMetas(householdIds: readonly string[], metas: readonly SummaryMeta[]): void
  /**
   * The field history of a household created on a device (it has no log row; a committed edit's values ride on its log
   * row, encodeWrites).
   */
  writeFieldHistory(
    householdId: string,
    writes: readonly FieldWrite[],
    author: Author,
    receivedAt: number,
    serverSeq: number,
  ): void
  /** Opens a conflict, or adds candidates to the open one on the same field. */
  /** `lookup` finds values Yjs GC'd that the field history does not hold (the creation state). */
  recordConflict(
    householdId: string,
    c: DetectedConflict,
    kept: JsonValue,
    author: Author,
    receivedAt: number,
    lookup?: (id: { client: number; clock: number }) => JsonValue | undefined,
  ): RecordedConflict
  /**
   * The value the Yjs item (client, clock) of this household wrote, from the field history (for GC'd base values).
   * Item ids are per document: SERVER_CLIENT_ID writes in every household, so the household is part of the key.
   */
  valueOfItem(householdId: string, id: { client: number; clock: number }): JsonValue | undefined
}

/**
 * A commit's field history as its log row carries it (migration 019): [[path, valueJson, clientId, clock], …] in the
 * order written; null when it writes no value. The view field_writes reads it back as field_history's columns. Each value
 * is its JSON text as a string: PostgreSQL's JSON functions refuse a \u0000 escape, which a document's text may hold.
 */
export function encodeWrites(writes: readonly FieldWrite[]): string | null {
  if (writes.length === 0) return null
  let out = '['
  for (let i = 0; i < writes.length; i++) {
    const w = writes[i]!
    out += `${i === 0 ? '' : ','}[${JSON.stringify(w.path)},${JSON.stringify(JSON.stringify(w.value))},${w.clientId},${w.clock}]`
  }
  return `${out}]`
}

/** The version of the report facts a summary write stores (migration 017); rows below it are re-projected. */
export const FACTS_VERSION = 1

const json = (v: JsonValue | undefined): string | null => (v === undefined ? null : JSON.stringify(v))

/**
 * A document's text as a summary column: PostgreSQL's TEXT holds no NUL character (SQLite's does), so the column drops
 * it on both engines alike; the document keeps what was written.
 */
const text = (s: string): string => (s.includes('\0') ? s.replaceAll('\0', '') : s)

/** The report facts' columns (migration 016), in factValues' order, with their PostgreSQL types. */
const FACT_COLUMNS: readonly (readonly [column: string, pgType: string])[] = [
  ['deprivation_mask', 'integer'],
  ['ethnic_minority', 'integer'],
  ['meritorious', 'integer'],
  ['no_working_capacity', 'integer'],
  ['social_protection', 'integer'],
  ['farming', 'integer'],
  ['causes', 'text'],
  ['member_count', 'integer'],
]
/** The report facts ride on the summary UPDATE: the row is rewritten anyway, no second write. */
export const FACT_SET = `${FACT_COLUMNS.map(([c]) => `${c} = ?`).join(', ')}, facts_version = ${FACTS_VERSION}`
export const factValues = (f: ReportFacts): (number | string)[] => [
  f.deprivationMask,
  f.ethnicMinority,
  f.meritorious,
  f.noWorkingCapacity,
  f.socialProtection,
  f.farming,
  text(f.causes),
  f.memberCount,
]

/**
 * The columns summaryColumns gives, in its order, with their PostgreSQL types (for the array-parameter UPDATE): every
 * summary statement lists its columns from here.
 */
const SUMMARY_COLUMNS: readonly (readonly [column: string, pgType: string])[] = [
  ['head_name', 'text'],
  ['address', 'text'],
  ['status', 'text'],
  ['category', 'text'],
  ['deprivation_count', 'integer'],
  ['lat', 'double precision'],
  ['lng', 'double precision'],
  ['accuracy_m', 'double precision'],
  ['last_editor', 'text'],
  ['server_seq', 'bigint'],
  ['updated_at', 'bigint'],
  ['search_text', 'text'],
  ['flags', 'text'],
  ['moved_m', 'double precision'],
  ...FACT_COLUMNS,
]

/** The columns of the map and list indexes: the UPDATE of a summary whose indexed values are unchanged leaves them out. */
const INDEXED_COLUMNS: ReadonlySet<string> = new Set(['status', 'category', 'lat', 'lng', 'accuracy_m'])
/** Positions in SUMMARY_COLUMNS (and summaryColumns) of the columns that are not indexed. */
const VALUE_POSITIONS = SUMMARY_COLUMNS.flatMap(([c], i) => (INDEXED_COLUMNS.has(c) ? [] : [i]))
/** `column = ?, …` of these positions, then the facts' version (written with the facts). */
const setList = (positions: readonly number[]): string =>
  `${positions.map((i) => `${SUMMARY_COLUMNS[i]![0]} = ?`).join(', ')}, facts_version = ${FACTS_VERSION}`

/** A summary row's columns in the order the summary UPDATE and the household INSERT list them. */
function summaryColumns(s: HouseholdSummary, visit: VisitResult, meta: SummaryMeta): unknown[] {
  return [
    text(s.headName),
    text(s.address),
    s.status,
    s.category,
    s.deprivationCount,
    s.lat,
    s.lng,
    s.accuracyM,
    meta.editor,
    meta.serverSeq,
    meta.at,
    text(s.searchText),
    visit.flags.join(','),
    visit.movedM,
    ...factValues(s.facts),
  ]
}

export function createProjections(db: Db): Projections {
  // SQLite: a commit's summary row also names the household's newest log row (household-log.ts); kept when not given.
  const lite = db.dialect !== 'postgres'
  const logLast = lite ? ', log_last = coalesce(?, log_last)' : ''
  const logLastOf = (meta: SummaryMeta): unknown[] => (lite ? [meta.logLast ?? null] : [])
  const summary = db.prepare(
    `UPDATE households SET ${setList(SUMMARY_COLUMNS.map((_, i) => i))}${logLast} WHERE id = ?`,
  )
  const summaryValues = db.prepare(`UPDATE households SET ${setList(VALUE_POSITIONS)}${logLast} WHERE id = ?`)
  const insert = db.prepare(
    `INSERT INTO households (id, period, unit_code, village_id, ${SUMMARY_COLUMNS.map(([c]) => c).join(', ')}, facts_version)
     VALUES (?, ?, ?, ?, ${SUMMARY_COLUMNS.map(() => '?').join(', ')}, ${FACTS_VERSION})`,
  )
  const position = db.prepare('SELECT lat, lng, moved_m AS movedM FROM households WHERE id = ?')
  const summaryMeta = db.prepare(
    `UPDATE households SET last_editor = ?, server_seq = ?, updated_at = ?${logLast} WHERE id = ?`,
  )
  // PostgreSQL: the summaries of a commit's households in one statement, each column's values as one array parameter.
  const summariesAll =
    db.dialect === 'postgres'
      ? db.prepare(
          `UPDATE households AS h SET ${SUMMARY_COLUMNS.map(([c]) => `${c} = v.${c}`).join(', ')},
             facts_version = ${FACTS_VERSION}
           FROM (SELECT unnest(CAST(? AS text[])) AS id,
                 ${SUMMARY_COLUMNS.map(([c, t]) => `unnest(CAST(? AS ${t}[])) AS ${c}`).join(', ')}) AS v
           WHERE h.id = v.id`,
        )
      : null
  const summaryMetas =
    db.dialect === 'postgres'
      ? db.prepare(
          `UPDATE households AS h SET last_editor = v.editor, server_seq = v.seq, updated_at = v.at
           FROM (SELECT unnest(CAST(? AS text[])) AS id, unnest(CAST(? AS text[])) AS editor,
                        unnest(CAST(? AS bigint[])) AS seq, unnest(CAST(? AS bigint[])) AS at) AS v
           WHERE h.id = v.id`,
        )
      : null
  const history = db.prepare(
    `INSERT INTO field_history (household_id, path, value_json, user_id, device_id, client_id, clock, received_at, server_seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const householdWrites = householdFieldWrites(db)
  const historyOfItem = db.prepare(
    `SELECT value_json, user_id, device_id, received_at FROM ${householdWrites.from} f WHERE client_id = ? AND clock = ? LIMIT 1`,
  )
  const binding = db.prepare('SELECT user_id, device_id, first_seen FROM client_ids WHERE client_id = ?')
  const openConflict = db.prepare(
    `SELECT id, candidates_json FROM conflicts WHERE household_id = ? AND path = ? AND status = 'open'`,
  )
  const insertConflict = db
    .prepare(
      `INSERT INTO conflicts (household_id, path, base_json, candidates_json, kept_json, status, created_at) VALUES (?, ?, ?, ?, ?, 'open', ?)
     RETURNING id`,
    )
    .pluck()
  const updateConflict = db.prepare('UPDATE conflicts SET candidates_json = ?, kept_json = ? WHERE id = ?')
  // The summary rows a commit writes: nothing reads their result (on PostgreSQL they go with the COMMIT).
  const summaryLater = writeLater(summary)
  const summaryValuesLater = writeLater(summaryValues)
  const summariesAllLater = summariesAll && writeLater(summariesAll)
  const summaryMetaLater = writeLater(summaryMeta)
  const summaryMetasLater = summaryMetas && writeLater(summaryMetas)

  const writeSummary: Projections['writeSummary'] = (householdId, s, visit, meta) => {
    summaryLater(...summaryColumns(s, visit, meta), ...logLastOf(meta), householdId)
  }
  /** writeSummary without the indexed columns, which are known to hold `s`'s values already. */
  const writeSummaryValues: Projections['writeSummary'] = (householdId, s, visit, meta) => {
    const all = summaryColumns(s, visit, meta)
    summaryValuesLater(...VALUE_POSITIONS.map((i) => all[i]), ...logLastOf(meta), householdId)
  }

  /** Value (when the side no longer carries it, from the field history) and author of one side of a conflict. */
  function candidate(
    householdId: string,
    side: ConflictSide,
    fallback?: (id: { client: number; clock: number }) => JsonValue | undefined,
  ): ConflictCandidateRow {
    const h = historyOfItem.get(...householdWrites.params(householdId), side.clientId, side.clock) as
      { value_json: string; user_id: string; device_id: string; received_at: number } | undefined
    const value =
      side.value !== undefined
        ? side.value
        : h
          ? (JSON.parse(h.value_json) as JsonValue)
          : (fallback?.({ client: side.clientId, clock: side.clock }) ?? null)
    if (h) return { value, clientId: side.clientId, userId: h.user_id, deviceId: h.device_id, at: h.received_at }
    const b = binding.get(side.clientId) as { user_id: string; device_id: string; first_seen: number } | undefined
    if (!b && side.clientId === SERVER_CLIENT_ID)
      return { value, clientId: side.clientId, userId: 'server', deviceId: 'server', at: 0 }
    return {
      value,
      clientId: side.clientId,
      userId: b?.user_id ?? 'unknown',
      deviceId: b?.device_id ?? 'unknown',
      at: b?.first_seen ?? 0,
    }
  }

  return {
    valueOfItem(householdId, id) {
      const h = historyOfItem.get(...householdWrites.params(householdId), id.client, id.clock) as
        { value_json: string } | undefined
      return h ? (JSON.parse(h.value_json) as JsonValue) : undefined
    },
    previousPosition(householdId) {
      return position.get(householdId) as { lat: number | null; lng: number | null; movedM: number | null } | undefined
    },
    writeSummary,
    insertHousehold(place, s, visit, meta) {
      insert.run(place.id, place.period, place.unitCode, place.villageId, ...summaryColumns(s, visit, meta))
    },
    writeSummaries(writes) {
      if (summariesAllLater === null || writes.length === 1) {
        for (const w of writes)
          if (w.indexedUnchanged) writeSummaryValues(w.householdId, w.summary, w.visit, w.meta)
          else writeSummary(w.householdId, w.summary, w.visit, w.meta)
      } else if (writes.length > 0) {
        const columns: unknown[][] = SUMMARY_COLUMNS.map(() => [])
        for (const w of writes) {
          const values = summaryColumns(w.summary, w.visit, w.meta)
          for (let i = 0; i < columns.length; i++) columns[i]!.push(values[i])
        }
        // Each list inside a list of its own: a list argument is spread into parameters (better-sqlite3's convention).
        summariesAllLater([writes.map((w) => w.householdId)], ...columns.map((c) => [c]))
      }
    },
    writeSummaryMetas(householdIds, metas) {
      if (summaryMetasLater === null || householdIds.length === 1) {
        for (let i = 0; i < householdIds.length; i++) {
          const meta = metas[i]!
          summaryMetaLater(meta.editor, meta.serverSeq, meta.at, ...logLastOf(meta), householdIds[i])
        }
      } else if (householdIds.length > 0) {
        // Each list inside a list of its own: a list argument is spread into parameters (better-sqlite3's convention).
        summaryMetasLater(
          [householdIds],
          [metas.map((m) => m.editor)],
          [metas.map((m) => m.serverSeq)],
          [metas.map((m) => m.at)],
        )
      }
    },
    writeFieldHistory(householdId, writes, author, receivedAt, serverSeq) {
      for (const w of writes) {
        history.run(
          householdId,
          w.path,
          JSON.stringify(w.value),
          author.userId,
          author.deviceId,
          w.clientId,
          w.clock,
          receivedAt,
          serverSeq,
        )
      }
    },
    recordConflict(householdId, c, kept, author, receivedAt, lookup) {
      const incoming: ConflictCandidateRow = { ...candidate(householdId, c.incoming), ...author, at: receivedAt }
      const current = candidate(householdId, c.current, lookup)
      const open = openConflict.get(householdId, c.path) as { id: number; candidates_json: string } | undefined
      if (open) {
        const candidates = JSON.parse(open.candidates_json) as ConflictCandidateRow[]
        for (const cand of [current, incoming]) {
          const same = candidates.some(
            (x) => x.clientId === cand.clientId && JSON.stringify(x.value) === JSON.stringify(cand.value),
          )
          if (!same) candidates.push(cand)
        }
        updateConflict.run(JSON.stringify(candidates), json(kept), open.id)
        return { id: open.id, householdId, path: c.path, candidates, kept }
      }
      const base: JsonValue | undefined = c.base === null ? undefined : candidate(householdId, c.base, lookup).value
      const candidates = [current, incoming]
      const id = Number(
        insertConflict.get(householdId, c.path, json(base), JSON.stringify(candidates), json(kept), receivedAt),
      )
      return { id, householdId, path: c.path, candidates, kept }
    },
  }
}
