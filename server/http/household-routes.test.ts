// Households over real HTTP: scope per role (enumerator villages, supervisor unit, admin/observer all),
// filters, diacritic-free search, cursor paging, 403 auth/forbidden and 404 household/not-found.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { addDocHousehold, makeWorld, type World } from '../test-support/world.ts'

let s: TestServer
let w: World
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
})
afterAll(() => s.stop())

async function ids(path: string, token: string): Promise<string[]> {
  const res = await s.api(path, { token })
  expect(res.status, path).toBe(200)
  return ((await res.json()) as { households: { id: string }[] }).households.map((h) => h.id)
}

describe('GET /api/households', () => {
  it('scopes the list: enumerator to assigned villages, supervisor to the unit, admin and observer to all', async () => {
    expect(await ids('/api/households', w.tokens.enum)).toEqual(['hA1-1', 'hA1-2', 'hA1-3'])
    expect(await ids('/api/households', w.tokens.sup)).toEqual(['hA1-1', 'hA1-2', 'hA1-3', 'hA2-1'])
    expect(await ids('/api/households', w.tokens.admin)).toHaveLength(5)
    expect(await ids('/api/households', w.tokens.obs)).toHaveLength(5)
  })

  it('filters by village and status within scope', async () => {
    expect(await ids('/api/households?village=A2', w.tokens.sup)).toEqual(['hA2-1'])
    expect(await ids('/api/households?village=B1', w.tokens.enum)).toEqual([])
    expect(await ids('/api/households?status=submitted', w.tokens.admin)).toEqual(['hA1-3'])
    expect(await ids('/api/households?period=2024', w.tokens.admin)).toEqual([])
  })

  it('searches head name and address ignoring diacritics', async () => {
    expect(await ids('/api/households?q=nguyen%20huu%20phong', w.tokens.admin)).toEqual(['hA1-1'])
    expect(await ids(`/api/households?q=${encodeURIComponent('ĐỨC')}`, w.tokens.admin)).toEqual(['hA1-3'])
    expect(await ids('/api/households?q=thon%20b1', w.tokens.admin)).toEqual(['hB1-1'])
    expect(await ids('/api/households?q=100%25', w.tokens.admin)).toEqual([])
  })

  it('pages with limit and cursor', async () => {
    const first = await s.api('/api/households?limit=2', { token: w.tokens.admin })
    const p1 = (await first.json()) as { households: { id: string }[]; nextCursor: string | null }
    expect(p1.households.map((h) => h.id)).toEqual(['hA1-1', 'hA1-2'])
    expect(p1.nextCursor).toBe('hA1-2')
    const p2 = (await (
      await s.api(`/api/households?limit=2&cursor=${p1.nextCursor}`, { token: w.tokens.admin })
    ).json()) as {
      households: { id: string }[]
      nextCursor: string | null
    }
    expect(p2.households.map((h) => h.id)).toEqual(['hA1-3', 'hA2-1'])
    const p3 = (await (
      await s.api(`/api/households?limit=2&cursor=${p2.nextCursor}`, { token: w.tokens.admin })
    ).json()) as {
      nextCursor: string | null
    }
    expect(p3.nextCursor).toBeNull()
  })

  it('rejects a bad limit as request/invalid naming the field', async () => {
    const res = await s.api('/api/households?limit=0', { token: w.tokens.admin })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'request/invalid', details: { issues: [{ path: ['limit'] }] } })
  })
})

describe('GET /api/households/:id', () => {
  it('returns the summary row to a reader in scope', async () => {
    const res = await s.api('/api/households/hA1-1', { token: w.tokens.enum })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      household: expect.objectContaining({
        id: 'hA1-1',
        headName: 'Nguyễn Hữu Phong',
        villageId: 'A1',
        unitCode: '19900',
        status: 'in_progress',
      }),
    })
  })

  it('enumerator cannot read a household outside the assigned villages: 403 auth/forbidden', async () => {
    const res = await s.api('/api/households/hA2-1', { token: w.tokens.enum })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ code: 'auth/forbidden', message: expect.any(String), details: { id: 'hA2-1' } })
  })

  it('supervisor is scoped to the own commune', async () => {
    expect((await s.api('/api/households/hA2-1', { token: w.tokens.sup })).status).toBe(200)
    expect((await s.api('/api/households/hB1-1', { token: w.tokens.sup })).status).toBe(403)
  })

  it('answers household/not-found for an unknown id', async () => {
    const res = await s.api('/api/households/nope', { token: w.tokens.admin })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ code: 'household/not-found' })
  })
})

describe('places', () => {
  it('GET /api/villages is scoped; /api/units lists the 40 units; /api/periods the current period', async () => {
    const v = (await (await s.api('/api/villages', { token: w.tokens.enum })).json()) as {
      villages: { id: string; householdCount: number }[]
    }
    expect(v.villages).toEqual([{ id: 'A1', unitCode: '19900', name: 'Thôn A1', householdCount: 3 }])
    const sv = (await (await s.api('/api/villages', { token: w.tokens.sup })).json()) as { villages: { id: string }[] }
    expect(sv.villages.map((x) => x.id)).toEqual(['A1', 'A2'])
    const u = (await (await s.api('/api/units', { token: w.tokens.obs })).json()) as { units: { kind: string }[] }
    expect(u.units).toHaveLength(40)
    expect(new Set(u.units.map((x) => x.kind))).toEqual(new Set(['phuong', 'xa']))
    const p = await (await s.api('/api/periods', { token: w.tokens.obs })).json()
    expect(p).toEqual({
      periods: [
        {
          id: '2025',
          standard: 'ND07_2022_2025',
          referenceDate: '2025-09-01',
          isCurrent: true,
          status: 'open',
          previousId: null,
          openedAt: null,
          closedAt: null,
        },
      ],
    })
  })
})

describe('GET /api/households/:id/state', () => {
  beforeAll(() => {
    addDocHousehold(s, { id: 'hA1-doc', unitCode: '19900', villageId: 'A1', headName: 'Phan Văn Tài' })
    addDocHousehold(s, { id: 'hB1-doc', unitCode: '20014', villageId: 'B1' })
  })

  async function state(id: string, token: string): Promise<Response> {
    return s.api(`/api/households/${id}/state`, { token })
  }

  it('answers the committed document as Yjs update bytes to supervisor, admin and observer in scope', async () => {
    for (const token of [w.tokens.sup, w.tokens.admin, w.tokens.obs]) {
      const res = await state('hA1-doc', token)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/octet-stream')
      expect(res.headers.get('cache-control')).toBe('no-store')
      const doc = HouseholdDoc.load(new Uint8Array(await res.arrayBuffer()))
      expect(doc.id).toBe('hA1-doc')
      expect(doc.read().household.members.find((m) => m.relation === 'head')?.fullName).toBe('Phan Văn Tài')
    }
  })

  it('is scope-checked: a supervisor outside the commune and an enumerator outside the villages get 403 auth/forbidden', async () => {
    const sup = await state('hB1-doc', w.tokens.sup)
    expect(sup.status).toBe(403)
    expect(await sup.json()).toMatchObject({ code: 'auth/forbidden', details: { id: 'hB1-doc' } })
    expect((await state('hA2-1', w.tokens.enum)).status).toBe(403)
  })

  it('needs a session and a known household', async () => {
    expect((await state('hA1-doc', '')).status).toBe(401)
    for (const id of ['nope', 'hA1-1']) {
      // hA1-1 has a summary row but no stored document
      const res = await state(id, w.tokens.admin)
      expect(res.status).toBe(404)
      expect(await res.json()).toMatchObject({ code: 'household/not-found' })
    }
  })
})
