// What the relay needs to know about an incoming Yjs update before storing it: writes, conflicts, layout, client ids.
// Adapter over shared/doc inspectUpdate (the layout whitelist and §4.9 detector live there), in the relay's terms.
import type * as Y from 'yjs'
import {
  inspectUpdate as inspectShared,
  type ConflictSide,
  type DetectedConflict,
  type InspectOptions,
} from '../../shared/doc/inspect-update.ts'
import { currentAt } from '../../shared/doc/apply-update.ts'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { SERVER_CLIENT_ID } from '../../shared/doc/keys.ts'
import type { JsonValue } from '../../shared/sync/messages.ts'

export { SERVER_CLIENT_ID }
export type { ConflictSide, DetectedConflict }

export interface FieldWrite {
  path: string
  value: JsonValue
  clientId: number
  clock: number
}

export type Inspection =
  /** clientIds: clients with structs new to the server (they must belong to the sender). */
  /** paths: every path the update writes (also those without a value to keep), for touchesSummary(). */
  | {
      ok: true
      writes: FieldWrite[]
      paths: string[]
      conflicts: DetectedConflict[]
      clientIds: number[]
      pending: boolean
      /** Every struct is new to the doc and continues its state: applied, the update adds exactly itself. */
      whollyNew: boolean
    }
  | {
      ok: false
      code: 'sync/invalid-update' | 'sync/layout-violation' | 'sync/forbidden-transition' | 'sync/record-locked'
      reason: string
    }

/** Decode and inspect `update` against `doc` (which must not yet contain it). Never throws. */
export function inspectUpdate(doc: Y.Doc, update: Uint8Array, options: InspectOptions = {}): Inspection {
  const r = inspectShared(doc, update, options)
  if (!r.ok) {
    if (r.code === 'sync/missing-dependencies')
      return { ok: true, writes: [], paths: [], conflicts: [], clientIds: [], pending: true, whollyNew: false }
    return { ok: false, code: r.code, reason: r.reason }
  }
  // A write whose content is gone (overwritten before upload) or an entity map carries no value to keep in history.
  const writes: FieldWrite[] = []
  const paths: string[] = []
  for (const w of r.writes) {
    paths.push(w.path)
    if (w.value !== undefined) writes.push({ path: w.path, value: w.value, clientId: w.clientId, clock: w.clock })
  }
  return {
    ok: true,
    writes,
    paths,
    conflicts: r.conflicts,
    clientIds: r.clientIds,
    pending: false,
    whollyNew: r.whollyNew,
  }
}

/** Current value of a field in the document (what every replica shows). */
export function valueAt(doc: Y.Doc, path: string): JsonValue {
  return currentAt(doc, path)?.value ?? null
}

/** Sets a field as a local write of `doc` (the server's resident doc, client id SERVER_CLIENT_ID), through HouseholdDoc. */
export function setAt(doc: Y.Doc, path: string, value: JsonValue, conflictId?: string): boolean {
  return new HouseholdDoc(doc).resolveField(path, value, conflictId).ok
}
