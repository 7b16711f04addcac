// The photo store with two relays on one database: the same photo uploaded through both at once is stored once and is
// no error on either, and its file stays in place (a row always means a readable file); today's usage counts come back
// as numbers. Runs on the suite's engine (RASOAT_TEST_ENGINE).
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { createPhotoStore, sha256Hex } from './photo-store.ts'

let dir: string
let db: Db
let other: Db

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-photo-store-'))
  db = openDb(join(dir, 'test.db'))
  migrate(db, migrations)
  other = openDb(join(dir, 'test.db')) // a second relay's handle on the same database
})

afterEach(() => {
  other.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])
const sha256 = createHash('sha256').update(bytes).digest('hex')

it("a photo whose row another relay stored meanwhile is theirs (not an error), linked to this upload's household", () => {
  const store = createPhotoStore(
    db,
    join(dir, 'photos'),
    () => 100,
    () => {
      // Between this relay's lookup and its insert, the other relay stores the same photo without a household.
      createPhotoStore(other, join(dir, 'photos-b'), () => 50).put({
        sha256,
        bytes,
        contentType: 'image/jpeg',
        householdId: null,
        uploadedBy: 'u-mai',
      })
    },
  )
  const r = store.put({ sha256, bytes, contentType: 'image/jpeg', householdId: 'h1', uploadedBy: 'u-lan' })
  expect(r).toEqual({
    created: false,
    photo: { sha256, householdId: 'h1', uploadedBy: 'u-mai', contentType: 'image/jpeg', bytes: 7, createdAt: 50 },
  })
  expect(store.find(sha256)).toMatchObject({ householdId: 'h1', uploadedBy: 'u-mai' })
  expect(existsSync(store.filePath(sha256))).toBe(true)
  expect(store.uploadedToday('u-mai')).toEqual({ count: 1, bytes: 7 })
  expect(store.uploadedToday('u-lan')).toEqual({ count: 0, bytes: 0 })
})

it('the same photo stored through two relays at once keeps its file and one row', () => {
  const bytes = new Uint8Array(900).map((_, i) => (i * 31) & 0xff)
  bytes.set([0xff, 0xd8, 0xff, 0xe0])
  const sha = sha256Hex(bytes)
  const photos = join(dir, 'photos')
  const photo = { sha256: sha, bytes, contentType: 'image/jpeg' as const, householdId: null, uploadedBy: 'u-1' }
  const relayA = createPhotoStore(db, photos)
  // Relay B has looked for the row (none yet) and is writing its file when relay A's upload completes.
  let raced = false
  const relayB = createPhotoStore(other, photos, Date.now, () => {
    if (raced) return
    raced = true
    expect(relayA.put(photo).created).toBe(true)
  })
  const second = relayB.put(photo)
  expect(raced).toBe(true)
  expect(second.created).toBe(false)
  expect(existsSync(relayA.filePath(sha))).toBe(true)
  expect(relayA.findStored(sha)).toMatchObject({ sha256: sha, bytes: 900 })
  expect(db.prepare('SELECT COUNT(*) FROM photos WHERE sha256 = ?').pluck().get(sha)).toBe(1)
})
