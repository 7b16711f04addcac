// Map pins over real HTTP: clusters below zoom 15 with per-status counts, individual pins from 15, scoped per role.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'

let s: TestServer
let w: World
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
})
afterAll(() => s.stop())

const HUE = 'bbox=107.5,16.4,107.65,16.5'

describe('GET /api/pins', () => {
  it('returns grid clusters below zoom 15, with counts by status', async () => {
    const res = await s.api(`/api/pins?${HUE}&zoom=12`, { token: w.tokens.admin })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { clusters: { count: number; byStatus: Record<string, number>; lat: number; lng: number }[] }
    expect(body.clusters.reduce((n, c) => n + c.count, 0)).toBe(5)
    // The three A1 households are ~15 m apart: one cluster.
    const big = body.clusters[0]
    expect(big).toMatchObject({ count: 3, byStatus: { in_progress: 1, listed: 1, submitted: 1 } })
    expect(big?.lat).toBeCloseTo(16.4501, 4)
    expect(body).not.toHaveProperty('pins')
  })

  it('returns individual pins from zoom 15', async () => {
    const res = await s.api(`/api/pins?${HUE}&zoom=16`, { token: w.tokens.admin })
    const body = (await res.json()) as { pins: { id: string; accuracyM: number }[]; truncated: boolean }
    expect(body.pins.map((p) => p.id)).toEqual(['hA1-1', 'hA1-2', 'hA1-3', 'hA2-1', 'hB1-1'])
    expect(body.pins[0]).toEqual({ id: 'hA1-1', lat: 16.45, lng: 107.6, status: 'in_progress', category: 'poor', accuracyM: 8 })
    expect(body.truncated).toBe(false)
  })

  it('scopes pins and clusters to the user and the box', async () => {
    const e = (await (await s.api(`/api/pins?${HUE}&zoom=16`, { token: w.tokens.enum })).json()) as { pins: { id: string }[] }
    expect(e.pins.map((p) => p.id)).toEqual(['hA1-1', 'hA1-2', 'hA1-3'])
    const sup = (await (await s.api(`/api/pins?${HUE}&zoom=10`, { token: w.tokens.sup })).json()) as { clusters: { count: number }[] }
    expect(sup.clusters.reduce((n, c) => n + c.count, 0)).toBe(4)
    const small = (await (await s.api('/api/pins?bbox=107.62,16.41,107.64,16.43&zoom=17', { token: w.tokens.admin })).json()) as {
      pins: { id: string }[]
    }
    expect(small.pins.map((p) => p.id)).toEqual(['hB1-1'])
  })

  it('rejects a malformed bbox', async () => {
    for (const q of ['bbox=1,2,3&zoom=3', 'bbox=107.7,16.4,107.5,16.5&zoom=3', 'zoom=3', `${HUE}&zoom=40`]) {
      const res = await s.api(`/api/pins?${q}`, { token: w.tokens.admin })
      expect(res.status, q).toBe(400)
      expect(((await res.json()) as { code: string }).code).toBe('request/invalid')
    }
  })
})
