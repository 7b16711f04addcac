import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { YoungDoc } from './young-transactions.ts'

describe('YoungDoc', () => {
  it('hands an idle doc a new empty transaction list for each transaction, and the doc applies and emits updates as before', () => {
    const doc = new YoungDoc()
    const before = doc._transactionCleanups
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

    // Each transaction ran with its own list: the one that held the transaction above is not handed out again.
    const lists: Y.Transaction[][] = []
    doc.on('beforeTransaction', () => lists.push(doc._transactionCleanups))
    doc.getMap('fields').set('address', '1')
    doc.getMap('fields').set('address', '2')
    expect(lists).toHaveLength(2)
    expect(lists[0]).not.toBe(lists[1])
    expect(doc.getMap('fields').get('address')).toBe('2')
  })

  it('keeps the list of a running transaction, where Yjs still needs it', () => {
    const doc = new YoungDoc()
    const inner: string[] = []
    doc.on('update', () => inner.push('update'))
    doc.transact(() => {
      const during = doc._transactionCleanups
      expect(during).toHaveLength(1)
      expect(doc._transactionCleanups).toBe(during)
      doc.getMap('fields').set('address', 'x')
      doc.transact(() => doc.getMap('fields').set('village', 'y')) // nested: same transaction
      expect(doc._transactionCleanups).toBe(during)
    })
    expect(doc.getMap('fields').toJSON()).toEqual({ address: 'x', village: 'y' })
    expect(inner).toEqual(['update'])
  })

  it('keeps the fast property layout V8 gave it: Yjs reads its fields without a dictionary look-up', () => {
    setFlagsFromString('--allow-natives-syntax')
    const hasFastProperties = runInNewContext('(o) => %HasFastProperties(o)') as (o: object) => boolean
    const doc = new YoungDoc({ guid: 'h1' })
    doc.getMap('fields').set('address', '1')
    expect(hasFastProperties(doc)).toBe(true)
    expect(hasFastProperties(new Y.Doc())).toBe(true)
    expect(doc).toBeInstanceOf(Y.Doc)
    expect(doc.guid).toBe('h1')
  })

  it('calls the listeners of each event as Y.Doc does, and none once they are gone', () => {
    const doc = new YoungDoc()
    const seen: string[] = []
    const after = (): void => void seen.push('after')
    doc.on('beforeTransaction', () => seen.push('before'))
    doc.on('afterTransaction', after)
    doc.once('afterAllTransactions', () => seen.push('all, once'))
    doc.getMap('fields').set('address', '1')
    doc.off('afterTransaction', after)
    doc.getMap('fields').set('address', '2')
    expect(seen).toEqual(['before', 'after', 'all, once', 'before'])
  })
})
