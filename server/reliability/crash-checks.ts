// What a crash trial checks in the server's data folder after kill -9 and restart: acknowledged updates committed,
// server-side effects recorded once (history rows, conflicts, audit, photos, register imports, workflow entries), and
// every household's workflow state consistent with its history.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { canTransition } from '../../shared/doc/workflow.ts'
import type { Status } from '../../shared/household/types.ts'
import type { Db } from '../db/open.ts'
import { createDocStore } from '../store/doc-store.ts'

/** One acknowledged update: the household and the clock its writer's client had reached with it. */
export interface AckedEdit {
  householdId: string
  clientId: number
  clockEnd: number
}

/** ACKed updates missing from the committed documents. */
export function lostEdits(db: Db, acked: readonly AckedEdit[]): AckedEdit[] {
  const docs = createDocStore(db)
  const vectors = new Map<string, Map<number, number>>()
  const lost: AckedEdit[] = []
  for (const a of acked) {
    let sv = vectors.get(a.householdId)
    if (!sv) {
      const state = docs.readState(a.householdId)
      sv = state ? Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state)) : new Map<number, number>()
      vectors.set(a.householdId, sv)
    }
    if ((sv.get(a.clientId) ?? 0) < a.clockEnd) lost.push(a)
  }
  return lost
}

/** Rows or entries recorded more than once; each string names one. */
export function duplicateEffects(db: Db, households: readonly string[]): string[] {
  const found: string[] = []
  const groups = (what: string, sql: string): void => {
    for (const row of db.prepare(sql).all() as Record<string, unknown>[]) found.push(`${what} ${JSON.stringify(row)}`)
  }
  groups(
    'field_history',
    `SELECT household_id, path, client_id, clock, COUNT(*) AS n FROM field_writes
     GROUP BY household_id, path, client_id, clock, value_json HAVING COUNT(*) > 1`,
  )
  // A conflict's candidates carry the time they were received: the same writes seen again would differ only there.
  const conflicts = new Set<string>()
  const rows = db.prepare('SELECT household_id, path, candidates_json FROM conflicts').all() as {
    household_id: string
    path: string
    candidates_json: string
  }[]
  for (const r of rows) {
    const candidates = (JSON.parse(r.candidates_json) as { clientId: number; value: unknown }[])
      .map((c) => JSON.stringify([c.clientId, c.value]))
      .sort()
    const key = JSON.stringify([r.household_id, r.path, candidates])
    if (conflicts.has(key)) found.push(`conflict ${key}`)
    conflicts.add(key)
  }
  groups(
    'audit',
    `SELECT action, target, details_json, COUNT(*) AS n FROM audit_log
     WHERE action NOT IN ('login', 'logout') GROUP BY action, target, details_json HAVING COUNT(*) > 1`,
  )
  groups(
    'doc_log',
    `SELECT household_id, client_ids, ${db.dialect === 'postgres' ? `encode("update", 'hex')` : 'hex("update")'} AS u,
       COUNT(*) AS n FROM doc_log GROUP BY household_id, client_ids, "update" HAVING COUNT(*) > 1`,
  )
  const docs = createDocStore(db)
  for (const id of households) {
    const state = docs.readState(id)
    if (!state) continue
    const seen = new Set<string>()
    for (const e of HouseholdDoc.load(state).read().workflow.history) {
      const key = JSON.stringify([e.from, e.to, e.by, e.at])
      if (seen.has(key)) found.push(`workflow entry ${id} ${key}`)
      seen.add(key)
    }
  }
  return found
}

/** Households whose status is not the last history entry's `to`, or whose history holds a move not allowed. */
export function workflowFaults(db: Db, households: readonly string[]): string[] {
  const docs = createDocStore(db)
  const faults: string[] = []
  for (const id of households) {
    const state = docs.readState(id)
    if (!state) {
      faults.push(`${id}: no committed document`)
      continue
    }
    const doc = HouseholdDoc.load(state)
    const history = doc.read().workflow.history
    let at: Status = history[0]?.from ?? doc.status
    for (const e of history) {
      if (e.from !== at || !canTransition(e.from, e.to)) faults.push(`${id}: ${at} then ${e.from} → ${e.to}`)
      at = e.to
    }
    if (history.length > 0 && doc.status !== at) faults.push(`${id}: status ${doc.status}, history ends at ${at}`)
    const row = db.prepare('SELECT status FROM households WHERE id = ?').pluck().get(id)
    if (row !== doc.status) faults.push(`${id}: households.status ${String(row)}, document ${doc.status}`)
  }
  return faults
}

/** Photos the server holds other than once per uploaded hash, with their file. */
export function photoFaults(db: Db, dataDir: string, uploaded: ReadonlySet<string>): string[] {
  const rows = db.prepare('SELECT sha256 FROM photos').pluck().all() as string[]
  const faults: string[] = []
  if (rows.length !== uploaded.size) faults.push(`${rows.length} photo rows for ${uploaded.size} uploads`)
  for (const sha of uploaded) {
    if (!rows.includes(sha)) faults.push(`photo ${sha} has no row`)
    if (!existsSync(join(dataDir, 'photos', sha.slice(0, 2), sha.slice(2)))) faults.push(`photo ${sha} has no file`)
  }
  return faults
}

/** A register of `codes` households imported (maybe retried): each became one household, counted by one import. */
export function registerFaults(db: Db, period: string, codes: number): string[] {
  const faults: string[] = []
  const mapped = db.prepare('SELECT COUNT(*) FROM register_households WHERE period = ?').pluck().get(period)
  const docs = db
    .prepare(
      `SELECT COUNT(*) FROM households h JOIN register_households r ON r.household_id = h.id
       JOIN doc_state d ON d.household_id = h.id WHERE r.period = ?`,
    )
    .pluck()
    .get(period)
  const created = db
    .prepare('SELECT COALESCE(SUM(created), 0) FROM register_imports WHERE period = ?')
    .pluck()
    .get(period)
  const imports = db.prepare('SELECT COUNT(*) FROM register_imports WHERE period = ?').pluck().get(period)
  const audited = db.prepare(`SELECT COUNT(*) FROM audit_log WHERE action = 'register-import'`).pluck().get()
  if (mapped !== codes) faults.push(`register_households ${String(mapped)} for ${codes} codes`)
  if (docs !== codes) faults.push(`${String(docs)} register households with documents for ${codes} codes`)
  if (created !== codes) faults.push(`imports created ${String(created)} for ${codes} codes`)
  if (audited !== imports) faults.push(`${String(audited)} audit entries for ${String(imports)} imports`)
  return faults
}
