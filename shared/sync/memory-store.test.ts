// The in-memory SessionStore (server tests, benchmark) against the shared store contract.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { describeSessionStore } from './session-store-contract.ts'
import { MemorySessionStore } from './memory-store.ts'

describeSessionStore('memory', async () => {
  const store = new MemorySessionStore()
  return { store, addLocal: async (id, update) => void store.addLocal(id, update) }
})

describe('MemorySessionStore: a bootstrap STATE', () => {
  function state(clientId: number, text: string): Uint8Array {
    const doc = new Y.Doc()
    doc.clientID = clientId
    doc.getMap('household').set('note', text)
    return Y.encodeStateAsUpdate(doc)
  }
  const noteOf = (update: Uint8Array): unknown => {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, update)
    return doc.getMap('household').get('note')
  }

  it('is kept as it came (V2), as the phone inbox keeps it, and read back as V1', async () => {
    const seen: [string, Uint8Array, boolean][] = []
    const store = new MemorySessionStore({ onRemote: (id, u, v2) => seen.push([id, u, v2]) })
    const v2 = Y.convertUpdateFormatV1ToV2(state(7, 'first'))
    await store.persistRemote([{ householdId: 'h', update: v2, v2: true }])
    expect(store.states.get('h')).toBe(v2)
    expect(store.statesV2.has('h')).toBe(true)
    expect(seen).toEqual([['h', v2, true]])
    expect(noteOf(store.stateOf('h')!)).toBe('first')
    expect(await store.stateVector('h')).toEqual(Y.encodeStateVectorFromUpdateV2(v2))
    expect(noteOf(await store.diff('h', new Uint8Array([0])))).toBe('first')
    expect(store.doc('h').getMap('household').get('note')).toBe('first')
    expect(store.statesV2.has('h')).toBe(false)
  })

  it('a later update of a stored V2 state is merged into a V1 state; two STATEs of one household in one batch both count', async () => {
    const store = new MemorySessionStore()
    const first = state(7, 'first')
    await store.persistRemote([
      { householdId: 'a', update: Y.convertUpdateFormatV1ToV2(first), v2: true },
      { householdId: 'b', update: Y.convertUpdateFormatV1ToV2(state(8, 'b1')), v2: true },
      { householdId: 'b', update: Y.convertUpdateFormatV1ToV2(state(9, 'b2')), v2: true },
    ])
    const doc = new Y.Doc()
    doc.clientID = 10
    Y.applyUpdate(doc, first)
    const before = Y.encodeStateVector(doc)
    doc.getMap('household').set('note', 'second')
    await store.persistRemote([{ householdId: 'a', update: Y.encodeStateAsUpdate(doc, before) }])
    expect(store.statesV2.has('a')).toBe(false)
    expect(noteOf(store.states.get('a')!)).toBe('second')
    expect(store.statesV2.has('b')).toBe(false)
    const b = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(store.stateOf('b')!))
    expect([...b.keys()].sort()).toEqual([8, 9])
  })
})
