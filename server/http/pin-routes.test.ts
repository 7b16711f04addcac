// Map pins over real HTTP: supercluster clusters with counts by status and category below zoom 19, single pins from
// 19, filters by village, enumerator, status and category, scoped per role.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PIN_REQUEST_RATE } from './pin-routes.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'

let s: TestServer
let w: World
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
  s.db.prepare("UPDATE households SET flags = 'low-accuracy,moved', last_editor = ? WHERE id = 'hA1-1'").run(w.ids.enum)
})
afterAll(() => s.stop())

const HUE = 'bbox=107.5,16.4,107.65,16.5'
interface Answer {
  clusters: {
    id: string
    count: number
    byStatus: Record<string, number>
    byCategory: Record<string, number>
    lat: number
    lng: number
  }[]
  pins: { id: string; status: string; village: string; flags: string[] }[]
  truncated: boolean
}
async function pins(query: string, token: string): Promise<Answer> {
  const res = await s.api(`/api/pins?${query}`, { token })
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as Answer
}
const total = (a: Answer) => a.clusters.reduce((n, c) => n + c.count, 0) + a.pins.length

describe('GET /api/pins', () => {
  it('clusters nearby households at city zoom, with counts by status and by category', async () => {
    const body = await pins(`${HUE}&zoom=12`, w.tokens.admin)
    expect(total(body)).toBe(5)
    // The three A1 households are ~15 m apart: one cluster; A2 and B1 are kilometres away: single pins.
    expect(body.clusters).toHaveLength(1)
    expect(body.clusters[0]).toMatchObject({
      count: 3,
      byStatus: { in_progress: 1, listed: 1, submitted: 1 },
      byCategory: { poor: 3 },
    })
    expect(body.clusters[0]?.lat).toBeCloseTo(16.4501, 3)
    expect(body.pins.map((p) => p.id)).toEqual(['hA2-1', 'hB1-1'])
  })

  it('returns every household as a pin from zoom 19, with village, editor, accuracy and flags', async () => {
    const body = await pins(`${HUE}&zoom=19`, w.tokens.admin)
    expect(body.clusters).toEqual([])
    expect(body.pins.map((p) => p.id)).toEqual(['hA1-1', 'hA1-2', 'hA1-3', 'hA2-1', 'hB1-1'])
    expect(body.pins[0]).toEqual({
      id: 'hA1-1',
      unit: '19900',
      village: 'A1',
      lat: 16.45,
      lng: 107.6,
      status: 'in_progress',
      category: 'poor',
      accuracyM: 8,
      editor: w.ids.enum,
      flags: ['low-accuracy', 'moved'],
    })
    expect(body.truncated).toBe(false)
  })

  it('filters by village, status, category and enumerator', async () => {
    expect((await pins(`${HUE}&zoom=19&village=A2,B1`, w.tokens.admin)).pins.map((p) => p.id)).toEqual([
      'hA2-1',
      'hB1-1',
    ])
    expect((await pins(`${HUE}&zoom=19&status=submitted,in_progress`, w.tokens.admin)).pins.map((p) => p.id)).toEqual([
      'hA1-1',
      'hA1-3',
    ])
    expect((await pins(`${HUE}&zoom=19&category=near_poor`, w.tokens.admin)).pins).toEqual([])
    expect((await pins(`${HUE}&zoom=19&enumerator=${w.ids.enum}`, w.tokens.sup)).pins.map((p) => p.id)).toEqual([
      'hA1-1',
      'hA1-2',
      'hA1-3',
    ])
    const clustered = await pins(`${HUE}&zoom=12&status=listed,submitted`, w.tokens.admin)
    expect(clustered.clusters[0]).toMatchObject({ count: 2, byStatus: { listed: 1, submitted: 1 } })
  })

  it('scopes pins and clusters to the user and the box: supervisor their unit, observer all, enumerator refused', async () => {
    for (const q of [`${HUE}&zoom=19`, `${HUE}&zoom=19&village=A2,B1`]) {
      const res = await s.api(`/api/pins?${q}`, { token: w.tokens.enum })
      expect(res.status).toBe(403)
      expect(((await res.json()) as { code: string }).code).toBe('auth/forbidden')
    }
    expect(total(await pins(`${HUE}&zoom=10`, w.tokens.sup))).toBe(4)
    expect(total(await pins(`${HUE}&zoom=10`, w.tokens.obs))).toBe(5)
    expect((await pins('bbox=107.62,16.41,107.64,16.43&zoom=19', w.tokens.admin)).pins.map((p) => p.id)).toEqual([
      'hB1-1',
    ])
    const other = await s.api(`/api/pins?${HUE}&zoom=12&unit=20014`, { token: w.tokens.sup })
    expect(other.status).toBe(403)
    expect(((await other.json()) as { code: string }).code).toBe('auth/forbidden')
    expect((await s.api(`/api/pins?${HUE}&zoom=12`)).status).toBe(401)
  })

  it('keeps only units with pins in memory: made-up periods and unit codes do not grow the cache', async () => {
    await pins(`${HUE}&zoom=12`, w.tokens.admin)
    const held = s.feed.pins.loadedUnits()
    expect(held).toBe(2)
    for (let i = 0; i < 20; i++) {
      expect(total(await pins(`${HUE}&zoom=12&period=p${i}`, w.tokens.obs))).toBe(0)
      expect(total(await pins(`${HUE}&zoom=12&unit=u${i}`, w.tokens.admin))).toBe(0)
    }
    expect(s.feed.pins.loadedUnits()).toBe(held)
  })

  it('limits map requests per user (each may build indexes): beyond the burst 429 rate/limited, again after a second', async () => {
    let t = 1_000_000
    const frozen = await startTestServer({ now: () => t })
    try {
      const fw = await makeWorld(frozen)
      const ask = () => frozen.api(`/api/pins?${HUE}&zoom=12`, { token: fw.tokens.sup })
      for (let i = 0; i < PIN_REQUEST_RATE.burst; i++) expect((await ask()).status).toBe(200)
      const refused = await ask()
      expect(refused.status).toBe(429)
      expect(refused.headers.get('retry-after')).toBe('1')
      expect(((await refused.json()) as { code: string }).code).toBe('rate/limited')
      // Another user's budget is their own.
      expect((await frozen.api(`/api/pins?${HUE}&zoom=12`, { token: fw.tokens.admin })).status).toBe(200)
      t += 1000
      expect((await ask()).status).toBe(200)
    } finally {
      await frozen.stop()
    }
  })

  it('rejects a malformed bbox or filter', async () => {
    for (const q of [
      'bbox=1,2,3&zoom=3',
      'bbox=107.7,16.4,107.5,16.5&zoom=3',
      'zoom=3',
      `${HUE}&zoom=40`,
      `${HUE}&zoom=12&status=lost`,
      `${HUE}&zoom=12&category=rich`,
    ]) {
      const res = await s.api(`/api/pins?${q}`, { token: w.tokens.admin })
      expect(res.status, q).toBe(400)
      expect(((await res.json()) as { code: string }).code).toBe('request/invalid')
    }
  })
})
