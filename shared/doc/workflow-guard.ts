// The relay's workflow check on a device's update (part of inspectUpdate): status moves only along FIELD_MOVES, each with
// its history entry written by the signed-in user at a plausible time, and no answer edits on a locked record.
// Review steps never come from devices: the server writes them (review routes) under SERVER_CLIENT_ID.

import * as Y from 'yjs'
import type { Status } from '../household/types.ts'
import type { JsonValue } from '../sync/messages.ts'
import { HISTORY_REVIEW_KEYS, Root } from './keys.ts'
import { readStatus } from './snapshot.ts'
import { isFieldMove, isLocked } from './workflow.ts'

/** Who sends the update, and the server's clock (ms) to judge the entries' `at`. */
export interface DeviceWriter {
  userId: string
  now: number
}

export type WorkflowRefusal = {
  ok: false
  code: 'sync/forbidden-transition' | 'sync/record-locked'
  reason: string
  path: string
}

/** A history entry may be this much older than the server's clock (a phone offline for weeks keeps its entries)… */
export const MAX_ENTRY_AGE_MS = 400 * 24 * 3_600_000
/** …and this much ahead of it (a phone's clock set wrong by a time zone or a day). */
export const MAX_ENTRY_AHEAD_MS = 24 * 3_600_000

const refuse = (code: WorkflowRefusal['code'], reason: string, path: string): WorkflowRefusal => ({
  ok: false,
  code,
  reason,
  path,
})

/**
 * `writes` are the update's new values (inspectUpdate's field writes) in update order, checked against `doc`, the server's
 * state before the update. Returns null when the update may be stored. Never throws on valid layouts (checked before).
 */
export function checkWorkflow(
  doc: Y.Doc,
  update: Uint8Array,
  writes: readonly { path: string; value?: JsonValue }[],
  writer: DeviceWriter,
): WorkflowRefusal | null {
  if (writes.length === 0) return null
  const from = readStatus(doc)
  if (isLocked(from))
    return refuse(
      'sync/record-locked',
      `the record is ${from}: it can no longer be edited on a device`,
      writes[0]!.path,
    )
  // Only the phone that creates a household found in the field marks it pending; the decision is the server's.
  const admission = writes.find(
    (w) => w.path === 'workflow.admission' && !(w.value === 'pending' && !doc.getMap(Root.FIELDS).has('id')),
  )
  if (admission)
    return refuse(
      'sync/forbidden-transition',
      'a device may only mark a household it creates as pending approval',
      admission.path,
    )
  const entries = writes.filter((w) => w.path === Root.HISTORY)
  if (entries.length === 0 && !writes.some((w) => w.path.startsWith(`${Root.WORKFLOW}.`))) return null

  let chained: Status | null = null // the status the entries lead to, each a field move from the one before
  for (const w of entries) {
    const e = (w.value ?? {}) as Record<string, unknown>
    const extra = Object.keys(HISTORY_REVIEW_KEYS).find((k) => e[k] !== undefined && e[k] !== null)
    if (extra !== undefined)
      return refuse('sync/forbidden-transition', `history.${extra} is written by the review routes only`, Root.HISTORY)
    if (e.by !== writer.userId)
      return refuse('sync/forbidden-transition', 'a history entry must name the signed-in user', Root.HISTORY)
    const at = typeof e.at === 'string' ? Date.parse(e.at) : NaN
    if (!(at >= writer.now - MAX_ENTRY_AGE_MS && at <= writer.now + MAX_ENTRY_AHEAD_MS)) {
      return refuse('sync/forbidden-transition', `history entry time ${String(e.at)} is not plausible`, Root.HISTORY)
    }
    const to = e.to as Status
    const fromOf = e.from as Status
    if ((chained !== null && fromOf !== chained) || !isFieldMove(fromOf, to)) {
      return refuse(
        'sync/forbidden-transition',
        `${String(e.from)} → ${to} is not a move a device may make`,
        'workflow.status',
      )
    }
    chained = to
  }
  // The status the update leaves: unchanged (a device that made the same move concurrently, offline), or the end of
  // entries that start at the stored status — never a status written without its entries.
  const after = new Y.Doc()
  Y.applyUpdate(after, Y.encodeStateAsUpdate(doc))
  Y.applyUpdate(after, update)
  const result = readStatus(after)
  after.destroy()
  const first = entries[0]?.value as Record<string, unknown> | undefined
  const fromStored = first !== undefined && first.from === from
  if (fromStored ? chained !== result : result !== from) {
    return refuse(
      'sync/forbidden-transition',
      `status ${from} → ${result} does not follow from the update's history entries`,
      'workflow.status',
    )
  }
  return null
}
