// The report over real HTTP on a real server and SQLite file: every figure of every table per village, commune and
// city against a dataset known by construction, a commit through the writer changing it, frozen closed periods, and
// who may see what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { seedReportWorld } from './report-fixture.ts'
import { sum, VILLAGE_A, VILLAGE_B, VILLAGE_C, type Expected } from './report-expected.ts'
import type { Report } from './report.ts'
import type { ReportTable } from './report-tables.ts'

let s: TestServer
let clock = Date.UTC(2025, 9, 1, 8)
const tokens = { sup: '', supOther: '', admin: '', obs: '', enum: '' }

beforeAll(async () => {
  s = await startTestServer({ now: () => clock })
  seedReportWorld(s)
  await s.addUser({ username: 'sup', role: 'supervisor', unitCode: '19900' })
  await s.addUser({ username: 'sup2', role: 'supervisor', unitCode: '20014' })
  await s.addUser({ username: 'admin', role: 'admin' })
  await s.addUser({ username: 'obs', role: 'observer' })
  await s.addUser({ username: 'enum', role: 'enumerator', villages: ['A'] })
  tokens.sup = await s.login('sup')
  tokens.supOther = await s.login('sup2')
  tokens.admin = await s.login('admin')
  tokens.obs = await s.login('obs')
  tokens.enum = await s.login('enum')
})
afterAll(() => s.stop())

async function report(query: string, token = tokens.admin): Promise<Report> {
  const res = await s.api(`/api/reports${query}`, { token })
  expect(res.status).toBe(200)
  return (await res.json()) as Report
}

/** Every value of `row` in every table equals the expected (unnamed columns are 0). */
function expectRow(tables: ReportTable[], pick: (t: ReportTable) => number[], expected: Expected, what: string): void {
  for (const t of tables) {
    const want = t.columns.map((c) => expected[t.id]?.[c.key] ?? 0)
    const got = Object.fromEntries(t.columns.map((c, i) => [c.key, pick(t)[i]]))
    expect(got, `${what} / ${t.id}`).toEqual(Object.fromEntries(t.columns.map((c, i) => [c.key, want[i]])))
  }
}
const rowOf = (area: string) => (t: ReportTable) => t.rows.find((r) => r.area === area)?.values ?? []
const totalOf = (t: ReportTable) => t.total.values

