// The contract every SessionStore adapter passes (in-memory, IndexedDB): one suite, run by each adapter's test file,
// so the session core can rely on the same behaviour whatever holds the data.

import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { SessionStore } from './session-store.ts'

export interface StoreUnderTest {
  store: SessionStore
  /** Queue a local update of a household in the outbox (what an edit on the device does). */
  addLocal(householdId: string, update: Uint8Array): Promise<void>
}

function textUpdate(clientId: number, text: string, base?: Uint8Array): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = clientId
  if (base) Y.applyUpdate(doc, base)
  const before = Y.encodeStateVector(doc)
  doc.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(doc, before)
}

function textOf(update: Uint8Array): string {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return doc.getText('t').toString()
}

export function describeSessionStore(name: string, setup: () => Promise<StoreUnderTest>): void {
  describe(`SessionStore contract: ${name}`, () => {
    it('remote updates and HEADs: the manifest, state vector and diff reflect what is stored', async () => {
      const { store } = await setup()
      await store.addHouseholds(['h1'])
      const remote = textUpdate(100, 'server')
      await store.persistRemote([{ householdId: 'h1', update: remote }])
      await store.setHeads([['h1', 4]])
      expect(await store.manifest()).toEqual([['h1', 4]])
      expect(await store.stateVector('h1')).toEqual(Y.encodeStateVectorFromUpdate(remote))
      expect(textOf(await store.diff('h1', new Uint8Array([0])))).toBe('server')
      expect(await store.pendingHouseholds()).toEqual([])
    })

    it('a bootstrap STATE handed over as V2 is stored and read back like V1; bytes that do not read store nothing', async () => {
      const { store } = await setup()
      await store.addHouseholds(['v2', 'good', 'bad'])
      const remote = textUpdate(100, 'server')
      await store.persistRemote([{ householdId: 'v2', update: Y.convertUpdateFormatV1ToV2(remote), v2: true }])
      await store.setHeads([['v2', 3]])
      expect(await store.stateVector('v2')).toEqual(Y.encodeStateVectorFromUpdate(remote))
      expect(textOf(await store.diff('v2', new Uint8Array([0])))).toBe('server')
      const good = Y.convertUpdateFormatV1ToV2(textUpdate(101, 'fine'))
      const corrupt = Y.convertUpdateFormatV1ToV2(textUpdate(102, 'cut short')).slice(0, 9)
      await expect(
        store.persistRemote([
          { householdId: 'good', update: good, v2: true },
          { householdId: 'bad', update: corrupt, v2: true },
        ]),
      ).rejects.toThrow()
      for (const id of ['good', 'bad']) expect(await store.stateVector(id)).toEqual(Y.encodeStateVector(new Y.Doc()))
    })

    it('the outbox: merged groups until the ACK; the ACK advances serverSeq only when contiguous', async () => {
      const t = await setup()
      const { store } = t
      await store.addHouseholds(['h2'])
      await store.persistRemote([{ householdId: 'h2', update: textUpdate(100, 'a') }])
      await store.setHeads([['h2', 1]])
      await t.addLocal('h2', textUpdate(200, 'b'))
      await t.addLocal('h2', textUpdate(201, 'c'))
      expect(await store.pendingHouseholds()).toEqual(['h2'])
      const next = await store.nextOutgoing('h2', 1 << 20)
      expect(next?.seqs).toHaveLength(2)
      await store.acked('h2', next!.seqs, 2)
      expect(await store.pendingHouseholds()).toEqual([])
      expect(await store.manifest()).toEqual([['h2', 2]])
    })

    it('a refusal is stored and listed until an ACK empties the outbox; retryable errors are not refusals', async () => {
      const t = await setup()
      const { store } = t
      await store.addHouseholds(['h3', 'h4'])
      await t.addLocal('h3', textUpdate(300, 'x'))
      await t.addLocal('h4', textUpdate(400, 'y'))
      await store.rejected('h3', { code: 'sync/layout-violation', message: 'unknown root', retryable: false })
      await store.rejected('h4', { code: 'sync/overloaded', message: 'later', retryable: true })
      expect(await store.refusedHouseholds()).toEqual(['h3'])
      const next = await store.nextOutgoing('h3', 1 << 20)
      await store.acked('h3', next!.seqs, 1)
      expect(await store.refusedHouseholds()).toEqual([])
    })

    it('going back to the server value drops the outbox, the refusal and the stored state; serverSeq is 0', async () => {
      const t = await setup()
      const { store } = t
      await store.addHouseholds(['h5'])
      await store.persistRemote([{ householdId: 'h5', update: textUpdate(100, 'server') }])
      await store.setHeads([['h5', 3]])
      await t.addLocal('h5', textUpdate(500, 'mine'))
      await store.rejected('h5', { code: 'sync/forbidden', message: 'not yours', retryable: false })
      await store.discardLocal('h5')
      expect(await store.pendingHouseholds()).toEqual([])
      expect(await store.refusedHouseholds()).toEqual([])
      expect(await store.manifest()).toEqual([['h5', 0]])
      expect(await store.stateVector('h5')).toEqual(new Uint8Array([0]))
    })

    it('a new epoch resets every serverSeq to 0, so a lower HEAD of the restored server is stored', async () => {
      const { store } = await setup()
      await store.addHouseholds(['h6', 'h7'])
      await store.setHeads([
        ['h6', 9],
        ['h7', 4],
      ])
      await store.resetServerSeqs()
      expect((await store.manifest()).sort()).toEqual([
        ['h6', 0],
        ['h7', 0],
      ])
      await store.setHeads([['h6', 2]])
      expect((await store.manifest()).sort()).toEqual([
        ['h6', 2],
        ['h7', 0],
      ])
    })

    it('a removed household is kept while it holds unsynced edits or a refusal for good, dropped otherwise', async () => {
      const t = await setup()
      const { store } = t
      await store.addHouseholds(['h8', 'h9', 'h10'])
      await store.persistRemote(
        ['h8', 'h9', 'h10'].map((id, i) => ({ householdId: id, update: textUpdate(i + 1, id) })),
      )
      await store.setHeads([
        ['h8', 1],
        ['h9', 1],
        ['h10', 1],
      ])
      await t.addLocal('h8', textUpdate(800, 'unsent'))
      await store.rejected('h9', { code: 'sync/forbidden', message: 'not yours', retryable: false })
      await store.removeHouseholds(['h8', 'h9', 'h10'])
      expect((await store.manifest()).map(([id]) => id).sort()).toEqual(['h8', 'h9'])
      expect(await store.refusedHouseholds()).toEqual(['h9'])
    })

    it('the epoch is null until set, then kept', async () => {
      const { store } = await setup()
      expect(await store.epoch()).toBeNull()
      await store.setEpoch('e-1')
      expect(await store.epoch()).toBe('e-1')
    })
  })
}
