// Two relays store photos in one shared folder and one database: the same photo uploaded through both at once (a phone
// retrying on the other relay) must leave the file in place — a row always means a readable file. Real SQLite file
// opened twice (two relays' connections), real files; the second relay's write happens inside the first one's put.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { createPhotoStore, sha256Hex } from './photo-store.ts'

let dir: string
let dbA: Db
let dbB: Db
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-photo-relays-'))
  dbA = openDb(join(dir, 'rasoat.db'))
  migrate(dbA, migrations)
  dbB = openDb(join(dir, 'rasoat.db'))
})
afterEach(() => {
  dbA.close()
  dbB.close()
  rmSync(dir, { recursive: true, force: true })
})

it('the same photo stored through two relays at once keeps its file and one row', () => {
  const bytes = new Uint8Array(900).map((_, i) => (i * 31) & 0xff)
  bytes.set([0xff, 0xd8, 0xff, 0xe0])
  const sha = sha256Hex(bytes)
  const photos = join(dir, 'photos')
  const photo = { sha256: sha, bytes, contentType: 'image/jpeg' as const, householdId: null, uploadedBy: 'u-1' }
  const relayA = createPhotoStore(dbA, photos)
  // Relay B has looked for the row (none yet) and is writing its file when relay A's upload completes.
  let raced = false
  const relayB = createPhotoStore(dbB, photos, Date.now, () => {
    if (raced) return
    raced = true
    expect(relayA.put(photo).created).toBe(true)
  })
  const second = relayB.put(photo)
  expect(raced).toBe(true)
  expect(second.created).toBe(false)
  expect(existsSync(relayA.filePath(sha))).toBe(true)
  expect(relayA.findStored(sha)).toMatchObject({ sha256: sha, bytes: 900 })
  expect(dbA.prepare('SELECT COUNT(*) FROM photos WHERE sha256 = ?').pluck().get(sha)).toBe(1)
})
