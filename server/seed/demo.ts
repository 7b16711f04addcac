// The demo dataset `npm start` creates on an empty database: one phường and one xã, 8 villages, ~1,000
// households, and one user per role (enum1 has two tổ dân phố with ~300 households, so the PWA list is realistic).

import { randomBytes } from 'node:crypto'
import { seededRandom } from '../../shared/household/synthetic.ts'
import { passwordProblem } from '../auth/password-policy.ts'
import { createUser, type NewUser } from '../auth/users.ts'
import type { Db } from '../db/open.ts'
import type { DocStore } from '../store/doc-store.ts'
import { insertVillages, makeVillages, pickUnits } from './places.ts'
import { writeHouseholds } from './seed.ts'

export const DEMO_UNITS = { phuong: '19789', xa: '19942' } as const // Phường Thuận Hóa, Xã Phú Vang
/** Households per village: the first two (enum1's) hold 300 together. */
const DEMO_COUNTS = [150, 150, 110, 90, 130, 120, 140, 110]

export interface DemoResult {
  users: DemoUser[]
  households: number
  ms: number
}

/** Easy to type on a phone: no l/1/0/o; 256 is a multiple of 32, so every letter is equally likely. */
const DEMO_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'

/** "k7mq-c2xr-9hde": 12 random characters (60 bits) in groups of four, printed once. */
export function demoPassword(): string {
  const chars = [...randomBytes(12)].map((b) => DEMO_ALPHABET[b % DEMO_ALPHABET.length])
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-')
}

/** A demo login as printed once at seeding, with its own password. */
export type DemoUser = { username: string; role: string; password: string; villages?: string[] }

/**
 * enum1/sup1/admin1/obs1, each with its own random password — or all with `password` when given (DEMO_PASSWORD, an
 * explicit override for tests and development). Null (nothing created) when enum1 already exists.
 */
export async function createDemoUsers(
  db: Db,
  opts: { password?: string | undefined; enumVillages: string[]; supervisorUnit: string },
): Promise<DemoUser[] | null> {
  if (db.prepare("SELECT 1 FROM users WHERE username = 'enum1'").get()) return null
  const people: Omit<NewUser, 'password'>[] = [
    { username: 'enum1', role: 'enumerator', villages: opts.enumVillages, displayName: 'Nguyễn Thị Lan' },
    { username: 'sup1', role: 'supervisor', unitCode: opts.supervisorUnit, displayName: 'Trần Văn Minh' },
    { username: 'admin1', role: 'admin', displayName: 'Lê Quang Huy' },
    { username: 'obs1', role: 'observer', displayName: 'Phạm Thị Hoa' },
  ]
  const created: DemoUser[] = []
  for (const person of people) {
    let password = opts.password ?? demoPassword()
    // A random password could, very rarely, spell the username: draw again rather than fail the policy.
    while (opts.password === undefined && passwordProblem(password, person.username)) password = demoPassword()
    await createUser(db, { ...person, password })
    created.push({
      username: person.username,
      role: person.role,
      password,
      ...(person.villages ? { villages: person.villages } : {}),
    })
  }
  return created
}

export async function seedDemo(
  db: Db,
  docStore: DocStore,
  opts: { password?: string | undefined; seed?: number } = {},
): Promise<DemoResult> {
  const started = performance.now()
  const seed = opts.seed ?? 2025
  const units = pickUnits(db, 2, [DEMO_UNITS.phuong, DEMO_UNITS.xa])
  const villages = makeVillages(units, 4, seededRandom(seed))
  insertVillages(db, villages)
  const households = writeHouseholds(db, docStore, villages, DEMO_COUNTS, { seed })
  const users = await createDemoUsers(db, {
    password: opts.password,
    enumVillages: villages.slice(0, 2).map((v) => v.id),
    supervisorUnit: DEMO_UNITS.phuong,
  })
  return {
    users: users ?? [],
    households,
    ms: performance.now() - started,
  }
}
