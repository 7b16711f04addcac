// Opening and closing review periods on the real server, SQLite file and relay: exactly the poor, near-poor and admitted
// households are carried (new records, status listed, linked, identity only); a second open is refused, a second carry
// adds nothing; bad input names its path; only admins act; a closed period refuses device edits, review and import.
import * as Y from 'yjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { pathOf } from '../../shared/doc/paths.ts'
import { Root } from '../../shared/doc/keys.ts'
import type { Member } from '../../shared/household/types.ts'
import type { User } from '../auth/access.ts'
import { createAdmissionStore } from '../store/admission-store.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { callApi, exampleHousehold, seedExample } from '../test-support/period-fixtures.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from '../relay/test-client.ts'

let server: RelayTestServer
let admin: { user: User; token: string }
let sup: { user: User; token: string }
let enumerator: { user: User; token: string }

beforeEach(async () => {
  server = await startRelayServer()
  seedExample(server, 'poor', 'h-poor', 'vp')
  seedExample(server, 'nearPoor', 'h-near', 'vn')
  seedExample(server, 'average', 'h-avg', 'va')
  server.addVillage('vx')
  server.seedHouseholds(['h-found', 'h-pending', 'h-rejected', 'h-listed'], 'vx')
  const admissions = createAdmissionStore(server.db)
  admissions.setAdmission('h-found', 'approved')
  admissions.setAdmission('h-pending', 'pending')
  admissions.setAdmission('h-rejected', 'rejected')
  admin = await server.addUser('admin', 'admin')
  sup = await server.addUser('sup', 'supervisor', { unitCode: '20056' })
  enumerator = await server.addUser('enum', 'enumerator', { villages: ['vp', 'vn', 'va', 'vx'] })
})
afterEach(() => server.stop())

const api = (path: string, token: string, body?: unknown) => callApi(server.url, path, token, body)

const OPEN_2026 = { id: '2026', standard: 'ND07_2022_2025', referenceDate: '2026-09-01' }
const count = (sql: string, ...params: unknown[]): number =>
  server.db
    .prepare(sql)
    .pluck()
    .get(...params) as number
const carriedFrom = (previousId: string): { id: string; period: string; status: string; unit_code: string } =>
  server.db
    .prepare('SELECT id, period, status, unit_code, village_id FROM households WHERE previous_id = ?')
    .get(previousId) as { id: string; period: string; status: string; unit_code: string }
const docOf = (id: string): HouseholdDoc => HouseholdDoc.load(server.docStore.readState(id) as Uint8Array)

