// Map values of a long-lived document are kept in arrays of their own size (keepContentTight): the same document
// takes measurably less heap, loaded whole or built by many small updates, and reads and encodes exactly as before.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { keepContentTight } from './tight-content.ts'

const ENTRIES = 40_000

/** Heap measured in a process of its own: this one's test runner allocates meanwhile. */
function measure(mode: 'load' | 'updates'): { rounds: { loose: number; tight: number }[]; same: boolean } {
  const script = new URL('../test-support/content-heap.ts', import.meta.url).pathname
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, mode, String(ENTRIES)], {
    encoding: 'utf8',
  })
  return JSON.parse(out) as { rounds: { loose: number; tight: number }[]; same: boolean }
}

describe('keepContentTight', () => {
  for (const mode of ['load', 'updates'] as const) {
    it(`documents built by ${mode === 'load' ? 'one whole state' : 'one update per value'} keep less heap and read the same`, () => {
      const { rounds, same } = measure(mode)
      expect(same).toBe(true)
      expect(rounds).toHaveLength(3)
      // 152 bytes of backing store for a single value become 24: at least 100 bytes kept less per value.
      for (const r of rounds) expect(r.loose - r.tight).toBeGreaterThan(ENTRIES * 100)
    })
  }

  it('local edits, arrays whose items Yjs merges, overwrites and deletes read and encode as in a plain document', () => {
    const plain = new Y.Doc({ gc: true })
    const tight = keepContentTight(new Y.Doc({ gc: true }))
    const remote = new Y.Doc()
    remote.clientID = 5
    remote.getMap('m').set('b', [1, 2, 3])
    for (const doc of [plain, tight]) {
      doc.clientID = 3
      const list = doc.getArray<number>('list')
      list.push([1, 2])
      list.push([3])
      list.insert(1, [9, 8])
      list.delete(0, 1)
      doc.getMap('m').set('a', { nested: true })
      doc.getMap('m').set('a', 'replaced')
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote))
    }
    expect(tight.toJSON()).toEqual(plain.toJSON())
    expect(Y.encodeStateAsUpdate(tight)).toEqual(Y.encodeStateAsUpdate(plain))
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(tight))
    expect(copy.getArray('list').toArray()).toEqual([9, 8, 2, 3])
    expect(copy.getMap('m').toJSON()).toEqual({ a: 'replaced', b: [1, 2, 3] })
  })
})
