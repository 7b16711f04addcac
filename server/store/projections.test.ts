// Projections on a real SQLite file: lookups of a Yjs item's value in the field history stay inside its household.
// Server writes use SERVER_CLIENT_ID in every household, so (client, clock) alone names items of many households.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { householdUpdate, PATH } from '../test-support/household-fixture.ts'
import { createDocStore } from './doc-store.ts'
import { createHouseholdWriter, type HouseholdWriter, type SubmitResult } from './household-writer.ts'
import { createProjections } from './projections.ts'
import { SERVER_CLIENT_ID } from './update-inspection.ts'

let dir: string
let db: Db
let writer: HouseholdWriter

const meta = (id: string) => ({ id, period: '2025', unitCode: '19900', villageId: 'v1' })

async function commit(r: SubmitResult): Promise<void> {
  if (r.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(r)}`)
  await r.committed
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-projections-'))
  db = openDb(join(dir, 'test.db'))
  migrate(db, migrations)
  const store = createDocStore(db)
  writer = createHouseholdWriter(db, store)
  db.transaction(() => {
    for (const id of ['h1', 'h2'])
      store.createHousehold(meta(id), householdUpdate({ id, headName: 'Nguyễn Văn A' }), 'seed')
  })()
})

afterEach(async () => {
  await writer.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('field history lookups by item id', () => {
  it('CF1: a conflict side without its value takes it from its own household, never from another with the same server item id', async () => {
    await commit(writer.setField('h2', PATH.address, 'h2: 9 hidden lane', 'u-admin'))
    await commit(writer.setField('h1', PATH.address, 'h1: 1 main street', 'u-admin'))
    const rows = db
      .prepare('SELECT household_id, client_id, clock FROM field_writes WHERE path = ? ORDER BY household_id')
      .all(PATH.address) as {
      household_id: string
      client_id: number
      clock: number
    }[]
    // Both households' server writes carry the same Yjs item id: the premise of this test.
    expect(rows.map((r) => [r.client_id, r.clock])).toEqual([
      [SERVER_CLIENT_ID, rows[0]!.clock],
      [SERVER_CLIENT_ID, rows[0]!.clock],
    ])
    const projections = createProjections(db)
    const id = { client: SERVER_CLIENT_ID, clock: rows[0]!.clock }
    expect(projections.valueOfItem('h1', id)).toBe('h1: 1 main street')
    expect(projections.valueOfItem('h2', id)).toBe('h2: 9 hidden lane')
    const recorded = db.transaction(() =>
      projections.recordConflict(
        'h1',
        {
          path: PATH.address,
          base: null,
          current: { clientId: id.client, clock: id.clock },
          incoming: { clientId: 40_001, clock: 0, value: 'phone' },
        },
        'phone',
        { userId: 'u-alice', deviceId: 'd-alice' },
        1,
      ),
    )()
    expect(recorded.candidates[0]).toMatchObject({ value: 'h1: 1 main street', userId: 'u-admin' })
  })
})