describe('POST /api/periods', () => {
  it('PE1 carries exactly the poor, near-poor and admitted households, as listed records linked to the old ones', async () => {
    expect(
      server.db
        .prepare(`SELECT id, category FROM households WHERE id IN ('h-poor', 'h-near', 'h-avg') ORDER BY id`)
        .all(),
    ).toEqual([
      { id: 'h-avg', category: 'average' },
      { id: 'h-near', category: 'near_poor' },
      { id: 'h-poor', category: 'poor' },
    ])
    const r = await api('/api/periods', admin.token, OPEN_2026)
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({
      carried: 3,
      period: { id: '2026', status: 'open', previousId: '2025', isCurrent: false, standard: 'ND07_2022_2025' },
    })
    const carried = server.db
      .prepare(`SELECT previous_id FROM households WHERE period = '2026' ORDER BY previous_id`)
      .pluck()
      .all()
    expect(carried).toEqual(['h-found', 'h-near', 'h-poor'])

    const poor = carriedFrom('h-poor')
    expect(poor).toMatchObject({ period: '2026', status: 'listed', unit_code: '20056', village_id: 'vp' })
    const before = exampleHousehold('poor')
    const doc = docOf(poor.id)
    const after = doc.read()
    expect(after.household).toMatchObject({
      id: poor.id,
      period: '2026',
      referenceDate: '2026-09-01',
      unit: before.unit,
      village: 'vp',
      address: before.address,
      location: null,
      income: {},
      causes: [],
      supportNeeds: [],
      photos: [],
    })
    expect(after.workflow).toEqual({ status: 'listed', history: [] })
    // Identity carried member by member (same member ids); every survey answer is to be asked again.
    const identity = (m: Member) => ({
      id: m.id,
      personalId: m.personalId,
      fullName: m.fullName,
      sex: m.sex,
      birthDate: m.birthDate,
      relation: m.relation,
      ethnicity: m.ethnicity,
    })
    expect(after.household.members.map(identity)).toEqual(before.members.map(identity))
    for (const m of after.household.members)
      for (const k of ['employment', 'healthInsurance', 'education', 'ableToWork'])
        expect(doc.answered(pathOf(Root.MEMBERS, k, m.id)), k).toBe(false)
    for (const k of ['water', 'toilet', 'floorAreaM2', 'roofDurable'])
      expect(doc.answered(pathOf(Root.DWELLING, k)), k).toBe(false)
    expect(doc.answered(pathOf(Root.FIELDS, 'farming'))).toBe(false)
    expect(count(`SELECT COUNT(*) FROM households WHERE id = ? AND category = 'incomplete'`, poor.id)).toBe(1)

    // The old records are untouched; the audit log names the admin.
    expect(count(`SELECT COUNT(*) FROM households WHERE period = '2025'`)).toBe(7)
    expect(
      server.db
        .prepare(`SELECT action, username, target FROM audit_log WHERE action LIKE 'period-%' ORDER BY id`)
        .all(),
    ).toEqual([
      { action: 'period-open', username: 'admin', target: '2026' },
      { action: 'period-carry', username: 'admin', target: '2026' },
    ])
  })

  it('PE2 a second open is refused; carrying again adds nothing', async () => {
    expect((await api('/api/periods', admin.token, OPEN_2026)).status).toBe(201)
    const again = await api('/api/periods', admin.token, { ...OPEN_2026, referenceDate: '2026-10-01' })
    expect(again).toMatchObject({ status: 409, json: { code: 'period/exists' } })
    expect(await api('/api/periods/2026/carry', admin.token, {})).toMatchObject({ status: 200, json: { carried: 0 } })
    expect(count(`SELECT COUNT(*) FROM households WHERE period = '2026'`)).toBe(3)
    expect(count(`SELECT COUNT(*) FROM periods`)).toBe(2)
  })

  it('PE3 an interrupted carry is finished by carrying again, without duplicates', async () => {
    expect((await api('/api/periods', admin.token, OPEN_2026)).status).toBe(201)
    // As if the process had stopped after the first record: two records are missing.
    const ids = server.db.prepare(`SELECT id FROM households WHERE period = '2026' ORDER BY id`).pluck().all()
    server.db.transaction(() => {
      for (const id of ids.slice(1)) {
        server.db.prepare('DELETE FROM doc_state WHERE household_id = ?').run(id)
        server.db.prepare('DELETE FROM households WHERE id = ?').run(id)
      }
    })()
    expect(await api('/api/periods/2026/carry', admin.token, {})).toMatchObject({ json: { carried: 2 } })
    expect(
      server.db.prepare(`SELECT previous_id FROM households WHERE period = '2026' ORDER BY previous_id`).pluck().all(),
    ).toEqual(['h-found', 'h-near', 'h-poor'])
  })

  it('PE4 non-admins are refused (403) and nothing is opened', async () => {
    for (const token of [sup.token, enumerator.token]) {
      expect(await api('/api/periods', token, OPEN_2026)).toMatchObject({
        status: 403,
        json: { code: 'auth/forbidden' },
      })
      expect(await api('/api/periods/2025/close', token, {})).toMatchObject({ status: 403 })
      expect(await api('/api/periods/2025/current', token, {})).toMatchObject({ status: 403 })
    }
    expect(count('SELECT COUNT(*) FROM periods')).toBe(1)
  })

  it('PE5 a bad standard, date or id is request/invalid naming its path; an unknown predecessor is period/not-found', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...OPEN_2026, standard: 'ND99' }, 'standard'],
      [{ ...OPEN_2026, referenceDate: '2026-02-30' }, 'referenceDate'],
      [{ ...OPEN_2026, referenceDate: '1/9/2026' }, 'referenceDate'],
      [{ ...OPEN_2026, id: '2026; DROP' }, 'id'],
      [{ ...OPEN_2026, extra: 1 }, ''],
    ]
    for (const [body, path] of cases) {
      const r = await api('/api/periods', admin.token, body)
      expect(r.status, JSON.stringify(body)).toBe(400)
      expect(r.json.code).toBe('request/invalid')
      const issues = (r.json.details as { issues: { path: string[] }[] }).issues
      expect(issues.map((i) => i.path.join('.'))).toContain(path)
    }
    expect(await api('/api/periods', admin.token, { ...OPEN_2026, from: '1999' })).toMatchObject({
      status: 404,
      json: { code: 'period/not-found' },
    })
    expect(count('SELECT COUNT(*) FROM periods')).toBe(1)
    expect(count('SELECT COUNT(*) FROM audit_log')).toBe(0)
  })

  it('PE6 lists periods with their lifecycle and counts', async () => {
    await api('/api/periods', admin.token, OPEN_2026)
    expect((await api('/api/periods/2026/current', admin.token, {})).json).toMatchObject({
      period: { id: '2026', isCurrent: true },
    })
    const list = await api('/api/periods', enumerator.token)
    expect(list.json.periods).toMatchObject([
      { id: '2026', isCurrent: true, status: 'open', previousId: '2025', referenceDate: '2026-09-01' },
      { id: '2025', isCurrent: false, status: 'open', previousId: null },
    ])
    expect((await api('/api/periods/counts', admin.token)).json.counts).toEqual([
      { period: '2026', households: 3, poor: 0, nearPoor: 0, carried: 3 },
      { period: '2025', households: 6, poor: 1, nearPoor: 1, carried: 0 },
    ])
    // A supervisor counts only their commune; enumerators do not read counts.
    expect((await api('/api/periods/counts', sup.token)).json.counts).toEqual([
      { period: '2026', households: 1, poor: 0, nearPoor: 0, carried: 1 },
      { period: '2025', households: 1, poor: 1, nearPoor: 0, carried: 0 },
    ])
    expect((await api('/api/periods/counts', enumerator.token)).status).toBe(403)
  })
})

