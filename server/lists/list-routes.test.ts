// GET /api/lists on the real server and SQLite: records linked across three periods (2024 → 2025 → 2026) carry the
// flags of the official lists (new / old / again / escaped), only verified-or-later records appear, members come from
// the committed documents (no personal IDs, a refused device edit never shows), and the area scope is enforced.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { insertPlaces } from '../test-support/server.ts'
import { SyncClient } from '../relay/test-client.ts'
import {
  addEarlierRecord,
  addListRecord,
  addPeriod,
  type ListPerson,
  type ListRecord,
} from './test-support/list-world.ts'

let s: TestServer
const tokens: Record<'enum' | 'sup' | 'admin' | 'obs', string> = { enum: '', sup: '', admin: '', obs: '' }

const head = (name: string, sex: ListPerson['sex'] = 'male', birthYear = 1970): ListPerson => ({
  name,
  sex,
  birthYear,
  relation: 'head',
})

/** A 2026 record in unit 19900 and, when given, its records in 2025 and 2024 (summary rows) linked by previous_id. */
function record(r: Omit<ListRecord, 'period' | 'unit'> & { unit?: string; y2025?: string; y2024?: string }): void {
  const unit = r.unit ?? '19900'
  if (r.y2024)
    addEarlierRecord(s.db, { id: `${r.id}-24`, period: '2024', unit, village: r.village, category: r.y2024 as never })
  if (r.y2025)
    addEarlierRecord(s.db, {
      id: `${r.id}-25`,
      period: '2025',
      unit,
      village: r.village,
      category: r.y2025 as never,
      ...(r.y2024 ? { previousId: `${r.id}-24` } : {}),
    })
  addListRecord(s.db, s.docStore, {
    ...r,
    period: '2026',
    unit,
    ...(r.y2025 ? { previousId: `${r.id}-25` } : {}),
  })
}

beforeAll(async () => {
  s = await startTestServer()
  insertPlaces(s, {
    villages: [
      ['A1', '19900', 'Thôn An Bình'],
      ['A2', '19900', 'Thôn Đông'],
      ['B1', '20014', 'Thôn Bắc'],
    ],
  })
  addPeriod(s.db, '2024', null, 'closed')
  addPeriod(s.db, '2025', '2024', 'closed')
  addPeriod(s.db, '2026', '2025')
  s.db.prepare("UPDATE periods SET is_current = CASE WHEN id = '2026' THEN 1 ELSE 0 END").run()

  const family: ListPerson[] = [
    head('Trần Văn Bình', 'male', 1970),
    { name: 'Lê Thị Hoa', sex: 'female', birthYear: 1972, relation: 'spouse' },
    { name: 'Trần Văn Nam', sex: 'male', birthYear: 2005, relation: 'child', personalId: '046205000123' },
  ]
  record({
    id: 'p-old',
    village: 'A1',
    category: 'poor',
    status: 'verified',
    members: family,
    y2025: 'poor',
    y2024: 'poor',
  })
  record({
    id: 'p-new',
    village: 'A1',
    category: 'poor',
    status: 'approved',
    members: [head('Đặng Thị Ánh', 'female', 1958)],
    attributes: { meritoriousFamily: true },
    y2025: 'not_poor',
    y2024: 'not_poor',
  })
  record({
    id: 'p-again',
    village: 'A1',
    category: 'poor',
    status: 'posted',
    members: [
      head('Dương Văn Cường'),
      { name: 'Hồ Thị Mơ', sex: 'female', birthYear: 1975, relation: 'spouse', ethnicity: 'Tà Ôi' },
    ],
    attributes: { ethnicMinority: true, noWorkingCapacity: true },
    y2025: 'not_poor',
    y2024: 'poor',
  })
  record({
    id: 'p-first',
    village: 'A2',
    category: 'poor',
    status: 'agreed_at_meeting',
    members: [head('Nguyễn Văn An')],
  })
  record({
    id: 'p-sub',
    village: 'A1',
    category: 'poor',
    status: 'submitted',
    members: [head('Chưa Xác Nhận')],
    y2025: 'poor',
  })
  record({ id: 'p-rework', village: 'A1', category: 'poor', status: 're_review', members: [head('Đang Làm Lại')] })
  record({
    id: 'np-from',
    village: 'A1',
    category: 'near_poor',
    status: 'verified',
    members: [head('Phan Văn Tài')],
    y2025: 'poor',
  })
  record({
    id: 'np-old',
    village: 'A2',
    category: 'near_poor',
    status: 'verified',
    members: [head('Võ Thị Lan', 'female')],
    y2025: 'near_poor',
  })
  record({
    id: 'e-poor',
    village: 'A1',
    category: 'not_poor',
    status: 'verified',
    members: [head('Bùi Văn Khá')],
    y2025: 'poor',
  })
  record({
    id: 'e-near',
    village: 'A2',
    category: 'not_poor',
    status: 'certified',
    members: [head('Hoàng Thị Yến', 'female')],
    y2025: 'near_poor',
  })
  record({
    id: 'e-sub',
    village: 'A1',
    category: 'not_poor',
    status: 'submitted',
    members: [head('Chưa Duyệt')],
    y2025: 'poor',
  })
  record({
    id: 'e-stay',
    village: 'A1',
    category: 'not_poor',
    status: 'verified',
    members: [head('Không Đổi')],
    y2025: 'not_poor',
  })
  record({
    id: 'pB',
    unit: '20014',
    village: 'B1',
    category: 'poor',
    status: 'certified',
    members: [head('Ngô Văn Bắc')],
    y2025: 'poor',
  })

  await s.addUser({ username: 'enum', role: 'enumerator', villages: ['A1'] })
  await s.addUser({ username: 'sup', role: 'supervisor', unitCode: '19900' })
  await s.addUser({ username: 'admin', role: 'admin' })
  await s.addUser({ username: 'obs', role: 'observer' })
  for (const u of ['enum', 'sup', 'admin', 'obs'] as const) tokens[u] = await s.login(u)
})
afterAll(() => s?.stop())

