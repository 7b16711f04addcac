// Photo uploads never name a household outside the uploader's area, even when the same bytes are already stored
// for one (content addressing makes the row shared). Real server on port 0, real SQLite file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'
import { sha256Hex } from './photo-store.ts'

let s: TestServer
let w: World
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
})
afterAll(() => s.stop())

const put = (sha: string, body: Uint8Array<ArrayBuffer>, token: string, query: string) =>
  s.api(`/api/photos/${sha}${query}`, { method: 'PUT', token, headers: { 'content-type': 'image/jpeg' }, body })

describe('PUT /api/photos/:sha256 scope', () => {
  it('a re-upload of bytes linked to a household in another area answers without that household id', async () => {
    const bytes = new Uint8Array(500)
    bytes.set([0xff, 0xd8, 0xff, 7, 7])
    const sha = sha256Hex(bytes)
    const byAdmin = await put(sha, bytes, w.tokens.admin, '?household=hB1-1')
    expect(byAdmin.status).toBe(201)
    const byEnum = await put(sha, bytes, w.tokens.enum, '?household=hA1-2')
    expect(byEnum.status).toBe(200)
    const body = (await byEnum.json()) as { householdId: string | null }
    expect(body.householdId).not.toBe('hB1-1')
    expect(JSON.stringify(body)).not.toContain('hB1')
  })
})
