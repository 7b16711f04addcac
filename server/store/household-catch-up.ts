// Several relays on one database: a resident Y.Doc can fall behind what another relay committed. Before an update is
// checked its doc is reloaded when behind; inside the commit transaction the household's committed head is locked, rows
// committed elsewhere since are applied and conflicts re-checked against them, and entries are numbered after that head.
import * as Y from 'yjs'
import type { Db } from '../db/open.ts'
import type { JsonValue } from '../../shared/sync/messages.ts'
import { SERVER_USER } from './client-ids.ts'
import type { DocStore, LogRow } from './doc-store.ts'
import type { Author, createProjections } from './projections.ts'
import { inspectUpdate, SERVER_CLIENT_ID, valueAt, type DetectedConflict } from './update-inspection.ts'

/** What the catch-up reads and rewrites of a waiting entry (household-writer's Entry). */
export interface CatchUpEntry {
  row: LogRow
  author: Author
  conflicts: { detected: DetectedConflict; kept: JsonValue }[]
}

export interface CatchUp {
  /** The resident doc of a household with no update waiting, reloaded from the database when another relay wrote since. */
  fresh(householdId: string): Y.Doc | null
  /**
   * Inside the commit transaction: locks each household's head, takes in rows committed elsewhere and numbers the
   * entries head + 1, head + 2, … Returns the households that had rows from elsewhere (their summary is recomputed).
   */
  renumber(batch: readonly CatchUpEntry[]): string[]
}

export function createCatchUp(
  db: Db,
  docStore: DocStore,
  projections: Pick<ReturnType<typeof createProjections>, 'valueOfItem'>,
): CatchUp {
  // The head is the summary row's server_seq (migration 020). PostgreSQL: the row lock serialises committing relays (and
  // a compaction); SQLite: BEGIN IMMEDIATE already holds the only write lock.
  const lockHead = db
    .prepare(`SELECT server_seq FROM households WHERE id = ?${db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`)
    .pluck()

  /** Conflicts of `entries` (in order) with what is committed now, as if they had arrived after it. */
  function recheck(householdId: string, entries: readonly CatchUpEntry[], resident: Y.Doc): void {
    const state = docStore.readState(householdId)
    if (state === null) return
    const committed = new Y.Doc({ gc: true, guid: householdId })
    Y.applyUpdate(committed, state)
    const lookupValue = (id: { client: number; clock: number }): JsonValue | undefined =>
      projections.valueOfItem(householdId, id) ??
      (id.client === SERVER_CLIENT_ID ? docStore.creationValue(householdId, id) : undefined)
    for (const e of entries) {
      if (e.author.deviceId !== SERVER_USER) {
        const insp = inspectUpdate(committed, e.row.update, {
          lookupValue,
          writer: { userId: e.author.userId, now: e.row.receivedAt },
        })
        if (insp.ok) e.conflicts = insp.conflicts.map((c) => ({ detected: c, kept: valueAt(resident, c.path) }))
      }
      Y.applyUpdate(committed, e.row.update)
    }
    committed.destroy()
  }

  return {
    fresh(householdId) {
      const doc = docStore.openDoc(householdId)
      if (doc === null) return null
      const known = docStore.docHead(doc)
      const head = docStore.head(householdId)
      if (head === null || (known !== undefined && head <= known)) return doc
      docStore.evict(householdId)
      return docStore.openDoc(householdId)
    },
    renumber(batch) {
      const byHousehold = new Map<string, CatchUpEntry[]>()
      for (const e of batch) {
        const list = byHousehold.get(e.row.householdId)
        if (list) list.push(e)
        else byHousehold.set(e.row.householdId, [e])
      }
      const caught: string[] = []
      for (const [id, entries] of byHousehold) {
        const head = lockHead.get(id) as number | undefined
        if (head === undefined) continue // gone: the log insert fails and the entries are refused
        const doc = docStore.resident(id)
        const known = doc && docStore.docHead(doc)
        if (doc && known !== undefined && head > known) {
          for (const r of docStore.rowsAfter(id, known)) Y.applyUpdate(doc, r.update, 'remote')
          recheck(id, entries, doc)
          caught.push(id)
        }
        entries.forEach((e, i) => (e.row.seq = head + 1 + i))
      }
      return caught
    },
  }
}
