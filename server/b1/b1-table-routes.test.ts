// /api/b1-tables over real HTTP on a real database: an admin loads a Phiếu B1 point table (audited), everyone signed in
// reads the active ones, an enumerator may not load, a bad file is refused whole with its JSON paths and changes nothing,
// and a new load for the same standard and area type replaces the active table while the old one stays as history.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testB1Table } from '../../shared/test-support/b1-tables.ts'
import type { B1Table } from '../../shared/rules/b1-table.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'
import type { B1TableRow } from './b1-table-store.ts'

let s: TestServer
let w: World
let t = Date.parse('2026-11-20T08:00:00Z')
beforeAll(async () => {
  s = await startTestServer({ now: () => t })
  w = await makeWorld(s)
})
afterAll(() => s.stop())

type Listing = { active: B1Table[]; loads: B1TableRow[] }
const list = async (token = w.tokens.admin): Promise<Listing> => {
  const res = await s.api('/api/b1-tables', { token })
  expect(res.status).toBe(200)
  return (await res.json()) as Listing
}
const load = (json: unknown, token = w.tokens.admin) => s.api('/api/b1-tables', { method: 'POST', token, json })

describe('/api/b1-tables', () => {
  it('an admin loads a table: it is active for everyone signed in, and the load is audited', async () => {
    const table = testB1Table()
    const res = await load(table)
    expect(res.status).toBe(201)
    const body = (await res.json()) as { row: B1TableRow; replaced: B1TableRow | null }
    expect(body.row).toMatchObject({
      standard: 'ND07_2022_2025',
      areaType: 'rural',
      version: 'test-1',
      active: true,
      loadedBy: { id: w.ids.admin, username: 'admin' },
      loadedAt: t,
    })
    expect(body.replaced).toBeNull()
    for (const token of [w.tokens.enum, w.tokens.sup, w.tokens.obs, w.tokens.admin])
      expect((await list(token)).active).toEqual([table])
    // the load history (with the admin's username) is for the console's roles, not for phones
    expect((await list(w.tokens.enum)).loads).toEqual([])
    expect((await list(w.tokens.obs)).loads).toHaveLength(1)
    const audit = await s.api('/api/audit?action=b1-table-load', { token: w.tokens.admin })
    const entries = ((await audit.json()) as { entries: { target: string; details: Record<string, unknown> }[] })
      .entries
    expect(entries).toEqual([
      expect.objectContaining({
        target: 'ND07_2022_2025/rural',
        details: { version: 'test-1', replacedVersion: null, id: body.row.id },
      }),
    ])
  })

  it('signed out: 401; enumerator, supervisor and observer may not load (403), nothing changes', async () => {
    expect((await s.api('/api/b1-tables')).status).toBe(401)
    const before = await list()
    for (const token of [w.tokens.enum, w.tokens.sup, w.tokens.obs]) {
      const res = await load(testB1Table({ version: 'sneaky' }), token)
      expect(res.status).toBe(403)
      expect(((await res.json()) as { code: string }).code).toBe('auth/forbidden')
    }
    expect(await list()).toEqual(before)
  })

  it('a bad file is refused with 422 b1-table/invalid listing every error path, and nothing changes', async () => {
    const before = await list()
    const bad = JSON.parse(JSON.stringify(testB1Table({ version: 'bad' }))) as Record<string, unknown> & {
      items: { id: string; options?: Record<string, unknown>[] }[]
    }
    bad.items[2]!.id = 'floor'
    delete bad.items[1]!.options![0]!['points']
    bad['cutoffs'] = { poorAtOrBelow: 200, nearPoorAtOrBelow: 100 }
    const res = await load(bad)
    expect(res.status).toBe(422)
    const body = (await res.json()) as { code: string; details: { errors: { path: string; code: string }[] } }
    expect(body.code).toBe('b1-table/invalid')
    expect(body.details.errors).toEqual([
      expect.objectContaining({ path: '$.items[1].options[0].points', code: 'b1-table/invalid' }),
    ])
    // once the shape is right, the remaining errors are all reported together
    bad.items[1]!.options![0]!['points'] = 0
    const res2 = await load(bad)
    const body2 = (await res2.json()) as { details: { errors: { path: string; code: string }[] } }
    expect(body2.details.errors.map((e) => [e.path, e.code])).toEqual([
      ['$.items[2].id', 'b1-table/duplicate-item'],
      ['$.cutoffs', 'b1-table/cutoffs-out-of-order'],
    ])
    expect((await load('not a table')).status).toBe(422)
    expect(await list()).toEqual(before)
  })

  it('a new load for the same standard and area type replaces the active table; the old one is kept as history', async () => {
    t += 60_000
    const urban = testB1Table({ version: 'urban-1' }, 'urban')
    expect((await load(urban)).status).toBe(201)
    const next = testB1Table({ version: 'test-2', cutoffs: { poorAtOrBelow: 100, nearPoorAtOrBelow: 130 } })
    const res = await load(next)
    expect(res.status).toBe(201)
    expect(((await res.json()) as { replaced: B1TableRow }).replaced).toMatchObject({
      version: 'test-1',
      active: false,
    })
    const after = await list()
    expect(after.active.map((x) => x.version).sort()).toEqual(['test-2', 'urban-1'])
    expect(after.loads.map((r) => [r.version, r.active])).toEqual([
      ['test-2', true],
      ['urban-1', true],
      ['test-1', false],
    ])
  })
})
