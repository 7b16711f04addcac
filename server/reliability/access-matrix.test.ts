// The access matrix: every role × every HTTP route × every place, generated from the declared policy
// (access-policy.ts) and sent as real requests to the real server; a refused write must leave the database unchanged,
// and a route the app registers that the policy does not name fails until someone declares who may call it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROUTE_POLICY, MIDDLEWARE_PATTERNS, type Grant, type RoutePolicy } from './access-policy.ts'
import {
  HOUSEHOLD_OF,
  makeAccessWorld,
  photoBytes,
  SUBJECTS,
  UNIT_OF,
  type AccessWorld,
  type Place,
  type Subject,
} from './access-world.ts'
import { dbDigest } from './fuzz-support.ts'
import { report, seed } from './long-run.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'

let s: TestServer
let w: AccessWorld

beforeAll(async () => {
  s = await startTestServer({ log: () => {} })
  w = await makeAccessWorld(s)
}, 60_000)
afterAll(() => s.stop())

/** May `subject` do what `grant` allows at `place`? Supervisors' area is their whole commune. */
function expectAllowed(route: RoutePolicy, subject: Subject, place: Place | null): boolean {
  if (route.open) return true
  if (subject === 'signed-out' || subject === 'disabled' || subject === 'expired') return false
  const grant: Grant = route.who[subject]
  if (grant !== 'scope') return grant === 'any'
  if (place === null || place === 'in') return true
  return place === 'village' && subject === 'supervisor'
}

/** Every table but the sessions themselves (each case signs in afresh), as one hash. */
const digest = (): string => dbDigest(s.db, { skip: ['sessions'] })

/** Bodies that pass validation, so the answer is about who asks, not what they sent. */
const VALID_BODY: Record<string, unknown> = {
  return: { comment: 'thiếu ảnh' },
  meeting: { date: '2025-10-01', attendees: 10, agreeing: 8 },
  posting: { from: '2025-10-02' },
  recheck: { comment: 'kiểm tra lại' },
  'recheck-done': { comment: 'đã kiểm tra' },
  approve: { decisionNumber: '12/QĐ', decisionDate: '2025-10-10' },
  admission: { decision: 'approved' },
}

interface Sample {
  path: string
  init: RequestInit
}