describe('GET /api/reports — figures by construction', () => {
  it('commune: each village row and the commune total, in every table; live as of the last commit', async () => {
    const r = await report('?unit=19900', tokens.sup)
    expect(r).toMatchObject({
      period: '2025',
      state: 'live',
      standard: { id: 'ND07_2022_2025' },
      area: { level: 'commune', unit: '19900', unitName: 'Thuận An', label: 'Thuận An' },
      lastCommitAt: clock,
    })
    expect(r.tables.map((t) => t.id)).toEqual([
      'totals',
      'poor-movement',
      'near-poor-movement',
      'poor-deprivations',
      'near-poor-deprivations',
      'groups',
      'causes',
      'progress',
    ])
    expect(r.tables[0]?.rows.map((x) => x.name)).toEqual(['Thôn An Dương', 'Thôn Hải Tiến'])
    expectRow(r.tables, rowOf('A'), VILLAGE_A, 'village A')
    expectRow(r.tables, rowOf('B'), VILLAGE_B, 'village B')
    expectRow(r.tables, totalOf, sum(VILLAGE_A, VILLAGE_B), 'commune 19900')
    // The deprivation tables name the 12 indicators of the period's standard.
    expect(r.tables[3]?.columns.map((c) => c.key)).toEqual([
      'households',
      ...Array.from({ length: 12 }, (_, i) => `I${String(i + 1).padStart(2, '0')}`),
    ])
  })

  it('village: one row, the same figures', async () => {
    const r = await report('?unit=19900&village=A', tokens.obs)
    expect(r.area).toMatchObject({ level: 'village', village: 'A', villageName: 'Thôn An Dương' })
    expect(r.tables[0]?.rows).toHaveLength(1)
    expectRow(r.tables, rowOf('A'), VILLAGE_A, 'village A alone')
    expectRow(r.tables, totalOf, VILLAGE_A, 'village A total')
  })

  it('city: one row per commune (all 40), the city total', async () => {
    const r = await report('', tokens.obs)
    expect(r.area).toMatchObject({ level: 'city', unit: null, label: 'Thành phố Huế' })
    expect(r.tables[0]?.rows).toHaveLength(40)
    expectRow(r.tables, rowOf('19900'), sum(VILLAGE_A, VILLAGE_B), 'commune 19900 in the city')
    expectRow(r.tables, rowOf('20014'), VILLAGE_C, 'commune 20014 in the city')
    expectRow(r.tables, rowOf('19930'), {}, 'a commune with no records')
    expectRow(r.tables, totalOf, sum(VILLAGE_A, VILLAGE_B, VILLAGE_C), 'city')
  })

  it('a closed period is frozen and says so; its movement is against its own previous period', async () => {
    const r = await report('?period=2024&unit=19900')
    expect(r).toMatchObject({ period: '2024', state: 'frozen', closedAt: Date.UTC(2024, 11, 20) })
    const poor = r.tables.find((t) => t.id === 'poor-movement')
    // 2024 in 19900: a1, a5, a7, a10, ag1 are new poor (no predecessor); a3 (poor in 2023) escaped.
    expect(Object.fromEntries(poor!.columns.map((c, i) => [c.key, poor!.total.values[i]]))).toMatchObject({
      beginning: 1,
      escaped: 1,
      new: 5,
      end: 5,
    })
  })

  it('a commit through the writer changes the report: a1 earns more and escapes poverty', async () => {
    clock += 60_000
    const edit = s.relay.writer.serverEdit('a1', 'admin', (doc: HouseholdDoc) =>
      doc.setIncome({ perCapitaMonthly: 6_000_000 }),
    )
    if (edit.kind !== 'accepted') throw new Error(`edit ${edit.kind}`)
    await edit.committed
    const r = await report('?unit=19900&village=A', tokens.sup)
    expect(r.lastCommitAt).toBe(clock)
    const a = structuredClone(VILLAGE_A)
    Object.assign(a.totals!, { poor: 2, poorRate: 20, poorMembers: 2, bothRate: 40, notPoor: 4 })
    Object.assign(a['poor-movement']!, { escaped: 2, end: 2 })
    Object.assign(a['poor-deprivations']!, { households: 2, I04: 1, I08: 1, I09: 1 })
    Object.assign(a.groups!, { 'poor.ethnicMinority': 0 })
    Object.assign(a.causes!, { 'poor.lack_capital': 1, 'poor.illness': 1 })
    expectRow(r.tables, totalOf, a, 'village A after the commit')
  })

  it('a record the quick screen ends as not poor counts no deprivation, whatever its answers say', async () => {
    const edit = s.relay.writer.serverEdit('a2', 'admin', (doc: HouseholdDoc) => doc.setQuickScreen('not_poor', 'car'))
    if (edit.kind !== 'accepted') throw new Error(`edit ${edit.kind}`)
    await edit.committed
    expect(
      s.db
        .prepare(
          'SELECT category, deprivation_count AS n, deprivation_mask AS mask, meritorious FROM households WHERE id = ?',
        )
        .get('a2'),
    ).toEqual({ category: 'not_poor', n: 0, mask: 0, meritorious: 1 })
    const r = await report('?unit=19900&village=A')
    const dep = r.tables.find((t) => t.id === 'poor-deprivations')!
    expect(Object.fromEntries(dep.columns.map((c, i) => [c.key, dep.total.values[i]]))).toMatchObject({
      households: 1,
      I04: 0,
      I10: 0,
      I11: 0,
      I12: 0,
      I07: 1,
    })
  })
})

describe('GET /api/reports — who may see what', () => {
  it('supervisor: own commune (the default) only; another commune 403; the city is theirs', async () => {
    expect((await report('', tokens.sup)).area.unit).toBe('19900')
    for (const q of ['?unit=20014', '?unit=20014&village=C'])
      expect((await s.api(`/api/reports${q}`, { token: tokens.sup })).status).toBe(403)
    expect((await s.api('/api/reports/export.xlsx?unit=20014', { token: tokens.sup })).status).toBe(403)
    expect((await s.api('/api/reports/totals.csv?unit=20014', { token: tokens.sup })).status).toBe(403)
    expect((await report('', tokens.supOther)).area.unit).toBe('20014')
  })

  it('enumerators and anonymous callers are refused; bad queries are clear errors', async () => {
    for (const path of ['/api/reports', '/api/reports/export.xlsx', '/api/reports/totals.csv']) {
      const res = await s.api(path, { token: tokens.enum })
      expect(res.status).toBe(403)
      expect(((await res.json()) as { code: string }).code).toBe('auth/forbidden')
      expect((await s.api(path)).status).toBe(401)
    }
    const cases: [string, number, string][] = [
      ['/api/reports?period=1999', 404, 'period/not-found'],
      ['/api/reports?unit=00000', 404, 'unit/not-found'],
      ['/api/reports?unit=19900&village=C', 404, 'village/not-found'],
      ['/api/reports?village=A', 400, 'request/invalid'],
      ['/api/reports?unit=19900%27%20OR%201', 400, 'request/invalid'],
      ['/api/reports/nothing.csv', 404, 'report/unknown-table'],
    ]
    for (const [path, status, code] of cases) {
      const res = await s.api(path, { token: tokens.admin })
      expect(res.status, path).toBe(status)
      expect(((await res.json()) as { code: string }).code, path).toBe(code)
    }
  })
})
