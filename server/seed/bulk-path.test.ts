// The bulk path (createHouseholdFromDoc: seeding, register import) against the normal one (createHousehold from the
// update's bytes, and the relay's own summary write): equal rows in every table, and the relay bootstraps them alike.

import * as Y from 'yjs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { seededRandom, syntheticUuid } from '../../shared/household/synthetic.ts'
import type { Household } from '../../shared/household/types.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { currentPeriod, ensureReferenceData } from '../db/reference-data.ts'
import { createDocStore, type DocStore } from '../store/doc-store.ts'
import { summarise } from '../store/household-view.ts'
import { createProjections } from '../store/projections.ts'
import { visitFlags } from '../store/visit-flags.ts'
import { startRelayServer, TEST_UNIT, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from '../relay/test-client.ts'
import { generateHousehold } from './generate.ts'
import { insertVillages, makeVillages, type SeedVillage } from './places.ts'
import { SEED_AUTHOR, seedHouseholdDoc, seedHouseholds } from './seed.ts'
import { defaultSeedWorkers, seedHouseholdsParallel } from './seed-parallel.ts'

const NOW = 1_764_000_000_000
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
function freshDb(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'rasoat-bulk-'))
  dirs.push(dir)
  const db = openDb(join(dir, 'rasoat.db'))
  migrate(db, migrations)
  ensureReferenceData(db)
  return db
}

/** 120 generated households of every status (returned ones carry the review step), in one village. */
function households(period: string, village: SeedVillage): Household[] {
  const rand = seededRandom(5)
  return Array.from({ length: 120 }, () =>
    generateHousehold(rand, {
      id: syntheticUuid(rand),
      period,
      referenceDate: `${period}-09-01`,
      village,
      highland: false,
    }),
  )
}

const village = (unitCode: string, id: string): SeedVillage => ({
  ...makeVillages([{ code: unitCode, name: 'Thuận Hóa', kind: 'phuong' }], 1, seededRandom(1))[0]!,
  id,
})

type Path = 'bulk' | 'normal'
function create(db: Db, store: DocStore, path: Path, list: Household[], v: SeedVillage): void {
  db.transaction(() => {
    for (const h of list) {
      const doc = seedHouseholdDoc(h)
      const meta = { id: h.id, period: h.period, unitCode: v.unitCode, villageId: v.id }
      if (path === 'bulk') store.createHouseholdFromDoc(meta, doc.ydoc, SEED_AUTHOR)
      else store.createHousehold(meta, Y.encodeStateAsUpdate(doc.ydoc), SEED_AUTHOR)
      doc.ydoc.destroy()
    }
  })()
}

const TABLES = ['households', 'doc_state', 'doc_log', 'doc_log_archive', 'field_history', 'conflicts', 'client_ids']
function rows(db: Db, table: string, drop: string[] = []): Record<string, unknown>[] {
  return (db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all() as Record<string, unknown>[]).map((r) => {
    const out = { ...r }
    for (const c of drop) delete out[c]
    return out
  })
}

describe('bulk creation path', () => {
  it('writes the rows the normal path writes, in every table, and the summary the relay would write', () => {
    const dbs = { bulk: freshDb(), normal: freshDb() }
    for (const path of ['bulk', 'normal'] as const) {
      const db = dbs[path]
      const v = village('19789', 'bulk-v')
      insertVillages(db, [v])
      create(db, createDocStore(db, { now: () => NOW }), path, households(currentPeriod(db), v), v)
    }
    const statuses = new Set(rows(dbs.bulk, 'households').map((r) => r.status))
    expect(statuses).toEqual(new Set(['listed', 'assigned', 'in_progress', 'submitted', 'verified', 'returned']))
    for (const t of TABLES) expect(rows(dbs.bulk, t), t).toEqual(rows(dbs.normal, t))
    expect(rows(dbs.bulk, 'households')).toHaveLength(120)
    expect(rows(dbs.bulk, 'households').every((r) => r.facts_version === 1 && r.head_name !== '')).toBe(true)

    // The relay's summary write (INSERT of the place, then writeSummary from the stored doc) leaves the same row.
    const relayDb = freshDb()
    const v = village('19789', 'bulk-v')
    insertVillages(relayDb, [v])
    const projections = createProjections(relayDb)
    const store = createDocStore(dbs.bulk)
    for (const r of rows(dbs.bulk, 'households')) {
      relayDb
        .prepare('INSERT INTO households (id, period, unit_code, village_id) VALUES (?, ?, ?, ?)')
        .run(r.id, r.period, r.unit_code, r.village_id)
      const s = summarise(store.openDoc(r.id as string)!)
      projections.writeSummary(r.id as string, s, visitFlags(s, undefined), {
        editor: SEED_AUTHOR,
        serverSeq: 1,
        at: NOW,
      })
    }
    expect(rows(relayDb, 'households')).toEqual(rows(dbs.bulk, 'households'))
    for (const db of [...Object.values(dbs), relayDb]) db.close()
  })

  it('the seed with documents built on worker threads writes the rows of the seed on one thread', async () => {
    const [one, parallel] = [freshDb(), freshDb()]
    // Three chunks of at most 500: the first and last built by one worker, the second by the other.
    const opts = { households: 1250, units: 2, seed: 3 }
    const single = seedHouseholds(one, createDocStore(one, { now: () => NOW }), opts)
    const batches: number[] = []
    const threaded = await seedHouseholdsParallel(parallel, createDocStore(parallel, { now: () => NOW }), {
      ...opts,
      workers: 2,
      onBatch: (done) => batches.push(done),
    })
    expect(threaded.households).toBe(1250)
    expect(single.households).toBe(1250)
    expect(batches).toEqual([500, 1000, 1250])
    for (const t of [...TABLES, 'villages']) expect(rows(parallel, t), t).toEqual(rows(one, t))
    one.close()
    parallel.close()
  }, 120_000)

  it('cli seed builds on one worker per core beside the writing thread, at most 4, and on none with one core', () => {
    expect([1, 2, 3, 8, 64].map((cores) => defaultSeedWorkers(cores))).toEqual([0, 1, 2, 4, 4])
  })

  it('the relay bootstraps households of either path to the same bytes', async () => {
    const got: Record<Path, { manifest: unknown; updates: [string, Uint8Array[]][]; heads: [string, number][] }> =
      {} as never
    for (const path of ['bulk', 'normal'] as const) {
      const server: RelayTestServer = await startRelayServer()
      try {
        server.addVillage('vb')
        const v = village(TEST_UNIT, 'vb')
        create(server.db, server.docStore, path, households(currentPeriod(server.db), v), v)
        const { token } = await server.addUser('lan', 'enumerator', { villages: ['vb'] })
        const c = await SyncClient.connect({ url: server.url, token, deviceId: 'lan-phone' })
        expect((await c.hello()).type).toBe('welcome')
        const reply = await c.manifest([])
        expect(reply.added).toHaveLength(120)
        got[path] = {
          manifest: reply,
          updates: [...c.updates].sort(([a], [b]) => a.localeCompare(b)),
          heads: [...c.heads].sort(([a], [b]) => a.localeCompare(b)),
        }
        await c.close()
      } finally {
        await server.stop()
      }
    }
    expect(got.bulk.updates).toHaveLength(120)
    expect(got.bulk).toEqual(got.normal)
  })
})