/** A request of `route` at `place`: real households, units and photos; names of nothing for admin targets. */
function sample(route: RoutePolicy, place: Place | null): Sample {
  const household = HOUSEHOLD_OF[place ?? 'in']
  const unit = UNIT_OF[place ?? 'in']
  const json: RequestInit = {
    method: route.method,
    headers: { 'content-type': 'application/json' },
    body: '{}',
  }
  const review = /\/review\/([a-z-]+)$|\/(admission)$/.exec(route.path)
  if (review) json.body = JSON.stringify(VALID_BODY[review[1] ?? review[2] ?? ''] ?? {})
  const init = route.method === 'GET' ? { method: 'GET' } : json
  let path = route.path
    .replace('/api/households/:id', `/api/households/${household}`)
    .replace('/api/conflicts/:id', '/api/conflicts/999999')
    .replace('/api/areas/villages/:id', '/api/areas/villages/ZZ-9')
    .replace('/api/periods/:id', '/api/periods/P-none')
    .replace(':username', 'nobody-here')
    .replace(':file{[a-z-]+\\.csv}', 'totals.csv')
  if (route.path === '/*') path = '/'
  if (route.area === 'unit') path += `?unit=${unit}`
  if (route.path === '/api/pins') path += '&bbox=107,16,108,17&zoom=10'
  if (route.path === '/api/lists') path += '&list=poor'
  if (route.path === '/api/register/imports') {
    path += '?period=2025&dryRun=1&name=r.csv'
    if (route.method === 'POST')
      return { path, init: { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b\n' } }
  }
  if (route.path === '/api/photos/:sha256') {
    if (route.method === 'GET') return { path: `/api/photos/${w.photoOf[place ?? 'in']}`, init }
    const { bytes, sha } = photoBytes()
    return {
      path: `/api/photos/${sha}?household=${household}`,
      init: { method: 'PUT', headers: { 'content-type': 'image/jpeg' }, body: bytes },
    }
  }
  return { path, init }
}

function places(route: RoutePolicy): (Place | null)[] {
  if (route.area === 'household') return ['in', 'village', 'commune']
  if (route.area === 'unit') return ['in', 'commune']
  return [null]
}

describe('access matrix', () => {
  it('M1 every route the app registers is in the policy table, and every policy row is a route', () => {
    const declared = new Set(ROUTE_POLICY.map((p) => `${p.method} ${p.path}`))
    const registered = new Set<string>()
    for (const r of s.app.routes) {
      if (r.method === 'ALL' && (MIDDLEWARE_PATTERNS as readonly string[]).includes(r.path)) continue
      // Hono answers HEAD with the GET handler; the client files register both.
      registered.add(`${r.method === 'HEAD' ? 'GET' : r.method} ${r.path}`)
    }
    expect(
      [...registered].filter((k) => !declared.has(k)),
      'routes missing from access-policy.ts',
    ).toEqual([])
    expect(
      [...declared].filter((k) => !registered.has(k)),
      'policy rows with no route',
    ).toEqual([])
  })

  it('M2 every role × route × place gets the declared answer; a refused write changes nothing', async () => {
    const wrong: string[] = []
    let allowed = 0
    let refused = 0
    let writesChecked = 0
    for (const route of ROUTE_POLICY) {
      if (route.kind === 'socket') continue
      for (const subject of SUBJECTS) {
        for (const place of places(route)) {
          const { path, init } = sample(route, place)
          const token = w.token(subject)
          const headers = new Headers(init.headers)
          if (token) headers.set('authorization', `Bearer ${token}`)
          const want = expectAllowed(route, subject, place)
          const before = !want && route.kind === 'write' ? digest() : null
          const res = await fetch(s.url + path, { ...init, headers })
          const text = await res.text()
          const got = res.status === 401 || res.status === 403 || (res.status === 404 && !want) ? 'refused' : 'allowed'
          const label = `${subject} ${route.method} ${path} (${place ?? '-'})`
          if (res.status >= 500) wrong.push(`${label}: ${res.status} ${text.slice(0, 120)}`)
          else if (got !== (want ? 'allowed' : 'refused'))
            wrong.push(`${label}: want ${want ? 'allowed' : 'refused'}, got ${res.status} ${text.slice(0, 120)}`)
          if (before !== null) {
            writesChecked++
            if (digest() !== before) wrong.push(`${label}: refused (${res.status}) but the database changed`)
          }
          if (want) allowed++
          else refused++
        }
      }
    }
    expect(wrong).toEqual([])
    report('access-matrix', seed(), {
      routes: ROUTE_POLICY.length,
      cases: allowed + refused,
      allowed,
      refused,
      refusedWritesChecked: writesChecked,
      unauthorised: wrong.length,
    })
  }, 300_000)

  it('M3 household lists hold only the caller’s area', async () => {
    const visible = async (subject: Subject, query = '') => {
      const res = await s.api(`/api/households?limit=1000${query}`, { token: w.token(subject) })
      const body = (await res.json()) as { households: { id: string }[] }
      return body.households.map((h) => h.id).sort()
    }
    expect(await visible('enumerator')).toEqual(['hA1-1'])
    expect(await visible('enumerator', '&unit=20014&village=B1')).toEqual([])
    expect(await visible('enumerator', '&village=A2')).toEqual([])
    expect((await visible('supervisor')).filter((id) => !id.startsWith('hA'))).toEqual([])
    expect(await visible('supervisor', '&unit=20014')).toEqual([])
  })

  it('M4 a supervisor naming another commune’s records in a body is refused for each of them, nothing changes', async () => {
    const before = digest()
    const verify = await s.api('/api/review/verify', {
      method: 'POST',
      token: w.token('supervisor'),
      json: { ids: [HOUSEHOLD_OF.commune] },
    })
    const { results } = (await verify.json()) as { results: { ok: boolean; code?: string }[] }
    expect(results).toEqual([expect.objectContaining({ ok: false, code: 'auth/forbidden' })])
    const move = await s.api('/api/assignments/move', {
      method: 'POST',
      token: w.token('supervisor'),
      json: { households: [HOUSEHOLD_OF.commune], to: w.ids.enumerator },
    })
    expect(move.status).toBe(403)
    expect(digest()).toBe(before)
  })
})
