// The seed on a real SQLite file: N households become Yjs documents plus valid summary rows, spread over units
// and villages inside Huế; generated households pass the interchange-format validation; same seed, same data.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { seededRandom, syntheticUuid } from '../../shared/household/synthetic.ts'
import { STATUSES, CATEGORIES } from '../../shared/household/types.ts'
import { validateHousehold } from '../../shared/household/validate.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { ensureReferenceData } from '../db/reference-data.ts'
import { createDocStore } from '../store/doc-store.ts'
import { seedDemo } from './demo.ts'
import { generateHousehold } from './generate.ts'
import { HUE_BOX, makeVillages } from './places.ts'
import { seedHouseholds } from './seed.ts'

const dirs: string[] = []
function freshDb(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'rasoat-seed-'))
  dirs.push(dir)
  const db = openDb(join(dir, 'rasoat.db'))
  migrate(db, migrations)
  ensureReferenceData(db)
  return db
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('generateHousehold', () => {
  it('produces households that pass rasoat.household/1 validation', () => {
    const rand = seededRandom(42)
    const villages = makeVillages(
      [
        { code: '19789', name: 'Thuận Hóa', kind: 'phuong' },
        { code: '20056', name: 'A Lưới 1', kind: 'xa' },
      ],
      2,
      rand,
    )
    for (let i = 0; i < 300; i++) {
      const v = villages[i % villages.length]
      if (!v) throw new Error('no village')
      const h = generateHousehold(rand, {
        id: syntheticUuid(rand),
        period: '2025',
        referenceDate: '2025-09-01',
        village: v,
        highland: v.unitCode === '20056',
      })
      const r = validateHousehold(h)
      expect(r.ok, JSON.stringify(r)).toBe(true)
      expect(h.members.filter((m) => m.relation === 'head')).toHaveLength(1)
      for (const m of h.members) expect(m.birthDate <= '2025-09-01').toBe(true)
    }
  })
})

describe('seedHouseholds', () => {
  let db: Db
  beforeAll(() => {
    db = freshDb()
    seedHouseholds(db, createDocStore(db), { households: 240, seed: 7, batchSize: 100 })
  })

  it('a seeded returned record carries the reviewer’s comment in its history (the phone showed “(không có ý kiến)”)', () => {
    const store = createDocStore(db)
    const ids = db.prepare("SELECT id FROM households WHERE status = 'returned'").pluck().all() as string[]
    expect(ids.length).toBeGreaterThan(0)
    for (const id of ids) {
      const last = HouseholdDoc.load(store.readState(id)!).read().workflow.history.at(-1)
      expect(last).toMatchObject({ from: 'submitted', to: 'returned', comment: expect.stringMatching(/\S/) })
    }
  })

  it('creates N households with documents and valid summary rows', () => {
    expect(db.prepare('SELECT COUNT(*) FROM households').pluck().get()).toBe(240)
    expect(db.prepare('SELECT COUNT(*) FROM doc_state').pluck().get()).toBe(240)
    const rows = db.prepare('SELECT * FROM households').all() as Record<string, unknown>[]
    for (const r of rows) {
      expect(typeof r.head_name === 'string' && r.head_name.length > 3).toBe(true)
      expect(STATUSES).toContain(r.status)
      expect(CATEGORIES).toContain(r.category)
      expect(r.server_seq).toBe(1)
      expect(r.search_text).not.toBe('')
      if (r.lat !== null) {
        expect(r.lat as number).toBeGreaterThanOrEqual(HUE_BOX.minLat - 0.01)
        expect(r.lat as number).toBeLessThanOrEqual(HUE_BOX.maxLat + 0.01)
        expect(r.lng as number).toBeGreaterThanOrEqual(HUE_BOX.minLng - 0.01)
        expect(r.lng as number).toBeLessThanOrEqual(HUE_BOX.maxLng + 0.01)
      }
    }
    // Some households classify as poor or near-poor, most not.
    const cats = new Set(rows.map((r) => r.category))
    expect(cats.has('not_poor')).toBe(true)
  })

  it('spreads households over several units and villages, each in a real village', () => {
    expect(db.prepare('SELECT COUNT(DISTINCT unit_code) FROM households').pluck().get()).toBe(2)
    expect(db.prepare('SELECT COUNT(DISTINCT village_id) FROM households').pluck().get()).toBe(16)
    expect(
      db
        .prepare('SELECT COUNT(*) FROM households h LEFT JOIN villages v ON v.id = h.village_id WHERE v.id IS NULL')
        .pluck()
        .get(),
    ).toBe(0)
  })

  it('is deterministic for a seed, and a second run appends', () => {
    const other = freshDb()
    seedHouseholds(other, createDocStore(other), { households: 240, seed: 7 })
    const names = (d: Db) => d.prepare('SELECT id, head_name FROM households ORDER BY id').all()
    expect(names(other)).toEqual(names(db))
    seedHouseholds(other, createDocStore(other), { households: 10, seed: 7 })
    expect(other.prepare('SELECT COUNT(*) FROM households').pluck().get()).toBe(250)
    other.close()
  })
})

describe('seedDemo', () => {
  it('creates one phường and one xã, 8 villages, 1,000 households and one user per role', async () => {
    const db = freshDb()
    const demo = await seedDemo(db, createDocStore(db), { password: 'demo-password' })
    expect(demo.households).toBe(1000)
    expect(demo.users.map((u) => u.username)).toEqual(['enum1', 'sup1', 'admin1', 'obs1'])
    expect(db.prepare('SELECT COUNT(DISTINCT unit_code) FROM villages').pluck().get()).toBe(2)
    expect(db.prepare('SELECT COUNT(*) FROM villages').pluck().get()).toBe(8)
    const enumHouseholds = db
      .prepare(
        `SELECT COUNT(*) FROM households h JOIN assignments a ON a.village_id = h.village_id
         JOIN users u ON u.id = a.user_id WHERE u.username = 'enum1'`,
      )
      .pluck()
      .get()
    expect(enumHouseholds).toBe(300)
    db.close()
  })
})
