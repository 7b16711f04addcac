// Villages per commune and the unit list over real HTTP on a real database: create, rename, merge (households and
// assignments move in one transaction), assign/unassign, the unit file all-or-nothing, the refusals, the audit entries.

import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry } from '../audit/audit-log.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'

let s: TestServer
let w: World
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
})
afterAll(() => s.stop())

async function post(path: string, json: unknown, token = w.tokens.admin) {
  const res = await s.api(path, { method: 'POST', token, json })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { code?: string } }
}
const lastAudit = async (action: string): Promise<AuditEntry | undefined> =>
  ((await (await s.api(`/api/audit?action=${action}`, { token: w.tokens.admin })).json()) as { entries: AuditEntry[] })
    .entries[0]
const villagesOf = (unit: string) =>
  s.db.prepare('SELECT id, name FROM villages WHERE unit_code = ? ORDER BY id').all(unit) as {
    id: string
    name: string
  }[]

describe('villages', () => {
  it('admin creates and renames a village; names are unique in the commune whatever the diacritics', async () => {
    const made = await post('/api/areas/villages', { unitCode: '19900', name: 'Thôn Phú Mậu' })
    expect(made.status).toBe(201)
    const id = (made.body['village'] as { id: string }).id
    expect(id).toBe('19900-3')
    expect(await lastAudit('village-create')).toMatchObject({ target: id, details: { name: 'Thôn Phú Mậu' } })
    const again = await post('/api/areas/villages', { unitCode: '19900', name: 'thon phu mau' })
    expect(again).toMatchObject({ status: 409, body: { code: 'village/name-taken' } })
    const renamed = await post(`/api/areas/villages/${id}/rename`, { name: 'Thôn Phú Mậu Đông' })
    expect(renamed.body).toMatchObject({ village: { id, name: 'Thôn Phú Mậu Đông' } })
    expect(await lastAudit('village-rename')).toMatchObject({
      target: id,
      details: { previousName: 'Thôn Phú Mậu', name: 'Thôn Phú Mậu Đông' },
    })
    const clash = await post(`/api/areas/villages/${id}/rename`, { name: 'Thôn A1' })
    expect(clash.body.code).toBe('village/name-taken')
  })

  it('refuses bad input with request/invalid and its path, unknown villages and units, changing nothing', async () => {
    const before = villagesOf('19900')
    expect((await post('/api/areas/villages', { unitCode: '19900', name: '  ' })).body).toMatchObject({
      code: 'request/invalid',
      details: { issues: [{ path: ['name'] }] },
    })
    expect((await post('/api/areas/villages', { unitCode: '99999', name: 'Thôn X' })).body).toMatchObject({
      code: 'request/invalid',
      details: { issues: [{ path: ['unitCode'] }] },
    })
    expect((await post('/api/areas/villages/ZZ/rename', { name: 'Thôn X' })).status).toBe(404)
    expect((await post('/api/areas/villages/A1/merge', { into: 'ZZ' })).body.code).toBe('village/not-found')
    expect((await post('/api/areas/villages/A1/merge', { into: 'A1' })).body.code).toBe('village/merge-into-itself')
    expect((await post('/api/areas/villages/A1/merge', { into: 'B1' })).body.code).toBe('village/other-commune')
    expect((await post('/api/areas/villages/A1/merge', {})).body).toMatchObject({
      code: 'request/invalid',
      details: { issues: [{ path: ['into'] }] },
    })
    expect(villagesOf('19900')).toEqual(before)
    expect(s.db.prepare("SELECT COUNT(*) FROM households WHERE village_id = 'A1'").pluck().get()).toBe(3)
  })

  it('merging A2 into A1 moves its households and enumerators in one step; A2 is gone; audited', async () => {
    await s.addUser({ username: 'hanh', role: 'enumerator', unitCode: '19900', villages: ['A2'] })
    const r = await post('/api/areas/villages/A2/merge', { into: 'A1' })
    expect(r).toMatchObject({ status: 200, body: { from: 'A2', into: 'A1', households: 1, assignments: 1 } })
    expect(s.db.prepare("SELECT village_id FROM households WHERE id = 'hA2-1'").pluck().get()).toBe('A1')
    expect(villagesOf('19900').map((v) => v.id)).not.toContain('A2')
    const listed = (await (await s.api('/api/areas/villages?unit=19900', { token: w.tokens.obs })).json()) as {
      villages: { id: string; householdCount: number; enumerators: { username: string }[] }[]
    }
    expect(listed.villages.find((v) => v.id === 'A1')).toMatchObject({
      householdCount: 4,
      enumerators: [{ username: 'enum' }, { username: 'hanh' }],
    })
    expect(await lastAudit('village-merge')).toMatchObject({ target: 'A2', details: { into: 'A1', households: 1 } })
  })

  it('assigns and unassigns an enumerator; unassigning leaves release grants; refusals', async () => {
    const v = (await post('/api/areas/villages', { unitCode: '19900', name: 'Thôn Mới' })).body['village'] as {
      id: string
    }
    s.db
      .prepare("INSERT INTO households (id, period, unit_code, village_id) VALUES ('hN-1', '2025', '19900', ?)")
      .run(v.id)
    await s.addUser({ username: 'quy', role: 'enumerator', unitCode: '19900' })
    expect((await post(`/api/areas/villages/${v.id}/assign`, { username: 'quy' })).body).toMatchObject({ added: true })
    expect(await lastAudit('village-assign')).toMatchObject({ target: v.id, details: { username: 'quy' } })
    const token = await s.login('quy')
    const mine = (await (await s.api('/api/households', { token })).json()) as { households: { id: string }[] }
    expect(mine.households.map((h) => h.id)).toEqual(['hN-1'])
    expect((await post(`/api/areas/villages/${v.id}/assign`, { username: 'sup' })).body.code).toBe(
      'assignment/not-an-enumerator',
    )
    expect((await post(`/api/areas/villages/${v.id}/assign`, { username: 'ghost' })).body.code).toBe('user/not-found')
    const off = await post(`/api/areas/villages/${v.id}/unassign`, { username: 'quy' })
    expect(off.body).toMatchObject({ removed: true, released: 1 })
    expect(await lastAudit('village-unassign')).toMatchObject({ target: v.id, details: { username: 'quy' } })
    const none = (await (await s.api('/api/households', { token })).json()) as { households: unknown[] }
    expect(none.households).toEqual([])
  })

  it('only admins change villages; observers read, supervisors and enumerators do not', async () => {
    const before = villagesOf('19900')
    for (const token of [w.tokens.enum, w.tokens.sup, w.tokens.obs]) {
      expect((await post('/api/areas/villages', { unitCode: '19900', name: 'Thôn Lạ' }, token)).status).toBe(403)
      expect((await post('/api/areas/villages/A1/rename', { name: 'Thôn Lạ' }, token)).status).toBe(403)
      expect((await post('/api/areas/villages/A1/merge', { into: 'B1' }, token)).status).toBe(403)
      expect((await post('/api/areas/villages/A1/assign', { username: 'enum' }, token)).status).toBe(403)
      expect((await post('/api/areas/villages/A1/unassign', { username: 'enum' }, token)).status).toBe(403)
      expect((await post('/api/areas/units', { text: '{}' }, token)).status).toBe(403)
    }
    for (const token of [w.tokens.enum, w.tokens.sup]) {
      expect((await s.api('/api/areas/villages?unit=19900', { token })).status).toBe(403)
    }
    expect((await s.api('/api/areas/villages?unit=19900', { token: w.tokens.obs })).status).toBe(200)
    expect(villagesOf('19900')).toEqual(before)
  })
})

