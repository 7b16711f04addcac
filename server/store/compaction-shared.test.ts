// Compaction with several relays on one database (two handles on it, as two processes have), on the suite's engine.
// There is no in-memory count of a household's log then: on PostgreSQL the lock of the commit whose seqs reach a
// compaction check counts the log and the snapshot in the same round trip; SQLite asks after the commit. Either way the
// check sees exactly what is stored, and the log stays bounded while edits alternate between the relays.
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDb, type Db } from '../db/open.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { openLogStore, type LogStore } from '../test-support/log-store.ts'
import { COMPACTION_CHECK_EVERY, createDocStore, type DocStore, type LogTally } from './doc-store.ts'
import { createHouseholdWriter, type Committed, type HouseholdWriter, type SubmitResult } from './household-writer.ts'

const COMPACT_ROWS = 12

interface Relay {
  db: Db
  store: DocStore
  writer: HouseholdWriter
  /** Each compaction check: the size it was given (undefined: it asked the database) and the size stored then. */
  checks: { counted: LogTally | undefined; stored: LogTally }[]
}

let seed: LogStore
let relays: Relay[]
const lan = { userId: 'u-lan', deviceId: 'phone-lan' }

/** The household's log and snapshot sizes as stored, counted the plain way (a scan is fine in a test). */
function storedSize(db: Db): LogTally {
  const log = db
    .prepare(`SELECT count(*) AS n, coalesce(sum(length("update")), 0) AS b FROM doc_log WHERE household_id = 'h1'`)
    .get() as { n: number | string; b: number | string }
  const snapshot = db.prepare(`SELECT length(snapshot) FROM doc_snapshot WHERE household_id = 'h1'`).pluck().get() as
    number | undefined
  return { rows: Number(log.n), bytes: Number(log.b), snapshotBytes: snapshot ?? null }
}

function relay(file: string): Relay {
  const db = openDb(file)
  const store = createDocStore(db, { shared: true, compactRows: COMPACT_ROWS })
  const checks: Relay['checks'] = []
  const check = store.needsCompaction.bind(store)
  store.needsCompaction = (householdId, counted) => {
    checks.push({ counted, stored: storedSize(db) })
    return check(householdId, counted)
  }
  // A long window: the test decides when each relay commits (flush).
  const writer = createHouseholdWriter(db, store, { shared: true, walSync: false, windowMs: 60_000 })
  return { db, store, writer, checks }
}

function accepted(r: SubmitResult): Promise<Committed> {
  if (r.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(r)}`)
  return r.committed
}

beforeEach(() => {
  seed = openLogStore(['h1'])
  relays = [relay(join(seed.dir, 'test.db')), relay(join(seed.dir, 'test.db'))]
})

afterEach(async () => {
  for (const r of relays) {
    await r.writer.close()
    r.db.close()
  }
  seed.close()
})

it('edits alternating between two relays, one to three per commit: each check sees what is stored, the log stays bounded', async () => {
  const phone = new DeviceReplica(4242)
  phone.apply(relays[0]!.store.readState('h1')!)
  let seq = 1
  for (let k = 0; k < 30; k++) {
    const r = relays[k % 2]!
    const committed: Promise<Committed>[] = []
    for (let i = 0; i <= k % 3; i++) {
      phone.setAddress(`Số ${k}-${i}, đường Lê Lợi, phường Thuận An, thành phố Huế`)
      committed.push(accepted(r.writer.submit('h1', phone.take(), lan)))
    }
    await r.writer.flush() // commits, then runs the compaction check that a seq of this commit called for
    for (const c of committed) expect((await c).serverSeq).toBe(++seq)
    const stored = storedSize(r.db)
    expect(stored.rows).toBeLessThanOrEqual(COMPACT_ROWS + COMPACTION_CHECK_EVERY)
  }
  const checks = relays.flatMap((r) => r.checks)
  // A check on every eighth seq: seqs 2..61 hold seven of them.
  expect(checks).toHaveLength(Math.floor(seq / COMPACTION_CHECK_EVERY))
  for (const c of checks) {
    // PostgreSQL: counted by the commit's lock, exactly what is stored; SQLite: asked after the commit.
    if (relays[0]!.db.dialect === 'postgres') expect(c.counted).toEqual(c.stored)
    else expect(c.counted).toBeUndefined()
  }
  // Compactions happened (the log would hold 60 rows otherwise), and nothing was lost by them.
  const archived = relays[0]!.db.prepare(`SELECT count(*) FROM doc_log_archive WHERE household_id = 'h1'`).pluck()
  expect(Number(archived.get())).toBeGreaterThan(COMPACT_ROWS)
  for (const r of relays) {
    const device = new DeviceReplica()
    device.apply(r.store.readState('h1')!)
    expect(device.address()).toBe(phone.address())
  }
})
