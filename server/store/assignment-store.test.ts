// The release grant's end on a real SQLite file: only a device that listed the moved household and then stops listing
// it ends its hold; the last hold ends the grant; the devices remembered per grant are capped (ids are the client's).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb } from '../db/open.ts'
import { createAssignmentStore, MAX_HOLDERS } from './assignment-store.ts'

const dir = mkdtempSync(join(tmpdir(), 'rasoat-assign-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function world() {
  const db = openDb(join(dir, `${Math.random().toString(36).slice(2)}.db`))
  migrate(db, migrations)
  db.prepare("INSERT INTO units (code, name, kind, area_type) VALUES ('u1', 'U', 'phuong', 'urban')").run()
  db.prepare("INSERT INTO villages (id, unit_code, name) VALUES ('v1', 'u1', 'V')").run()
  for (const u of ['a', 'b'])
    db.prepare(
      "INSERT INTO users (id, username, password_hash, role, display_name, created_at) VALUES (?, ?, 'x', 'enumerator', ?, 0)",
    ).run(u, u, u)
  db.prepare("INSERT INTO assignments (user_id, village_id) VALUES ('a', 'v1')").run()
  db.prepare("INSERT INTO households (id, period, unit_code, village_id) VALUES ('h1', '2025', 'u1', 'v1')").run()
  const store = createAssignmentStore(db)
  store.move({ households: ['h1'], villages: [], from: null, to: 'b' }, 1_000)
  const grant = () =>
    db.prepare("SELECT holders FROM released_households WHERE household_id = 'h1' AND user_id = 'a'").pluck().get() as
      string | undefined
  return { db, store, grant }
}

it('a device that never listed the household does not end the grant; the last device that drops it does', () => {
  const { db, store, grant } = world()
  expect(grant()).toBe('[]')
  expect(store.noteManifest('a', 'tablet', new Set())).toBe(0) // never held it
  expect(grant()).toBe('[]')
  store.noteManifest('a', 'phone-1', new Set(['h1']))
  store.noteManifest('a', 'phone-2', new Set(['h1']))
  expect(JSON.parse(grant()!)).toEqual(['phone-1', 'phone-2'])
  expect(store.noteManifest('a', 'phone-1', new Set())).toBe(0)
  expect(JSON.parse(grant()!)).toEqual(['phone-2'])
  expect(store.noteManifest('a', 'phone-2', new Set())).toBe(1)
  expect(grant()).toBeUndefined()
  db.close()
})

it(`remembers at most ${MAX_HOLDERS} devices per grant`, () => {
  const { db, store, grant } = world()
  for (let i = 0; i < 50; i++) store.noteManifest('a', `device-${i}`, new Set(['h1']))
  expect(JSON.parse(grant()!)).toHaveLength(MAX_HOLDERS)
  db.close()
})
