// Conflicts and field history over real HTTP, on households stored as real Yjs documents: listing scoped by role,
// admin-only resolution through the relay (observer refused), already-resolved and not-found codes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { addDocHousehold, makeWorld, type World } from '../test-support/world.ts'

let s: TestServer
let w: World
let conflictId: number
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
  addDocHousehold(s, { id: 'doc-A1', unitCode: '19900', villageId: 'A1', headName: 'Hồ Thị Mai' })
  addDocHousehold(s, { id: 'doc-B1', unitCode: '20014', villageId: 'B1' })
  // Two devices wrote the address without seeing each other's write (as the relay records it).
  const insert = s.db.prepare(
    `INSERT INTO conflicts (household_id, path, base_json, candidates_json, kept_json, status, created_at)
     VALUES (?, 'address', '"12 Lê Lợi"', ?, '"14 Lê Lợi"', 'open', 1)`,
  )
  const candidates = JSON.stringify([
    { value: '14 Lê Lợi', clientId: 11, userId: w.ids.enum, deviceId: 'd1', at: 1 },
    { value: '16 Lê Lợi', clientId: 12, userId: w.ids.admin, deviceId: 'd2', at: 2 },
  ])
  conflictId = Number(insert.run('doc-A1', candidates).lastInsertRowid)
  insert.run('doc-B1', candidates)
})
afterAll(() => s.stop())

describe('GET /api/conflicts', () => {
  it('admins and observers see all open conflicts; supervisors their unit; enumerators none', async () => {
    const list = async (token: string) =>
      (
        (await (await s.api('/api/conflicts?status=open', { token })).json()) as {
          conflicts: { householdId: string }[]
        }
      ).conflicts.map((c) => c.householdId)
    expect((await list(w.tokens.admin)).sort()).toEqual(['doc-A1', 'doc-B1'])
    expect((await list(w.tokens.obs)).sort()).toEqual(['doc-A1', 'doc-B1'])
    expect(await list(w.tokens.sup)).toEqual(['doc-A1'])
    expect((await s.api('/api/conflicts', { token: w.tokens.enum })).status).toBe(403)
  })

  it('returns candidates, kept value and the household head', async () => {
    const body = (await (await s.api('/api/conflicts?household=doc-A1', { token: w.tokens.admin })).json()) as {
      conflicts: Record<string, unknown>[]
    }
    expect(body.conflicts[0]).toMatchObject({
      id: conflictId,
      path: 'address',
      base: '12 Lê Lợi',
      kept: '14 Lê Lợi',
      status: 'open',
      headName: 'Hồ Thị Mai',
      candidates: [expect.objectContaining({ value: '14 Lê Lợi' }), expect.objectContaining({ value: '16 Lê Lợi' })],
    })
  })
})

describe('POST /api/conflicts/:id/resolve', () => {
  it('observer and supervisor cannot resolve (auth/forbidden)', async () => {
    for (const token of [w.tokens.obs, w.tokens.sup]) {
      const res = await s.api(`/api/conflicts/${conflictId}/resolve`, { method: 'POST', token, json: { candidate: 1 } })
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({ code: 'auth/forbidden' })
    }
  })

  it('admin resolves by candidate: the value is written into the document and the conflict closes', async () => {
    const res = await s.api(`/api/conflicts/${conflictId}/resolve`, {
      method: 'POST',
      token: w.tokens.admin,
      json: { candidate: 1 },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      conflict: { status: string; resolution: unknown; resolvedBy: string }
      serverSeq: number
    }
    expect(body.conflict).toMatchObject({ status: 'resolved', resolution: '16 Lê Lợi', resolvedBy: w.ids.admin })
    expect(body.serverSeq).toBeGreaterThan(1)
    const h = (await (await s.api('/api/households/doc-A1', { token: w.tokens.admin })).json()) as {
      household: { address: string }
    }
    expect(h.household.address).toBe('16 Lê Lợi')
    const audit = (await (await s.api('/api/audit?action=conflict-resolved', { token: w.tokens.admin })).json()) as {
      entries: unknown[]
    }
    expect(audit.entries).toMatchObject([
      { username: 'admin', target: String(conflictId), details: { householdId: 'doc-A1', path: 'address' } },
    ])
  })

  it('answers conflict/already-resolved, conflict/not-found, and request/invalid for a bad choice', async () => {
    const again = await s.api(`/api/conflicts/${conflictId}/resolve`, {
      method: 'POST',
      token: w.tokens.admin,
      json: { value: 'x' },
    })
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ code: 'conflict/already-resolved' })
    const missing = await s.api('/api/conflicts/99999/resolve', {
      method: 'POST',
      token: w.tokens.admin,
      json: { candidate: 0 },
    })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ code: 'conflict/not-found' })
    const bad = await s.api(`/api/conflicts/${conflictId + 1}/resolve`, {
      method: 'POST',
      token: w.tokens.admin,
      json: { candidate: 7 },
    })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ code: 'request/invalid' })
    const shape = await s.api(`/api/conflicts/${conflictId + 1}/resolve`, {
      method: 'POST',
      token: w.tokens.admin,
      json: { pick: 1 },
    })
    expect(shape.status).toBe(400)
  })
})

describe('GET /api/households/:id/history', () => {
  it('lists the values written to the household (here: the resolution by the admin), filterable by path', async () => {
    const res = await s.api('/api/households/doc-A1/history', { token: w.tokens.enum })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      history: { path: string; value: unknown; userId: string; username: string | null }[]
    }
    expect(body.history).toContainEqual(
      expect.objectContaining({ path: 'address', value: '16 Lê Lợi', userId: w.ids.admin, username: 'admin' }),
    )
    const byPath = (await (
      await s.api('/api/households/doc-A1/history?path=nope', { token: w.tokens.enum })
    ).json()) as {
      history: unknown[]
    }
    expect(byPath.history).toEqual([])
  })

  it('is scoped like the household', async () => {
    const res = await s.api('/api/households/doc-B1/history', { token: w.tokens.enum })
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'auth/forbidden' })
  })
})
