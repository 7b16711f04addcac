// Records committed before the report facts existed (migration 016) hold zeros on their summary rows; at start the
// server re-projects them from their committed documents, batch by batch and resumably, and the reports say they are
// recomputing until it ends. Real server on port 0, real SQLite file, restarted on the same data directory.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { openDb } from '../db/open.ts'
import { createDocStore } from '../store/doc-store.ts'
import { callApi, seedExample } from '../test-support/period-fixtures.ts'
import { startRelayServer } from '../test-support/relay-server.ts'
import { reprojectFacts } from './fact-reprojection.ts'
import { reproject } from '../cli/reproject.ts'
import { buildReport } from './report.ts'
import { createReportStore } from './report-store.ts'
import { createPendingFactsStore } from './pending-facts-store.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-reproject-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const FACTS = `deprivation_mask, ethnic_minority, meritorious, no_working_capacity, social_protection, farming, causes,
  member_count`
/** What a row committed before migration 016 looks like once 016 and 017 ran: neutral facts, version 0. */
const OLD_ROWS = `UPDATE households SET deprivation_mask = 0, ethnic_minority = 0, meritorious = 0, no_working_capacity = 0,
  social_protection = 0, farming = 0, causes = '', member_count = 0, facts_version = 0`

it('FR1 after start the report figures of records committed before migration 016 are right; meanwhile the report says it is recomputing', async () => {
  let server = await startRelayServer({ dataDir })
  seedExample(server, 'poor', 'h-a', 'vr')
  seedExample(server, 'nearPoor', 'h-b', 'vr')
  seedExample(server, 'average', 'h-c', 'vr')
  seedExample(server, 'poor', 'h-d', 'vr')
  const admin = await server.addUser('admin', 'admin')
  const right = await callApi(server.url, '/api/reports?period=2025', admin.token)
  expect(right.status).toBe(200)
  expect(right.json.recomputing).toBe(false)
  const file = server.db.name
  const facts = server.db.prepare(`SELECT id, ${FACTS} FROM households ORDER BY id`).all()
  await server.stop({ keepData: true })

  const db = openDb(file)
  db.exec(OLD_ROWS)
  const old = buildReport(createReportStore(db), { period: '2025', unit: null, village: null })
  expect(old.recomputing).toBe(true)
  expect(old.tables).not.toEqual(right.json.tables) // the zeros show in the figures
  db.close()

  server = await startRelayServer({ dataDir })
  await expect
    .poll(async () => (await callApi(server.url, '/api/reports?period=2025', admin.token)).json.recomputing, {
      timeout: 30_000,
    })
    .toBe(false)
  const after = await callApi(server.url, '/api/reports?period=2025', admin.token)
  expect(after.json.tables).toEqual(right.json.tables)
  expect(server.db.prepare(`SELECT id, ${FACTS} FROM households ORDER BY id`).all()).toEqual(facts)
  await server.stop({ keepData: true })
})

it('FR2 the re-projection is resumable: stopped after one batch, the next run does the rest', async () => {
  const db = openDb(join(dataDir, 'rasoat.db'))
  db.exec(OLD_ROWS)
  const docStore = createDocStore(db)
  const pending = createPendingFactsStore(db)
  const total = pending.pending('', 100).length
  expect(total).toBeGreaterThan(2)
  let batches = 0
  const seen: string[] = []
  const first = await reprojectFacts(db, docStore, {
    batch: 2,
    stopped: () => batches >= 1,
    onBatch: (ids) => {
      batches++
      seen.push(...ids)
    },
  })
  expect(first).toEqual({ households: 2, batches: 1 })
  expect(pending.pending('', 100)).toHaveLength(total - 2)
  const rest = await reprojectFacts(db, docStore, { batch: 2, onBatch: (ids) => seen.push(...ids) })
  expect(rest.households).toBe(total - 2)
  expect(pending.anyPending()).toBe(false)
  expect(new Set(seen).size).toBe(total)
  db.close()
})

it('FR3 npm run cli -- reproject recomputes the pending rows at once', async () => {
  const db = openDb(join(dataDir, 'rasoat.db'))
  db.exec(OLD_ROWS)
  db.close()
  expect(await reproject.run(['--data-dir', dataDir])).toBe(0)
  const after = openDb(join(dataDir, 'rasoat.db'))
  expect(createPendingFactsStore(after).anyPending()).toBe(false)
  expect(after.prepare(`SELECT SUM(member_count) FROM households`).pluck().get()).toBeGreaterThan(0)
  after.close()
})
