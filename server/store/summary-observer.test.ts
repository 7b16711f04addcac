// The writer's onSummaryCommitted observer on a real SQLite file: called after the transaction with the households
// whose summary it rewrote (a photo counts: it feeds the visit flags), never for meta-only commits; a throwing
// observer is reported and the commit still stands.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { DeviceReplica, householdUpdate } from '../test-support/household-fixture.ts'
import { createDocStore, type DocStore } from './doc-store.ts'
import { createHouseholdWriter, type HouseholdWriterOptions, type SubmitResult } from './household-writer.ts'

let dir: string
let db: Db
let store: DocStore
const alice = { userId: 'u-alice', deviceId: 'd-alice' }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-observer-'))
  db = openDb(join(dir, 'test.db'))
  migrate(db, migrations)
  store = createDocStore(db, { cacheSize: 4 })
  db.transaction(() =>
    store.createHousehold(
      { id: 'h1', period: '2025', unitCode: '19900', villageId: 'v1' },
      householdUpdate({ id: 'h1', headName: 'Nguyễn Văn A' }),
      'seed',
    ),
  )()
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

function committed(r: SubmitResult) {
  if (r.kind !== 'accepted') throw new Error(JSON.stringify(r))
  return r.committed
}

function writerWith(opts: HouseholdWriterOptions) {
  return createHouseholdWriter(db, store, opts)
}

describe('onSummaryCommitted', () => {
  it('reports households whose summary a commit rewrote, after the transaction; not a commit of unsummarised roots', async () => {
    const seen: { ids: readonly string[]; flags: unknown }[] = []
    const writer = writerWith({
      onSummaryCommitted: (ids) =>
        seen.push({ ids, flags: db.prepare('SELECT flags FROM households WHERE id = ?').pluck().get('h1') }),
    })
    const r = new DeviceReplica(5001)
    r.apply(store.readState('h1')!)
    r.household.attachPhoto({ sha256: 'b'.repeat(64), kind: 'house', capturedAt: '2025-08-01T08:00:00Z' })
    await committed(writer.submit('h1', r.take(), alice))
    // The seeded fix is 2025-09-01T08:00Z: a photo a month earlier is outside the visit, and the row says so already.
    expect(seen).toEqual([{ ids: ['h1'], flags: 'photo-outside-visit' }])
    expect(r.household.setSupportNeeds(['credit'])).toEqual({ ok: true })
    expect((await committed(writer.submit('h1', r.take(), alice))).serverSeq).toBe(3)
    expect(seen).toHaveLength(1)
    // Detaching the photo clears the flag.
    expect(r.household.detachPhoto('b'.repeat(64))).toEqual({ ok: true })
    await committed(writer.submit('h1', r.take(), alice))
    expect(seen.at(-1)).toEqual({ ids: ['h1'], flags: '' })
    await writer.close()
  })

  it('reports a household created from the field right after its transaction', async () => {
    const seen: (readonly string[])[] = []
    const writer = writerWith({ onSummaryCommitted: (ids) => seen.push(ids) })
    // The phone's creation: an empty document, foundInField, the whole state as one update.
    const doc = new Y.Doc()
    doc.clientID = 5003
    expect(
      new HouseholdDoc(doc).foundInField({
        id: 'h-new',
        period: '2025',
        unit: '19900',
        village: 'v1',
        address: 'Kiệt 3 Lê Lợi',
        headName: 'Trần Thị B',
      }),
    ).toMatchObject({ ok: true })
    const r = writer.create(
      { id: 'h-new', period: '2025', unitCode: '19900', villageId: 'v1' },
      Y.encodeStateAsUpdate(doc),
      alice,
    )
    expect((await committed(r)).serverSeq).toBe(1)
    expect(seen).toEqual([['h-new']])
    await writer.close()
  })

  it('a throwing observer is reported through onCommitError and the commit stands', async () => {
    const errors: unknown[] = []
    const writer = writerWith({
      onSummaryCommitted: () => {
        throw new Error('observer broke')
      },
      onCommitError: (e) => errors.push(e),
    })
    const r = new DeviceReplica(5002)
    r.apply(store.readState('h1')!)
    r.setAddress('3 Lê Lợi')
    expect((await committed(writer.submit('h1', r.take(), alice))).serverSeq).toBe(2)
    expect(db.prepare('SELECT address FROM households WHERE id = ?').pluck().get('h1')).toBe('3 Lê Lợi')
    expect(errors.map((e) => (e as Error).message)).toEqual(['observer broke'])
    await writer.close()
  })
})
