// Decoding a Yjs update and locating each of its items in the household layout (root, entity, key), resolving
// parents through origins against the doc when the encoded struct carries no parent info. Reads Yjs 13.6.33 internals.

import * as Y from 'yjs'
import { isRootName, LAYOUT, type RootName } from './keys.ts'

export interface StructId {
  client: number
  clock: number
}

export type Located =
  | {
      kind: 'placed'
      root: RootName
      /** Member id / photo sha256 when the item is a field inside an entity map. */
      entity?: string
      /** Map key; null for array content (the history log). */
      key: string | null
      /** Identifies the map holding the key: the root name, or "client:clock" of the entity map item. */
      group: string
      /** The live Yjs type on the doc, when it exists there already (undefined for an entity created in this update). */
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types its event parameter this way
      parentType?: Y.AbstractType<any>
    }
  /** Parent was garbage-collected on the doc (e.g. an entity replaced by null): Yjs will discard the item. */
  | { kind: 'orphan' }
  | { kind: 'missing'; id: StructId }
  | { kind: 'violation'; reason: string; root?: string }

/** The structs of a decoded update, indexed per client for lookups by any clock they cover. */
export class UpdateIndex {
  readonly byClient = new Map<number, (Y.Item | Y.GC | Y.Skip)[]>()

  constructor(readonly structs: (Y.Item | Y.GC | Y.Skip)[]) {
    for (const s of structs) {
      const list = this.byClient.get(s.id.client)
      if (list) list.push(s)
      else this.byClient.set(s.id.client, [s])
    }
    for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock)
  }

  find(id: StructId): Y.Item | Y.GC | undefined {
    const list = this.byClient.get(id.client)
    if (!list) return undefined
    let lo = 0
    let hi = list.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const s = list[mid] as Y.Item | Y.GC | Y.Skip
      if (id.clock < s.id.clock) hi = mid - 1
      else if (id.clock >= s.id.clock + s.length) lo = mid + 1
      else return s instanceof Y.Skip ? undefined : s
    }
    return undefined
  }
}

/** The doc's struct covering `id`, or undefined when the doc does not have it. Never throws. */
export function findInDoc(doc: Y.Doc, id: StructId): Y.Item | Y.GC | undefined {
  if (id.clock >= Y.getState(doc.store, id.client)) return undefined
  const structs = doc.store.clients.get(id.client)
  if (!structs || structs.length === 0) return undefined
  try {
    return structs[Y.findIndexSS(structs, id.clock)]
  } catch {
    return undefined
  }
}

/** Whether the doc already holds every clock of this struct (a duplicate delivery). */
export function isKnown(doc: Y.Doc, s: { id: StructId; length: number }): boolean {
  return s.id.clock + s.length <= Y.getState(doc.store, s.id.client)
}

/**
 * The name of a root type, remembered per type: Yjs's findRootTypeKey walks the document's roots (and allocates an
 * entry for each) on every call, and most updates write at the root level.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types its roots this way
const rootKeys = new WeakMap<Y.AbstractType<any>, string>()

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
function rootKeyOf(type: Y.AbstractType<any>): string | undefined {
  const known = rootKeys.get(type)
  if (known !== undefined) return known
  let root: string
  try {
    root = Y.findRootTypeKey(type)
  } catch {
    return undefined
  }
  rootKeys.set(type, root) // a document's root types keep their names for as long as it lives
  return root
}

/** Locates items of one update; memoised, since chains of origins are followed repeatedly. */
export class Locator {
  private readonly memo = new Map<Y.Item, Located>()

  constructor(
    private readonly doc: Y.Doc,
    private readonly index: UpdateIndex,
  ) {}

  /** Location of an item of the update. */
  locate(item: Y.Item): Located {
    const known = this.memo.get(item)
    if (known) return known
    // A crafted update can make origins loop; mark the item while it is being resolved.
    this.memo.set(item, { kind: 'violation', reason: 'origins form a cycle' })
    const loc = this.compute(item)
    this.memo.set(item, loc)
    return loc
  }

