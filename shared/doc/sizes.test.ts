// Byte sizes of household documents and edits (quoted in docs/household-document.md §Sizes). Sizes are deterministic,
// so they are asserted loosely here; the printed table is what the docs quote.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { makeHousehold, makeMember, seededRandom } from '../test-support/household-fixtures.ts'
import { docSyncStep2, encodeMessage, packFrames } from '../sync/protocol.ts'
import { HouseholdDoc, SERVER_CLIENT_ID } from './index.ts'

/** deflate-raw through the web-standard CompressionStream (what the browser side uses to inflate). */
async function deflateRaw(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate-raw'))
  return (await new Response(stream).arrayBuffer()).byteLength
}

/** A full household: 5 members, location, income, 2 photos, causes and support needs. */
function typical(seed: number): HouseholdDoc {
  const rand = seededRandom(seed)
  const members = [0, 1, 2, 3, 4].map((i) =>
    makeMember({
      id: globalThis.crypto.randomUUID(),
      fullName: `Nguyễn Văn ${i} ${Math.floor(rand() * 1000)}`,
      relation: i === 0 ? 'head' : 'child',
    }),
  )
  const h = makeHousehold(
    {
      members,
      location: { lat: 16.46, lng: 107.59, accuracyM: 9, capturedAt: '2025-10-01T08:00:00Z' },
      income: { perCapitaMonthly: 1_450_000 },
      causes: ['illness', 'no_capital'],
      supportNeeds: ['credit', 'health_insurance'],
      photos: [
        { sha256: 'a'.repeat(64), kind: 'house', capturedAt: '2025-10-01T08:01:00Z' },
        { sha256: 'b'.repeat(64), kind: 'toilet', capturedAt: '2025-10-01T08:02:00Z' },
      ],
    },
    seed,
  )
  return HouseholdDoc.create(h, { clientId: SERVER_CLIENT_ID })
}

describe('document sizes', () => {
  it('S1 bytes of a typical household document, of one edit, and of a 300-household bootstrap', async () => {
    const doc = typical(1)
    const v1 = Y.encodeStateAsUpdate(doc.ydoc).length
    const v2 = Y.encodeStateAsUpdateV2(doc.ydoc).length
    const json = JSON.stringify(doc.read().household).length

    // A device edits: one field, then a whole survey session (80 edits, some fields twice).
    const device = new Y.Doc()
    Y.applyUpdate(device, Y.encodeStateAsUpdate(doc.ydoc))
    const hd = new HouseholdDoc(device)
    const updates: Uint8Array[] = []
    device.on('update', (u: Uint8Array) => updates.push(u))
    hd.setDwelling({ roofDurable: !hd.read().household.dwelling.roofDurable })
    const oneEdit = updates[0]?.length ?? 0
    const oneEditV2 = Y.convertUpdateFormatV1ToV2(updates[0] as Uint8Array).length
    const memberId = hd.read().household.members[1]?.id as string
    updates.length = 0
    hd.updateMember(memberId, { healthInsurance: false })
    const memberEdit = updates[0]?.length ?? 0
    updates.length = 0
    hd.addMember(makeMember({ fullName: 'Trần Thị Mới' }))
    const addMember = updates[0]?.length ?? 0
    for (let i = 0; i < 80; i++) {
      hd.setField('address', `${i} Lê Lợi`)
      hd.setDwelling({ floorAreaM2: 20 + i })
    }
    const afterSessionV1 = Y.encodeStateAsUpdate(device).length
    const afterSessionV2 = Y.encodeStateAsUpdateV2(device).length

    // Cold bootstrap: 300 households as DOC step2 + HEAD frames, packed, deflate-raw over the whole batch.
    const frames: Uint8Array[] = []
    for (let s = 1; s <= 300; s++) {
      const d = typical(s)
      frames.push(
        encodeMessage(docSyncStep2(d.id, Y.encodeStateAsUpdate(d.ydoc))),
        encodeMessage({ type: 'head', householdId: d.id, serverSeq: 1 }),
      )
    }
    const packed = packFrames(frames)
    const deflated = await deflateRaw(packed)

    const table = {
      v1,
      v2,
      json,
      oneEdit,
      oneEditV2,
      memberEdit,
      addMember,
      afterSessionV1,
      afterSessionV2,
      bootstrapRaw: packed.length,
      bootstrapDeflated: deflated,
    }
    console.log(`sizes: ${JSON.stringify(table)}`)
    expect(v1).toBeLessThan(4000)
    expect(v2).toBeLessThan(v1)
    expect(oneEdit).toBeLessThan(80)
    expect(deflated).toBeLessThan(150 * 1024)
  })
})
