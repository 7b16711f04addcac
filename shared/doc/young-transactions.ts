// Keeping a long-lived Y.Doc's transactions out of V8's old generation.
//
// Y.Doc pushes each outermost transaction into `_transactionCleanups` and, once it is cleaned up, gives the doc a new
// empty array. A document that stays loaded for minutes (the relay's resident households, a phone's open household)
// edits that array seldom enough for it to have been moved to the old generation by then; the transaction pushed into
// it (state vectors, delete set, change maps: ≈ 2 KB) is then reachable, for the young generation's collector, from
// that old array — which stays a root for scavenges until a full collection frees it, although nothing uses it. Every
// transaction is promoted and left for the next full collection. A new, young array at the start of each transaction
// keeps the transaction young and freed by the next scavenge: on 2,400 resident documents, 2.6 → 0.64 KB promoted per
// applied update (`node --trace-gc-nvp`). The same long-lived docs also skip lib0's work for the events nobody
// listens to.

import * as Y from 'yjs'

/**
 * A Y.Doc whose every outermost transaction starts with a new, young list. An accessor on this class's prototype takes
 * the place of Y.Doc's field: Yjs reads `_transactionCleanups` once as a transaction starts (a new empty list is handed
 * out then, when no transaction is running) and assigns a fresh one after the cleanup. It sits on the prototype, not on
 * each doc: defining a property on an object V8 has already laid out turns it into a dictionary, and every access to
 * the doc's fields from Yjs (its store, its running transaction, its shared types) became a hash look-up.
 */
export class YoungDoc extends Y.Doc {
  /** The list Yjs is handed (set by Y.Doc's constructor, through the accessor, before any field of this class). */
  declare _youngCleanups: Y.Transaction[]

  /**
   * An event nobody listens to costs nothing. lib0 copies the listeners of each event into a new array before calling
   * them, and a new empty Map's when there are none: five events per transaction that a resident household never
   * listens to (before and after each transaction and each batch of them, before its observers are called).
   */
  override emit(name: Parameters<Y.Doc['emit']>[0], args: Parameters<Y.Doc['emit']>[1]): void {
    if (this._observers.get(name) !== undefined) super.emit(name, args)
  }
}

Object.defineProperty(YoungDoc.prototype, '_transactionCleanups', {
  configurable: true,
  enumerable: false,
  get(this: YoungDoc): Y.Transaction[] {
    const list = this._youngCleanups
    return this._transaction === null && list.length === 0 ? (this._youngCleanups = []) : list
  },
  set(this: YoungDoc, next: Y.Transaction[]) {
    this._youngCleanups = next
  },
})
