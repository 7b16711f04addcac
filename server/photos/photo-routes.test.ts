// Photo uploads over real HTTP: hash must match the name (nothing stored otherwise), 2 MiB cap, idempotent PUT,
// atomic file under photos/ab/…, HEAD for "already there", and scoped GET.

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'
import { PHOTO_MAX_BYTES, sha256Hex } from './photo-store.ts'

let s: TestServer
let w: World
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
})
afterAll(() => s.stop())

function jpeg(seed: number, size = 1000): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(size)
  b[0] = 0xff
  b[1] = 0xd8
  b[2] = 0xff
  for (let i = 3; i < size; i++) b[i] = (i * 31 + seed) & 0xff
  return b
}
const put = (sha: string, body: Uint8Array<ArrayBuffer>, token: string, query = '', type = 'image/jpeg') =>
  s.api(`/api/photos/${sha}${query}`, { method: 'PUT', token, headers: { 'content-type': type }, body })

describe('PUT /api/photos/:sha256', () => {
  it('stores the photo atomically under photos/ab/cdef… and answers 201, then 200 with the same result', async () => {
    const bytes = jpeg(1)
    const sha = sha256Hex(bytes)
    const first = await put(sha, bytes, w.tokens.enum, '?household=hA1-1')
    expect(first.status).toBe(201)
    const r1 = await first.json()
    expect(r1).toEqual({ sha256: sha, bytes: 1000, contentType: 'image/jpeg', householdId: 'hA1-1' })
    const file = join(s.dataDir, 'photos', sha.slice(0, 2), sha.slice(2))
    expect(new Uint8Array(readFileSync(file))).toEqual(bytes)
    expect(readdirSync(join(s.dataDir, 'photos', sha.slice(0, 2))).filter((f) => f.endsWith('.tmp'))).toEqual([])
    const second = await put(sha, bytes, w.tokens.enum, '?household=hA1-1')
    expect(second.status).toBe(200)
    expect(await second.json()).toEqual(r1)
  })

  it('refuses a body that does not hash to the name, storing nothing', async () => {
    const bytes = jpeg(2)
    const wrong = sha256Hex(jpeg(3))
    const res = await put(wrong, bytes, w.tokens.enum)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({
      code: 'photo/hash-mismatch',
      details: { expected: wrong, actual: sha256Hex(bytes) },
    })
    expect(existsSync(join(s.dataDir, 'photos', wrong.slice(0, 2), wrong.slice(2)))).toBe(false)
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM photos WHERE sha256 = ?').get(wrong)).toEqual({ n: 0 })
  })

  it('refuses photos above 2 MiB with photo/too-large', async () => {
    const big = jpeg(4, PHOTO_MAX_BYTES + 1)
    const res = await put(sha256Hex(big), big, w.tokens.enum)
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ code: 'photo/too-large' })
  })

  it('refuses other content types, bad names, and households outside the uploader’s scope', async () => {
    const bytes = jpeg(5)
    const sha = sha256Hex(bytes)
    expect(((await (await put(sha, bytes, w.tokens.enum, '', 'image/png')).json()) as { code: string }).code).toBe(
      'photo/unsupported-type',
    )
    expect((await put('ABC', bytes, w.tokens.enum)).status).toBe(400)
    const out = await put(sha, bytes, w.tokens.enum, '?household=hB1-1')
    expect(out.status).toBe(403)
    expect(await out.json()).toMatchObject({ code: 'auth/forbidden' })
  })

  it('observers and supervisors cannot upload', async () => {
    const bytes = jpeg(6)
    for (const token of [w.tokens.obs, w.tokens.sup]) {
      const res = await put(sha256Hex(bytes), bytes, token)
      expect(res.status).toBe(403)
    }
  })
})

describe('GET and HEAD /api/photos/:sha256', () => {
  it('serves the bytes to the uploader and to readers of the household; refuses others', async () => {
    const bytes = jpeg(7)
    const sha = sha256Hex(bytes)
    expect((await put(sha, bytes, w.tokens.enum, '?household=hA1-2')).status).toBe(201)
    const mine = await s.api(`/api/photos/${sha}`, { token: w.tokens.enum })
    expect(mine.status).toBe(200)
    expect(mine.headers.get('content-type')).toBe('image/jpeg')
    expect(new Uint8Array(await mine.arrayBuffer())).toEqual(bytes)
    expect((await s.api(`/api/photos/${sha}`, { token: w.tokens.sup })).status).toBe(200) // same commune
    expect((await s.api(`/api/photos/${sha}`, { token: w.tokens.obs })).status).toBe(200)
    const other = await startOtherEnumerator()
    const res = await s.api(`/api/photos/${sha}`, { token: other })
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'auth/forbidden' })
  })

  it('HEAD tells the client whether to upload', async () => {
    const bytes = jpeg(8)
    const sha = sha256Hex(bytes)
    expect((await s.api(`/api/photos/${sha}`, { method: 'HEAD', token: w.tokens.enum })).status).toBe(404)
    await put(sha, bytes, w.tokens.enum)
    const head = await s.api(`/api/photos/${sha}`, { method: 'HEAD', token: w.tokens.enum })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('1000')
  })

  it('answers photo/not-found for an unknown hash', async () => {
    const res = await s.api(`/api/photos/${'0'.repeat(64)}`, { token: w.tokens.admin })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ code: 'photo/not-found' })
  })
})

let otherToken: string | undefined
async function startOtherEnumerator(): Promise<string> {
  if (!otherToken) {
    await s.addUser({ username: 'enum-b', role: 'enumerator', villages: ['B1'] })
    otherToken = await s.login('enum-b')
  }
  return otherToken
}
