// GET /api/map: the console's map learns the tile URL from the server's configuration (TILE_URL), or null, and the
// CSP lets images come from that host only.
import { afterAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test-support/server.ts'

const servers: TestServer[] = []
afterAll(async () => {
  for (const s of servers) await s.stop()
})

describe('GET /api/map', () => {
  it('answers the configured tile URL, null without one, and the CSP allows that tile host', async () => {
    const none = await startTestServer()
    servers.push(none)
    expect(await (await none.api('/api/map')).json()).toEqual({ tileUrl: null })

    const url = 'https://{s}.tile.example.org/{z}/{x}/{y}.png'
    const tiles = await startTestServer({ tileUrl: url })
    servers.push(tiles)
    const res = await tiles.api('/api/map')
    expect(await res.json()).toEqual({ tileUrl: url })
    expect(res.headers.get('content-security-policy')).toContain('https://*.tile.example.org')
  })
})
