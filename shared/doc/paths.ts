// Field paths: the names the server (field history, conflicts) and the client (test ids, conflict badges) use
// for one value in a household document, e.g. 'address', 'dwelling.roofDurable', 'members.<uuid>.healthInsurance'.

import { ENTITY_KEY, FIELD_KEYS, isRootName, LAYOUT, PHOTO_KEY, Root, type RootName, type ValueSpec } from './keys.ts'

/** Where one value lives: root map, optional entity (member id / photo sha256), key. */
export interface FieldLocation {
  root: RootName
  entity?: string
  key: string
}

/** The path of a value. Top-level fields are bare keys; everything else is dot-joined. */
export function pathOf(root: RootName, key: string, entity?: string): string {
  if (root === Root.FIELDS) return key
  if (root === Root.HISTORY) return root
  return entity === undefined ? `${root}.${key}` : `${root}.${entity}.${key}`
}

/** Inverse of pathOf for valid paths; null when the path names nothing in layout v1. */
export function parsePath(path: string): FieldLocation | null {
  const dot = path.indexOf('.')
  if (dot < 0) {
    if (path === Root.HISTORY) return { root: Root.HISTORY, key: '' }
    return Object.hasOwn(FIELD_KEYS, path) ? { root: Root.FIELDS, key: path } : null
  }
  const root = path.slice(0, dot)
  const rest = path.slice(dot + 1)
  if (!isRootName(root) || root === Root.FIELDS) return null
  const layout = LAYOUT[root]
  switch (layout.kind) {
    case 'fields':
      return Object.hasOwn(layout.keys, rest) ? { root, key: rest } : null
    case 'set':
      return layout.keyPattern.test(rest) && (!layout.allowed || layout.allowed.includes(rest))
        ? { root, key: rest }
        : null
    case 'review':
      return { root, key: rest }
    case 'answers':
      return layout.keyPattern.test(rest) ? { root, key: rest } : null
    case 'entities': {
      const d = rest.indexOf('.')
      if (d < 0) return null
      const entity = rest.slice(0, d)
      const key = rest.slice(d + 1)
      const pattern = root === Root.PHOTOS ? PHOTO_KEY : ENTITY_KEY
      return pattern.test(entity) && Object.hasOwn(layout.keys, key) ? { root, entity, key } : null
    }
    case 'log':
      return null
  }
}

/** The value spec of a location (undefined for review notes and the history log). */
export function specOf(loc: FieldLocation): ValueSpec | undefined {
  const layout = LAYOUT[loc.root]
  switch (layout.kind) {
    case 'fields':
    case 'entities':
      return layout.keys[loc.key]
    case 'set':
      return { type: 'boolean', nullable: true }
    default:
      return undefined
  }
}