  private compute(item: Y.Item): Located {
    const parent = item.parent
    if (typeof parent === 'string') return this.inRoot(parent, item.parentSub)
    if (parent instanceof Y.ID) {
      const p = this.lookup(parent)
      if (p === 'missing') return { kind: 'missing', id: { client: parent.client, clock: parent.clock } }
      if (p instanceof Y.GC) return { kind: 'orphan' }
      return this.inEntity(p, item.parentSub)
    }
    if (parent !== null) return { kind: 'violation', reason: 'unexpected parent in encoded update' }
    // No parent info: the parent and key are those of the neighbour the item was inserted next to.
    const ref = item.origin ?? item.rightOrigin
    if (ref === null) return { kind: 'violation', reason: 'item with neither parent nor origin' }
    // Yjs parks an item whose right neighbour it lacks as pending, even when its origin is known.
    if (item.origin !== null && item.rightOrigin !== null && this.lookup(item.rightOrigin) === 'missing') {
      return { kind: 'missing', id: { client: item.rightOrigin.client, clock: item.rightOrigin.clock } }
    }
    const r = this.lookup(ref)
    if (r === 'missing') return { kind: 'missing', id: { client: ref.client, clock: ref.clock } }
    if (r instanceof Y.GC) return { kind: 'orphan' }
    return this.sameParentAs(r)
  }

  private lookup(id: Y.ID): Y.Item | Y.GC | 'missing' {
    return findInDoc(this.doc, id) ?? this.index.find(id) ?? 'missing'
  }

  /** Location shared with a neighbour (doc item or update item): same parent, same key. */
  private sameParentAs(ref: Y.Item): Located {
    if (!this.isDocItem(ref)) return this.locate(ref)
    const type = ref.parent
    if (!(type instanceof Y.AbstractType)) return { kind: 'orphan' }
    return this.ofDocType(type, ref.parentSub)
  }

  private isDocItem(item: Y.Item): boolean {
    return findInDoc(this.doc, item.id) === item
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types its event parameter this way
  private ofDocType(type: Y.AbstractType<any>, key: string | null): Located {
    const owner = type._item
    if (owner === null) {
      const root = rootKeyOf(type)
      return root === undefined ? { kind: 'violation', reason: 'unknown root type' } : this.inRoot(root, key)
    }
    if (owner.deleted) return { kind: 'orphan' }
    return this.inEntity(owner, key)
  }

  private inRoot(root: string, key: string | null): Located {
    if (!isRootName(root)) return { kind: 'violation', reason: `unknown root "${root.slice(0, 60)}"`, root }
    const parentType = this.doc.share.get(root)
    return { kind: 'placed', root, key, group: root, ...(parentType ? { parentType } : {}) }
  }

  /** A key inside an entity map: the entity item must itself sit directly under an 'entities' root. */
  private inEntity(entityItem: Y.Item, key: string | null): Located {
    const outer = this.isDocItem(entityItem) ? this.docItemPlace(entityItem) : this.locate(entityItem)
    if (outer.kind !== 'placed') return outer
    if (outer.entity !== undefined || outer.key === null || LAYOUT[outer.root].kind !== 'entities') {
      return { kind: 'violation', reason: `nested type under ${outer.root} is not allowed`, root: outer.root }
    }
    if (!(entityItem.content instanceof Y.ContentType)) {
      return entityItem.content instanceof Y.ContentDeleted
        ? { kind: 'orphan' }
        : { kind: 'violation', reason: 'parent is not a map', root: outer.root }
    }
    const parentType = this.isDocItem(entityItem) && !entityItem.deleted ? entityItem.content.type : undefined
    return {
      kind: 'placed',
      root: outer.root,
      entity: outer.key,
      key,
      group: `${entityItem.id.client}:${entityItem.id.clock}`,
      ...(parentType ? { parentType } : {}),
    }
  }

  /** Location of an item already in the doc. */
  locateDocItem(item: Y.Item): Located {
    return this.docItemPlace(item)
  }

  private docItemPlace(item: Y.Item): Located {
    const type = item.parent
    if (!(type instanceof Y.AbstractType)) return { kind: 'orphan' }
    return this.ofDocType(type, item.parentSub)
  }
}
