// Photos an attacker or a lost file could abuse: HEAD checks the file on disk (else the phone never re-uploads), empty
// and non-image bodies are refused by their magic bytes, new uploads are capped per user per day, and photos linked
// to no household are swept after a grace period. Real server on port 0, real files, an injected clock.

import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'
import { createPhotoStore, sha256Hex } from './photo-store.ts'

const DAY = 24 * 60 * 60 * 1000
let clock = Date.UTC(2025, 8, 1)
let s: TestServer
let w: World
beforeAll(async () => {
  s = await startTestServer({ now: () => clock, photoQuota: { perDayCount: 3, perDayBytes: 1_000_000 } })
  w = await makeWorld(s)
})
afterAll(() => s.stop())

let seed = 0
function jpeg(size = 800): Uint8Array<ArrayBuffer> {
  seed++
  const b = new Uint8Array(size).map((_, i) => (i * 13 + seed * 101) & 0xff)
  b.set([0xff, 0xd8, 0xff, 0xe0])
  return b
}
function webp(size = 600): Uint8Array<ArrayBuffer> {
  seed++
  const b = new Uint8Array(size).map((_, i) => (i * 17 + seed) & 0xff)
  b.set(
    [...'RIFF'].map((c) => c.charCodeAt(0)),
    0,
  )
  b.set(
    [...'WEBP'].map((c) => c.charCodeAt(0)),
    8,
  )
  return b
}
const put = (body: Uint8Array<ArrayBuffer>, token: string, query = '', type = 'image/jpeg') =>
  s.api(`/api/photos/${sha256Hex(body)}${query}`, { method: 'PUT', token, headers: { 'content-type': type }, body })
const photoFile = (sha: string) => join(s.dataDir, 'photos', sha.slice(0, 2), sha.slice(2))

describe('photo checks', () => {
  it('HEAD and GET answer photo/not-found when the row is there but the file is gone; a PUT brings it back', async () => {
    const bytes = jpeg()
    const sha = sha256Hex(bytes)
    expect((await put(bytes, w.tokens.admin, '?household=hA1-1')).status).toBe(201)
    rmSync(photoFile(sha))
    expect((await s.api(`/api/photos/${sha}`, { method: 'HEAD', token: w.tokens.admin })).status).toBe(404)
    const get = await s.api(`/api/photos/${sha}`, { token: w.tokens.admin })
    expect(get.status).toBe(404)
    expect(await get.json()).toMatchObject({ code: 'photo/not-found' })
    expect((await put(bytes, w.tokens.admin, '?household=hA1-1')).status).toBe(200)
    expect((await s.api(`/api/photos/${sha}`, { method: 'HEAD', token: w.tokens.admin })).status).toBe(200)
  })

  it('refuses an empty body and bytes that are not the declared image type, storing nothing', async () => {
    const empty = await put(new Uint8Array(0), w.tokens.admin)
    expect(empty.status).toBe(400)
    expect(await empty.json()).toMatchObject({ code: 'photo/empty' })
    const text = new TextEncoder().encode('<script>alert(1)</script>'.repeat(10)) as Uint8Array<ArrayBuffer>
    const notImage = await put(text, w.tokens.admin)
    expect(notImage.status).toBe(415)
    expect(await notImage.json()).toMatchObject({ code: 'photo/not-an-image' })
    expect(existsSync(photoFile(sha256Hex(text)))).toBe(false)
    const jpegAsWebp = await put(jpeg(), w.tokens.admin, '', 'image/webp')
    expect(await jpegAsWebp.json()).toMatchObject({ code: 'photo/not-an-image' })
    expect((await put(webp(), w.tokens.admin, '', 'image/webp')).status).toBe(201)
  })
})

describe('per-user upload cap', () => {
  it('refuses new photos beyond the daily cap with photo/quota-exceeded; re-sends, other users and the next day pass', async () => {
    await s.addUser({ username: 'enum-cap', role: 'enumerator', villages: ['A1'] })
    const token = await s.login('enum-cap')
    const first = jpeg()
    for (const body of [first, jpeg(), jpeg()]) expect((await put(body, token, '?household=hA1-1')).status).toBe(201)
    const over = await put(jpeg(), token, '?household=hA1-1')
    expect(over.status).toBe(429)
    expect(await over.json()).toMatchObject({
      code: 'photo/quota-exceeded',
      details: { perDayCount: 3, used: { count: 3 } },
    })
    expect((await put(first, token, '?household=hA1-1')).status).toBe(200) // a retry of a stored photo is free
    expect((await put(jpeg(), w.tokens.enum, '?household=hA1-1')).status).toBe(201) // another user
    clock += DAY + 1
    expect((await put(jpeg(), token, '?household=hA1-1')).status).toBe(201)
  })

  it('counts bytes too', async () => {
    await s.addUser({ username: 'enum-bytes', role: 'enumerator', villages: ['A1'] })
    const token = await s.login('enum-bytes')
    expect((await put(jpeg(600_000), token)).status).toBe(201)
    expect(await (await put(jpeg(500_000), token)).json()).toMatchObject({ code: 'photo/quota-exceeded' })
  })
})

describe('orphan sweep', () => {
  it('deletes photos linked to no household after the grace period, and stray files; keeps linked and young ones', async () => {
    const store = createPhotoStore(s.db, join(s.dataDir, 'photos'), () => clock)
    const orphan = jpeg()
    const linked = jpeg()
    expect((await put(orphan, w.tokens.admin)).status).toBe(201)
    expect((await put(linked, w.tokens.admin, '?household=hA1-2')).status).toBe(201)
    const stray = join(s.dataDir, 'photos', 'ab', 'c'.repeat(62))
    mkdirSync(join(s.dataDir, 'photos', 'ab'), { recursive: true })
    writeFileSync(stray, 'left by a crash between file and row')
    utimesSync(stray, clock / 1000, clock / 1000)
    clock += 2 * DAY
    const young = jpeg()
    expect((await put(young, w.tokens.admin)).status).toBe(201)

    const due = s.db
      .prepare('SELECT COUNT(*) FROM photos WHERE household_id IS NULL AND created_at < ?')
      .pluck()
      .get(clock - DAY) as number
    expect(due).toBeGreaterThanOrEqual(1)
    expect(store.sweepOrphans(DAY)).toEqual({ rows: due, files: due + 1 })
    expect(store.find(sha256Hex(orphan))).toBeUndefined()
    expect(existsSync(photoFile(sha256Hex(orphan)))).toBe(false)
    expect(existsSync(stray)).toBe(false)
    expect(store.findStored(sha256Hex(linked))).toMatchObject({ householdId: 'hA1-2' })
    expect(store.findStored(sha256Hex(young))).toBeDefined()
    expect(store.sweepOrphans(DAY)).toEqual({ rows: 0, files: 0 })
  })
})
