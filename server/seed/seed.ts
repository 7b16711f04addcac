// Writes synthetic households into a database: villages, then Yjs household documents (HouseholdDoc.create) stored
// through the doc store's bulk path (createHouseholdFromDoc) in batched transactions. Deterministic per seed and database.

import { seededRandom, syntheticUuid } from '../../shared/household/synthetic.ts'
import { HouseholdDoc, SERVER_CLIENT_ID } from '../../shared/doc/index.ts'
import type { Household } from '../../shared/household/types.ts'
import type { Db } from '../db/open.ts'
import { currentPeriod } from '../db/reference-data.ts'
import type { DocStore, HouseholdMeta } from '../store/doc-store.ts'
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

/** One household to create: where it goes and what the generator made. */
export interface SeedJob {
  meta: HouseholdMeta
  household: Household
}

/** What generating the households reads from the database, as plain data (a worker thread replays the generator). */
export interface SeedJobParams {
  seed: number
  period: string
  referenceDate: string
  /** Unit code → name (highland units get other income and dwelling odds). */
  unitNames: Record<string, string>
  /** Households already stored: ids depend on it, so a second run appends instead of colliding. */
  existing: number
}

export function seedJobParams(db: Db, seed: number): SeedJobParams {
  const period = currentPeriod(db)
  const ref = db.prepare('SELECT reference_date FROM periods WHERE id = ?').pluck().get(period) as string | undefined
  const units = db.prepare('SELECT code, name FROM units').all() as { code: string; name: string }[]
  return {
    seed,
    period,
    referenceDate: ref ?? `${period}-09-01`,
    unitNames: Object.fromEntries(units.map((u) => [u.code, u.name])),
    existing: db.prepare('SELECT COUNT(*) FROM households').pluck().get() as number,
  }
}

/**
 * The households to create, `counts[i]` in `villages[i]`, generated one by one in a fixed order (the same parameters
 * give the same households, whichever thread generates them).
 */
export function* jobsFrom(p: SeedJobParams, villages: SeedVillage[], counts: number[]): Generator<SeedJob> {
  const idRand = seededRandom(p.seed * 7919 + p.existing)
  const rand = seededRandom(p.seed)
  for (const [i, v] of villages.entries()) {
    const highland = HIGHLAND.test(p.unitNames[v.unitCode] ?? '')
    for (let k = 0; k < (counts[i] ?? 0); k++) {
      const household = generateHousehold(rand, {
        id: syntheticUuid(idRand),
        period: p.period,
        referenceDate: p.referenceDate,
        village: v,
        highland,
      })
      yield { meta: { id: household.id, period: p.period, unitCode: v.unitCode, villageId: v.id }, household }
    }
  }
}

/** jobsFrom with its parameters read from `db`. */
export const seedJobs = (db: Db, villages: SeedVillage[], counts: number[], seed: number): Generator<SeedJob> =>
  jobsFrom(seedJobParams(db, seed), villages, counts)

/** Creates `counts[i]` households in `villages[i]` on this thread; one transaction per batch. */
export function writeHouseholds(
  db: Db,
  docStore: DocStore,
  villages: SeedVillage[],
  counts: number[],
  opts: WriteOptions,
): number {
  const total = counts.reduce((a, b) => a + b, 0)
  const batchSize = opts.batchSize ?? 1000
  const jobs = seedJobs(db, villages, counts, opts.seed)
  let done = 0
  const batch = db.transaction((n: number) => {
    for (let k = 0; k < n; k++) {
      const job = jobs.next()
      if (job.done) return
      const doc = seedHouseholdDoc(job.value.household)
      docStore.createHouseholdFromDoc(job.value.meta, doc.ydoc, SEED_AUTHOR)
      doc.ydoc.destroy()
      done++
    }
  })
  while (done < total) {
    batch(Math.min(batchSize, total - done))
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

/** The places of `cli seed`: N households spread over several units and villages of Huế (villages inserted). */
export function seedPlaces(
  db: Db,
  opts: SeedHouseholdsOptions,
): { villages: SeedVillage[]; counts: number[]; seed: number } {
  const seed = opts.seed ?? 1
  const rand = seededRandom(seed ^ 0x5eed)
  const unitCount = opts.units ?? Math.min(40, Math.max(2, Math.ceil(opts.households / 2500)))
  const units = pickUnits(db, unitCount)
  const villages = makeVillages(units, opts.villagesPerUnit ?? 8, rand)
  insertVillages(db, villages)
  return { villages, counts: allocate(villages, opts.households), seed }
}

/** `cli seed`: N households spread over several units and villages of Huế. */
export function seedHouseholds(db: Db, docStore: DocStore, opts: SeedHouseholdsOptions): SeedResult {
  const started = performance.now()
  const { villages, counts, seed } = seedPlaces(db, opts)
  const households = writeHouseholds(db, docStore, villages, counts, {
    seed,
    ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
    ...(opts.onBatch ? { onBatch: opts.onBatch } : {}),
  })
  return { households, villages, ms: performance.now() - started }
}
