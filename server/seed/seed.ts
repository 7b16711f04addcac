// Writes synthetic households into a database: villages, then Yjs household documents (HouseholdDoc.create)
// stored through the relay's doc store in batched transactions. Deterministic for a given seed and database.

import { seededRandom, syntheticUuid } from '../../shared/household/synthetic.ts'
import { HouseholdDoc, SERVER_CLIENT_ID } from '../../shared/doc/index.ts'
import type { Household } from '../../shared/household/types.ts'
import type { Db } from '../db/open.ts'
import { currentPeriod } from '../db/reference-data.ts'
import type { DocStore } from '../store/doc-store.ts'
import { generateHousehold } from './generate.ts'
import { allocate, insertVillages, makeVillages, pickUnits, type SeedVillage } from './places.ts'

/** Who the seed's writes are attributed to in the log and summary rows. */
export const SEED_AUTHOR = 'seed'

export interface SeedResult {
  households: number
  villages: SeedVillage[]
  ms: number
}

export interface WriteOptions {
  seed: number
  batchSize?: number
  onBatch?: (done: number, total: number) => void
}

const HIGHLAND = /^(A Lưới|Nam Đông|Khe Tre|Long Quảng)/

/**
 * The document of a generated household, built under SERVER_CLIENT_ID. A returned record carries the reviewer's
 * comment, as the review route writes it (the phone shows it first).
 */
export function seedHouseholdDoc(household: Household): HouseholdDoc {
  const { format: _format, ...init } = household
  const returned = init.status === 'returned'
  const doc = HouseholdDoc.create(returned ? { ...init, status: 'submitted' } : init, {
    clientId: SERVER_CLIENT_ID,
    guid: household.id,
  })
  if (returned)
    doc.returnForRework(
      { id: SEED_AUTHOR, name: 'Cán bộ kiểm tra', at: `${household.period}-11-02T02:00:00Z` },
      'Kiểm tra lại thu nhập và diện tích nhà ở',
    )
  return doc
}

/** Creates `counts[i]` households in `villages[i]`; one transaction per batch. */
export function writeHouseholds(
  db: Db,
  docStore: DocStore,
  villages: SeedVillage[],
  counts: number[],
  opts: WriteOptions,
): number {
  const period = currentPeriod(db)
  const ref = db.prepare('SELECT reference_date FROM periods WHERE id = ?').pluck().get(period) as string | undefined
  const unitNames = new Map(
    (db.prepare('SELECT code, name FROM units').all() as { code: string; name: string }[]).map((u) => [u.code, u.name]),
  )
  const existing = db.prepare('SELECT COUNT(*) FROM households').pluck().get() as number
  const total = counts.reduce((a, b) => a + b, 0)
  const batchSize = opts.batchSize ?? 1000
  // Ids depend on the seed and on how many households exist, so a second run appends instead of colliding.
  const idRand = seededRandom(opts.seed * 7919 + existing)
  const rand = seededRandom(opts.seed)
  const jobs: SeedVillage[] = []
  villages.forEach((v, i) => {
    for (let k = 0; k < (counts[i] ?? 0); k++) jobs.push(v)
  })
  let done = 0
  const batch = db.transaction((slice: SeedVillage[]) => {
    for (const v of slice) {
      const household = generateHousehold(rand, {
        id: syntheticUuid(idRand),
        period,
        referenceDate: ref ?? `${period}-09-01`,
        village: v,
        highland: HIGHLAND.test(unitNames.get(v.unitCode) ?? ''),
      })
      const doc = seedHouseholdDoc(household)
      const meta = { id: household.id, period, unitCode: v.unitCode, villageId: v.id }
      docStore.createHouseholdFromDoc(meta, doc.ydoc, SEED_AUTHOR)
      doc.ydoc.destroy()
    }
  })
  for (let i = 0; i < jobs.length; i += batchSize) {
    batch(jobs.slice(i, i + batchSize))
    done = Math.min(total, i + batchSize)
    opts.onBatch?.(done, total)
  }
  return done
}

export interface SeedHouseholdsOptions {
  households: number
  seed?: number
  /** Units taking part; default grows with N (≈2,500 households per unit, at least 2, at most 40). */
  units?: number
  villagesPerUnit?: number
  batchSize?: number
  onBatch?: (done: number, total: number) => void
}

/** `cli seed`: N households spread over several units and villages of Huế. */
export function seedHouseholds(db: Db, docStore: DocStore, opts: SeedHouseholdsOptions): SeedResult {
  const started = performance.now()
  const seed = opts.seed ?? 1
  const rand = seededRandom(seed ^ 0x5eed)
  const unitCount = opts.units ?? Math.min(40, Math.max(2, Math.ceil(opts.households / 2500)))
  const units = pickUnits(db, unitCount)
  const villages = makeVillages(units, opts.villagesPerUnit ?? 8, rand)
  insertVillages(db, villages)
  const counts = allocate(villages, opts.households)
  const households = writeHouseholds(db, docStore, villages, counts, {
    seed,
    ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
    ...(opts.onBatch ? { onBatch: opts.onBatch } : {}),
  })
  return { households, villages, ms: performance.now() - started }
}