interface ListBody {
  list: string
  period: { id: string; status: string }
  unit: { code: string; name: string }
  village: { id: string; name: string } | null
  draft: boolean
  households: {
    id: string
    headName: string
    villageName: string
    status: string
    move: string
    meritoriousFamily: boolean
    ethnicMinority: boolean
    noWorkingCapacity: boolean
    members: { name: string; birthYear: number; sex: string; ethnicity: string; relation: string }[]
  }[]
  totals: { households: number; members: number }
}

async function getList(
  query: string,
  token = tokens.sup,
): Promise<{ status: number; body: ListBody & { code?: string } }> {
  const res = await s.api(`/api/lists?${query}`, { token })
  return { status: res.status, body: (await res.json()) as ListBody & { code?: string } }
}

const moves = (b: ListBody) => b.households.map((h) => [h.id, h.move])

describe('GET /api/lists', () => {
  it('the poor list: verified-or-later records only, ordered by village then head name (diacritics folded), flags old / new / again', async () => {
    const { status, body } = await getList('list=poor')
    expect(status).toBe(200)
    expect(body.period).toMatchObject({ id: '2026', status: 'open' })
    expect(body.unit.code).toBe('19900')
    // Thôn An Bình before Thôn Đông; in An Bình "Đặng" sorts with "Dang", before "Dương", before "Trần".
    expect(moves(body)).toEqual([
      ['p-new', 'new'],
      ['p-again', 'again'],
      ['p-old', 'old'],
      ['p-first', 'new'],
    ])
    expect(body.households.map((h) => h.headName)).toEqual([
      'Đặng Thị Ánh',
      'Dương Văn Cường',
      'Trần Văn Bình',
      'Nguyễn Văn An',
    ])
    expect(body.totals).toEqual({ households: 4, members: 1 + 2 + 3 + 1 })
    expect(body.draft).toBe(true)
  })

  it('households carry the meritorious / ethnic minority / no working capacity marks and their members from the document', async () => {
    const { body } = await getList('list=poor&village=A1')
    expect(body.village).toEqual({ id: 'A1', name: 'Thôn An Bình' })
    const byId = new Map(body.households.map((h) => [h.id, h]))
    expect(byId.get('p-new')).toMatchObject({
      meritoriousFamily: true,
      ethnicMinority: false,
      noWorkingCapacity: false,
    })
    expect(byId.get('p-again')).toMatchObject({
      meritoriousFamily: false,
      ethnicMinority: true,
      noWorkingCapacity: true,
    })
    expect(byId.get('p-old')?.members).toEqual([
      { name: 'Trần Văn Bình', birthYear: 1970, sex: 'male', ethnicity: 'Kinh', relation: 'head' },
      { name: 'Lê Thị Hoa', birthYear: 1972, sex: 'female', ethnicity: 'Kinh', relation: 'spouse' },
      { name: 'Trần Văn Nam', birthYear: 2005, sex: 'male', ethnicity: 'Kinh', relation: 'child' },
    ])
    expect(byId.get('p-again')?.members[1]).toMatchObject({ name: 'Hồ Thị Mơ', ethnicity: 'Tà Ôi' })
    expect(body.households.map((h) => h.id)).not.toContain('p-first') // village A2
  })

  it('a public posting list shows no personal ID', async () => {
    const res = await s.api('/api/lists?list=poor', { token: tokens.sup })
    const text = await res.text()
    expect(text).not.toContain('046205000123')
    expect(text).not.toContain('personalId')
  })

  it('the near-poor list: old, and from poor', async () => {
    const { body } = await getList('list=near_poor')
    expect(moves(body)).toEqual([
      ['np-from', 'from_poor'],
      ['np-old', 'old'],
    ])
  })

  it('the escaped lists: out of poverty (also into near-poverty) and out of near-poverty; unverified and unchanged records stay off', async () => {
    expect(moves((await getList('list=escaped_poor')).body)).toEqual([
      ['e-poor', 'escaped'],
      ['np-from', 'to_near_poor'],
    ])
    expect(moves((await getList('list=escaped_near_poor')).body)).toEqual([['e-near', 'escaped']])
  })

  it('a list whose records all reached the decision is final, not a draft', async () => {
    const { status, body } = await getList('list=poor&unit=20014', tokens.admin)
    expect(status).toBe(200)
    expect(moves(body)).toEqual([['pB', 'old']])
    expect(body.draft).toBe(false)
    expect((await getList('list=escaped_near_poor&village=A2')).body.draft).toBe(false)
    expect((await getList('list=escaped_near_poor&village=A1')).body).toMatchObject({ draft: true, households: [] })
  })

  it('an earlier period gives that period’s list', async () => {
    addListRecord(s.db, s.docStore, {
      id: 'old-2025',
      period: '2025',
      unit: '19900',
      village: 'A2',
      category: 'poor',
      status: 'certified',
      members: [head('Lý Văn Cũ')],
    })
    const { body } = await getList('list=poor&period=2025')
    expect(body.period.id).toBe('2025')
    expect(moves(body)).toEqual([['old-2025', 'new']])
  })

  it('scope: enumerators and anonymous callers are refused; a supervisor sees only their commune; admins and observers name one', async () => {
    expect(await getList('list=poor', tokens.enum)).toMatchObject({ status: 403, body: { code: 'auth/forbidden' } })
    expect(await getList('list=poor', '')).toMatchObject({ status: 401, body: { code: 'auth/unauthenticated' } })
    expect(await getList('list=poor&unit=20014')).toMatchObject({ status: 403, body: { code: 'auth/forbidden' } })
    // Another commune's village answers like a missing one.
    expect(await getList('list=poor&village=B1')).toMatchObject({ status: 404, body: { code: 'village/not-found' } })
    expect(await getList('list=poor', tokens.admin)).toMatchObject({ status: 400, body: { code: 'request/invalid' } })
    const obs = await getList('list=poor&unit=19900', tokens.obs)
    expect(obs.status).toBe(200)
    expect(obs.body.households).toHaveLength(4)
  })

  it('bad input: a clear code, nothing listed', async () => {
    expect(await getList('list=everyone')).toMatchObject({ status: 400, body: { code: 'request/invalid' } })
    expect(await getList('')).toMatchObject({ status: 400, body: { code: 'request/invalid' } })
    expect(await getList('list=poor&period=1999')).toMatchObject({ status: 404, body: { code: 'period/not-found' } })
    expect(await getList('list=poor&unit=99999', tokens.admin)).toMatchObject({
      status: 404,
      body: { code: 'unit/not-found' },
    })
  })

  it('members come from the committed document: an enumerator’s refused edit of a verified record never shows', async () => {
    const c = await SyncClient.connect({ url: s.url, token: tokens.enum })
    await c.hello()
    await c.manifest([])
    const replica = new DeviceReplica(52_001)
    for (const u of c.updates.get('p-old') ?? []) replica.apply(u)
    expect(replica.household.read().household.members[0]?.fullName).toBe('Trần Văn Bình')
    replica.setHeadName('p-old-m0', 'Tên Sửa Trên Máy')
    expect(await c.sendUpdate('p-old', replica.take())).toMatchObject({ type: 'error', code: 'sync/record-locked' })
    await c.close()
    const { body } = await getList('list=poor&village=A1')
    const names = body.households.flatMap((h) => h.members.map((m) => m.name))
    expect(names).toContain('Trần Văn Bình')
    expect(names).not.toContain('Tên Sửa Trên Máy')
  })
})
