import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { renewTransactionList } from './young-transactions.ts'

describe('renewTransactionList', () => {
  it('gives an idle doc a new empty transaction list, and the doc applies and emits updates as before', () => {
    const doc = new Y.Doc()
    const before = doc._transactionCleanups
    renewTransactionList(doc)
    expect(doc._transactionCleanups).not.toBe(before)
    expect(doc._transactionCleanups).toEqual([])

    const source = new Y.Doc()
    source.getMap('fields').set('address', '12 Lê Lợi')
    const seen: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => seen.push(u))
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(source))
    expect(doc.getMap('fields').get('address')).toBe('12 Lê Lợi')
    expect(seen).toHaveLength(1)
    expect(doc._transactionCleanups).toEqual([])
  })

  it('leaves the list alone inside a transaction, where Yjs still needs it', () => {
    const doc = new Y.Doc()
    doc.transact(() => {
      const during = doc._transactionCleanups
      expect(during).toHaveLength(1)
      renewTransactionList(doc)
      expect(doc._transactionCleanups).toBe(during)
      doc.getMap('fields').set('address', 'x')
    })
    expect(doc.getMap('fields').get('address')).toBe('x')
  })
})