describe('units from a file', () => {
  const bundled = JSON.parse(readFileSync(new URL('../../shared/units/hue-units.json', import.meta.url), 'utf8')) as {
    units: { code: string; name: string; kind: string; areaType?: string }[]
  }
  const units = () => s.db.prepare('SELECT code, name, kind, area_type FROM units ORDER BY code').all()

  it('reports every problem with its JSON path (or line) and changes nothing', async () => {
    const before = units()
    const syntax = await post('/api/areas/units', { text: '{\n  "format": "rasoat.units/1",\n  "units": [,]\n}' })
    expect(syntax).toMatchObject({ status: 400, body: { code: 'units/invalid', details: { errors: [{ line: 3 }] } } })
    const bad = structuredClone(bundled)
    bad.units[1]!.code = bad.units[0]!.code
    bad.units[2]!.kind = 'thị trấn'
    bad.units[3]!.name = ' '
    bad.units[4]!.areaType = bad.units[4]!.kind === 'xã' ? 'urban' : 'rural'
    const r = await post('/api/areas/units', { text: JSON.stringify(bad, null, 2) })
    expect(r.status).toBe(400)
    const paths = (r.body['details'] as { errors: { path: string }[] }).errors.map((e) => e.path).sort()
    expect(paths).toEqual(['$.units[3].name'])
    bad.units[3]!.name = 'Tên'
    const r2 = await post('/api/areas/units', { text: JSON.stringify(bad, null, 2) })
    const paths2 = (r2.body['details'] as { errors: { path: string }[] }).errors.map((e) => e.path).sort()
    expect(paths2).toEqual(['$.units[1].code', '$.units[2].kind', '$.units[4].areaType'])
    expect(units()).toEqual(before)
  })

  it('refuses to drop a unit that has villages, all or nothing', async () => {
    const before = units()
    const list = structuredClone(bundled)
    list.units = list.units.filter((u) => u.code !== '20014') // B1 lies in 20014
    list.units[0]!.name = 'Tên mới'
    const r = await post('/api/areas/units', { text: JSON.stringify(list) })
    expect(r).toMatchObject({ status: 409, body: { code: 'units/in-use', details: { codes: ['20014'] } } })
    expect(units()).toEqual(before)
  })

  it('applies a valid replacement: renamed, added and unused removed units; audited', async () => {
    const list = structuredClone(bundled)
    const unused = list.units.find((u) => !['19900', '20014'].includes(u.code))!.code
    list.units = list.units.filter((u) => u.code !== unused)
    list.units[0]!.name = 'Thuận An (mới)'
    list.units.push({ code: '99001', name: 'Xã Thử', kind: 'xã', areaType: 'rural' })
    const r = await post('/api/areas/units', { text: '\uFEFF' + JSON.stringify(list), fileName: 'don-vi.json' })
    expect(r).toMatchObject({
      status: 200,
      body: { units: list.units.length, added: ['99001'], changed: [list.units[0]!.code], removed: [unused] },
    })
    expect(s.db.prepare("SELECT kind, area_type FROM units WHERE code = '99001'").get()).toEqual({
      kind: 'xa',
      area_type: 'rural',
    })
    expect(await lastAudit('units-replace')).toMatchObject({ target: 'don-vi.json', details: { removed: [unused] } })
  })
})
