// The scope cache against the database's scope version (migration 021): which changes move the version, how long an
// answer is kept with and without a generation, and a release grant running out. Real database on the suite's engine
// (RASOAT_TEST_ENGINE), real access queries; the clock is injected.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAccess, type Access, type User } from '../auth/access.ts'
import type { Db } from '../db/open.ts'
import { createDocStore } from '../store/doc-store.ts'
import { createHouseholdWriter } from '../store/household-writer.ts'
import { PATH } from '../test-support/household-fixture.ts'
import { openTwoVillages, type TwoVillages } from '../test-support/two-villages.ts'
import {
  createScopeGeneration,
  HouseholdScopes,
  SCOPE_ANSWER_MAX_MS,
  SCOPE_CACHE_MS,
  SCOPE_VERSION_POLL_MS,
} from './scope-cache.ts'

let world: TwoVillages
let db: Db
let t: number
let access: Access
let lookups: number
const lan: User = { id: 'u-lan', username: 'lan', role: 'enumerator', unitCode: '19900', displayName: 'Lan' }

beforeEach(() => {
  world = openTwoVillages('rasoat-scope-cache-')
  db = world.db
  db.exec("INSERT INTO assignments (user_id, village_id) VALUES ('u-lan', 'v1')")
  t = 1_000_000
  access = counted(createAccess(db, () => t))
})

/** The access, counting its scope look-ups. */
function counted(real: Access): Access {
  lookups = 0
  return {
    ...real,
    scope(user, householdId) {
      lookups++
      return real.scope(user, householdId)
    },
  }
}

afterEach(() => world.close())

describe('scope version (migration 021)', () => {
  it('moves with assignments, a household’s place, households added or removed and release grants', () => {
    const version = (): number => access.scopeVersion()
    const steps: [string, string][] = [
      ['assignment added', "INSERT INTO assignments (user_id, village_id) VALUES ('u-lan', 'v2')"],
      ['assignment removed', "DELETE FROM assignments WHERE village_id = 'v2'"],
      ['own assignee set', "UPDATE households SET assignee_id = 'u-lan' WHERE id = 'h2'"],
      ['moved to another village', "UPDATE households SET village_id = 'v1' WHERE id = 'h2'"],
      [
        'release grant given',
        "INSERT INTO released_households (household_id, user_id, released_at) VALUES ('h2', 'u-lan', 5)",
      ],
      ['release grant renewed', "UPDATE released_households SET released_at = 6 WHERE household_id = 'h2'"],
      ['release grant ended', "DELETE FROM released_households WHERE household_id = 'h2'"],
      ['household removed', "DELETE FROM households WHERE id = 'h2'"],
    ]
    for (const [what, sql] of steps) {
      const before = version()
      db.exec(sql)
      expect(version(), what).toBeGreaterThan(before)
    }
  })

  it('does not move when a commit rewrites a household’s summary, or an update names its place unchanged', async () => {
    const before = access.scopeVersion()
    const writer = createHouseholdWriter(db, createDocStore(db))
    const r = writer.setField('h1', PATH.address, 'Số 2 Lê Lợi', 'u-admin')
    if (r.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(r)}`)
    await r.committed
    expect(db.prepare("SELECT address FROM households WHERE id = 'h1'").pluck().get()).toBe('Số 2 Lê Lợi')
    await writer.close()
    db.exec("UPDATE households SET village_id = 'v1', unit_code = '19900' WHERE id = 'h1'")
    expect(access.scopeVersion()).toBe(before)
  })
})

describe('HouseholdScopes with a scope generation', () => {
  function scopes(): { of(id: string): { read: boolean; write: boolean } } {
    const generation = createScopeGeneration(
      () => access.scopeVersion(),
      () => t,
    )
    const cache = new HouseholdScopes(access, lan, () => generation.current())
    return { of: (id) => cache.of(id, t) }
  }

  it('keeps an answer past SCOPE_CACHE_MS while nothing changes, and looks it up again after SCOPE_ANSWER_MAX_MS', () => {
    const s = scopes()
    expect(s.of('h1')).toMatchObject({ read: true, write: true })
    t += SCOPE_CACHE_MS * 5
    expect(s.of('h1')).toMatchObject({ read: true, write: true })
    expect(lookups).toBe(1)
    t += SCOPE_ANSWER_MAX_MS
    s.of('h1')
    expect(lookups).toBe(2)
  })

  it('sees a change made by SQL from anywhere once SCOPE_VERSION_POLL_MS has passed', () => {
    const s = scopes()
    expect(s.of('h1').write).toBe(true)
    db.exec("DELETE FROM assignments WHERE user_id = 'u-lan'")
    expect(s.of('h1').write).toBe(true) // within the poll interval: the answer read before
    t += SCOPE_VERSION_POLL_MS
    expect(s.of('h1')).toMatchObject({ read: false, write: false })
  })

  it('trusts no answer while the scope version cannot be read: every check reads it again until it can', () => {
    let down = false
    let reads = 0
    const generation = createScopeGeneration(
      () => {
        reads++
        if (down) throw new Error('database down')
        return access.scopeVersion()
      },
      () => t,
    )
    const cache = new HouseholdScopes(access, lan, () => generation.current())
    expect(cache.of('h1', t).write).toBe(true)
    down = true
    t += SCOPE_VERSION_POLL_MS
    const before = reads
    expect(() => cache.of('h1', t)).toThrow('database down')
    expect(() => cache.of('h1', t)).toThrow('database down') // the failed read did not count as a fresh one
    expect(reads).toBe(before + 2)
    down = false
    db.exec("DELETE FROM assignments WHERE user_id = 'u-lan'") // changed while the version could not be read
    expect(cache.of('h1', t)).toMatchObject({ read: false, write: false })
  })

  it('lets an answer only a release grant gives run out after SCOPE_CACHE_MS', () => {
    const grantMs = 10_000
    access = counted(createAccess(db, () => t, { releaseGrantMs: grantMs }))
    db.exec(`INSERT INTO users (id, username, password_hash, role, unit_code, display_name, created_at)
        VALUES ('u-other', 'other', 'x', 'enumerator', '19900', 'Other', 0);
      UPDATE households SET assignee_id = 'u-other' WHERE id = 'h1';`)
    db.prepare('INSERT INTO released_households (household_id, user_id, released_at) VALUES (?, ?, ?)').run(
      'h1',
      'u-lan',
      t,
    )
    const s = scopes()
    expect(s.of('h1')).toMatchObject({ read: false, write: true })
    t += SCOPE_CACHE_MS - 1
    expect(s.of('h1')).toMatchObject({ read: false, write: true })
    expect(lookups).toBe(1)
    t += grantMs // the grant ran out; nothing in the database changed, so the version did not move
    expect(s.of('h1')).toMatchObject({ read: false, write: false })
    expect(lookups).toBe(2)
  })
})
