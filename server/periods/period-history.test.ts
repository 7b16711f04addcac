// A household's records across three review periods on the real server: 2025 (poor) is carried into 2026, surveyed and
// certified there, carried into 2027 under ND351; GET /api/households/:id/periods answers the whole chain from any of
// its records, in period order, with standard, category, status and whether the record was certified.
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { User } from '../auth/access.ts'
import { callApi, exampleInit, seedExample } from '../test-support/period-fixtures.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'

let server: RelayTestServer
let admin: { user: User; token: string }

beforeEach(async () => {
  server = await startRelayServer()
  seedExample(server, 'poor', 'h-2025', 'vp')
  admin = await server.addUser('admin', 'admin')
})
afterEach(() => server.stop())

const api = (path: string, token: string, body?: unknown) => callApi(server.url, path, token, body)

const successor = (id: string): string =>
  server.db.prepare('SELECT id FROM households WHERE previous_id = ?').pluck().get(id) as string

it('PH1 the chain through previous_id both ways, across three periods', async () => {
  expect(
    (await api('/api/periods', admin.token, { id: '2026', standard: 'ND07_2022_2025', referenceDate: '2026-09-01' }))
      .status,
  ).toBe(201)
  const h2026 = successor('h-2025')
  // The 2026 record is surveyed again (the same household, the same members) and certified.
  const surveyed = await server.relay.serverEdit(h2026, admin.user, (doc) =>
    doc.importHousehold(
      { ...exampleInit('poor', h2026, 'vp', '2026'), referenceDate: '2026-09-01', status: 'certified' },
      { kind: 'import' },
    ),
  )
  expect(surveyed.ok).toBe(true)
  expect(server.db.prepare('SELECT category, status FROM households WHERE id = ?').get(h2026)).toEqual({
    category: 'poor',
    status: 'certified',
  })
  const opened = await api('/api/periods', admin.token, {
    id: '2027',
    standard: 'ND351_2027_2030',
    referenceDate: '2027-09-01',
    from: '2026',
  })
  expect(opened.json).toMatchObject({ carried: 1, period: { previousId: '2026' } })
  const h2027 = successor(h2026)

  const chain = [
    {
      period: '2025',
      id: 'h-2025',
      standard: 'ND07_2022_2025',
      category: 'poor',
      status: 'submitted',
      certified: false,
    },
    { period: '2026', id: h2026, standard: 'ND07_2022_2025', category: 'poor', status: 'certified', certified: true },
    {
      period: '2027',
      id: h2027,
      standard: 'ND351_2027_2030',
      category: 'incomplete',
      status: 'listed',
      certified: false,
    },
  ]
  const from = (id: string) => api(`/api/households/${id}/periods`, admin.token)
  expect((await from('h-2025')).json.records).toEqual(chain.map((r, i) => ({ ...r, offset: i })))
  expect((await from(h2026)).json.records).toEqual(chain.map((r, i) => ({ ...r, offset: i - 1 })))
  expect((await from(h2027)).json.records).toEqual(chain.map((r, i) => ({ ...r, offset: i - 2 })))

  // Scope: an enumerator of the village reads it; one of another village is refused; an unknown id is not found.
  server.addVillage('vz')
  const inVillage = await server.addUser('enum-p', 'enumerator', { villages: ['vp'] })
  const elsewhere = await server.addUser('enum-z', 'enumerator', { villages: ['vz'] })
  expect((await api(`/api/households/${h2026}/periods`, inVillage.token)).json.records).toHaveLength(3)
  expect(await api(`/api/households/${h2026}/periods`, elsewhere.token)).toMatchObject({
    status: 403,
    json: { code: 'auth/forbidden' },
  })
  expect(await api('/api/households/nope/periods', admin.token)).toMatchObject({
    status: 404,
    json: { code: 'household/not-found' },
  })
})
