// The demo dataset `npm start` creates on an empty database: one phường and one xã, 8 villages, ~1,000
// households, and one user per role (enum1 has two tổ dân phố with ~300 households, so the PWA list is realistic).

import { randomBytes } from 'node:crypto'
import { seededRandom } from '../../shared/household/synthetic.ts'
import { createUser } from '../auth/users.ts'
import type { Db } from '../db/open.ts'
import type { DocStore } from '../store/doc-store.ts'
import { insertVillages, makeVillages, pickUnits } from './places.ts'
import { writeHouseholds } from './seed.ts'

export const DEMO_UNITS = { phuong: '19789', xa: '19942' } as const // Phường Thuận Hóa, Xã Phú Vang
/** Households per village: the first two (enum1's) hold 300 together. */
const DEMO_COUNTS = [150, 150, 110, 90, 130, 120, 140, 110]

export interface DemoResult {
  users: DemoUser[]
  password: string
  households: number
  ms: number
}

export function demoPassword(): string {
  return randomBytes(9).toString('base64url')
}

export type DemoUser = { username: string; role: string; villages?: string[] }

/** enum1/sup1/admin1/obs1 with one password; null (nothing created) when enum1 already exists. */
export async function createDemoUsers(
  db: Db,
  opts: { password: string; enumVillages: string[]; supervisorUnit: string },
): Promise<DemoUser[] | null> {
  if (db.prepare("SELECT 1 FROM users WHERE username = 'enum1'").get()) return null
  const { password, enumVillages } = opts
  await createUser(db, { username: 'enum1', password, role: 'enumerator', villages: enumVillages, displayName: 'Nguyễn Thị Lan' })
  await createUser(db, { username: 'sup1', password, role: 'supervisor', unitCode: opts.supervisorUnit, displayName: 'Trần Văn Minh' })
  await createUser(db, { username: 'admin1', password, role: 'admin', displayName: 'Lê Quang Huy' })
  await createUser(db, { username: 'obs1', password, role: 'observer', displayName: 'Phạm Thị Hoa' })
  return [
    { username: 'enum1', role: 'enumerator', villages: enumVillages },
    { username: 'sup1', role: 'supervisor' },
    { username: 'admin1', role: 'admin' },
    { username: 'obs1', role: 'observer' },
  ]
}

export async function seedDemo(db: Db, docStore: DocStore, opts: { password?: string | undefined; seed?: number } = {}): Promise<DemoResult> {
  const started = performance.now()
  const seed = opts.seed ?? 2025
  const password = opts.password ?? demoPassword()
  const units = pickUnits(db, 2, [DEMO_UNITS.phuong, DEMO_UNITS.xa])
  const villages = makeVillages(units, 4, seededRandom(seed))
  insertVillages(db, villages)
  const households = writeHouseholds(db, docStore, villages, DEMO_COUNTS, { seed })
  const users = await createDemoUsers(db, { password, enumVillages: villages.slice(0, 2).map((v) => v.id), supervisorUnit: DEMO_UNITS.phuong })
  return {
    users: users ?? [],
    password,
    households,
    ms: performance.now() - started,
  }
}