describe('POST /api/periods/:id/close', () => {
  it('PE7 a closed period refuses a device edit (sync/period-closed, nothing stored), review and import; reads work', async () => {
    const before = await SyncClient.connect({ url: server.url, token: enumerator.token, deviceId: 'phone-1' })
    await before.hello()
    await before.manifest([])
    const replica = new DeviceReplica(987_654)
    for (const u of before.updates.get('h-poor') ?? []) replica.apply(u)
    replica.setAddress('Sửa sau khi khóa sổ')

    await api('/api/periods', admin.token, OPEN_2026)
    expect(await api('/api/periods/2025/close', admin.token, {})).toMatchObject({
      status: 409,
      json: { code: 'period/current' },
    })
    expect((await api('/api/periods/2026/current', admin.token, {})).status).toBe(200)
    expect(await before.closed()).toBe(1001) // the switch reconnects every phone
    const closed = await api('/api/periods/2025/close', admin.token, {})
    expect(closed).toMatchObject({ status: 200, json: { period: { id: '2025', status: 'closed' } } })
    expect((closed.json.period as { closedAt: number }).closedAt).toEqual(expect.any(Number))

    const head = count(`SELECT server_seq FROM households WHERE id = 'h-poor'`)
    const logRows = count(`SELECT COUNT(*) FROM doc_log WHERE household_id = 'h-poor'`)
    const phone = await SyncClient.connect({ url: server.url, token: enumerator.token, deviceId: 'phone-1' })
    await phone.hello()
    await phone.manifest([['h-poor', head]])
    expect(await phone.sendUpdate('h-poor', replica.take())).toMatchObject({
      type: 'error',
      code: 'sync/period-closed',
      householdId: 'h-poor',
    })
    await phone.close()
    expect(count(`SELECT server_seq FROM households WHERE id = 'h-poor'`)).toBe(head)
    expect(count(`SELECT COUNT(*) FROM doc_log WHERE household_id = 'h-poor'`)).toBe(logRows)
    expect(docOf('h-poor').read().household.address).toBe(exampleHousehold('poor').address)

    // Review steps and register imports are refused; reads and the record's state still answer.
    expect(await api('/api/households/h-poor/review/verify', admin.token, {})).toMatchObject({
      status: 409,
      json: { code: 'period/closed' },
    })
    const imported = await fetch(`${server.url}/api/register/imports?period=2025`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'text/csv' },
      body: 'household_code,personal_id,full_name,sex,birth_date,relation,ethnicity,unit,village,address\n',
    })
    expect(imported.status).toBe(409)
    expect(await imported.json()).toMatchObject({ code: 'period/closed' })
    expect((await api('/api/households/h-poor', admin.token)).status).toBe(200)
    const state = await fetch(`${server.url}/api/households/h-poor/state`, {
      headers: { authorization: `Bearer ${admin.token}` },
    })
    expect(state.status).toBe(200)
    const read = new Y.Doc()
    Y.applyUpdate(read, new Uint8Array(await state.arrayBuffer()))
    expect(new HouseholdDoc(read).read().household.id).toBe('h-poor')

    // Closing is audited, cannot be repeated, and a closed period cannot become current again.
    expect(count(`SELECT COUNT(*) FROM audit_log WHERE action = 'period-close' AND target = '2025'`)).toBe(1)
    expect(await api('/api/periods/2025/close', admin.token, {})).toMatchObject({ json: { code: 'period/closed' } })
    expect(await api('/api/periods/2025/current', admin.token, {})).toMatchObject({
      status: 409,
      json: { code: 'period/closed' },
    })
    expect(await api('/api/periods/2030/close', admin.token, {})).toMatchObject({
      status: 404,
      json: { code: 'period/not-found' },
    })
  })
})
