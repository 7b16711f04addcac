// Applying an inspected update on the server and reading back which value Yjs kept for each detected conflict
// (the value every replica converges to), so the conflict record and the CONFLICT frame can name it.

import * as Y from 'yjs'
import type { JsonValue } from '../sync/messages.ts'
import { REMOTE_ORIGIN, type EditOrigin } from './household-doc.ts'
import type { ConflictSide, DetectedConflict } from './inspect-update.ts'
import { isRootName, LAYOUT, Root } from './keys.ts'

export interface ResolvedConflict extends DetectedConflict {
  /** What Yjs kept at the path after the merge (null if the path holds nothing). */
  kept: ConflictSide | null
}

/** The current Yjs item behind a field path ('address', 'dwelling.roofDurable', 'members.<id>.fullName', 'members.<id>'). */
export function currentAt(doc: Y.Doc, path: string): ConflictSide | null {
  const parts = path.split('.')
  const [first, second, third] = parts
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types the event parameter this way
  let map: Y.AbstractType<any> | undefined
  let key: string | undefined
  if (parts.length === 1) {
    map = doc.share.get(Root.FIELDS)
    key = first
  } else if (first !== undefined && isRootName(first) && LAYOUT[first].kind === 'entities' && second !== undefined) {
    const rootMap = doc.share.get(first)
    if (third === undefined) {
      map = rootMap
      key = second
    } else {
      const entity = rootMap?._map.get(second)
      map = entity && !entity.deleted && entity.content instanceof Y.ContentType ? entity.content.type : undefined
      key = parts.slice(2).join('.')
    }
  } else if (first !== undefined) {
    map = doc.share.get(first)
    key = parts.slice(1).join('.')
  }
  const item = key === undefined ? undefined : map?._map.get(key)
  if (!item || item.deleted) return null
  const side: ConflictSide = { clientId: item.id.client, clock: item.id.clock }
  if (item.content instanceof Y.ContentAny) side.value = item.content.arr[0] as JsonValue
  return side
}

/** Apply `update` (already accepted by inspectUpdate) and report, per conflict, the value Yjs kept. */
export function applyAndResolveWinners(
  doc: Y.Doc,
  update: Uint8Array,
  conflicts: readonly DetectedConflict[],
  origin: EditOrigin = REMOTE_ORIGIN,
): ResolvedConflict[] {
  Y.applyUpdate(doc, update, origin)
  return conflicts.map((c) => ({ ...c, kept: currentAt(doc, c.path) }))
}
