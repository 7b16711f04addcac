// Review routes over real HTTP on a real server: roles and scope, the state machine, every step's data in the history
// entry the server writes, fan-out of the written step to a device holding the household, bulk verify's per-id results.
import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { SERVER_CLIENT_ID } from '../../shared/doc/keys.ts'
import { makeHousehold } from '../../shared/test-support/household-fixtures.ts'
import type { Status } from '../../shared/household/types.ts'
import { SyncClient } from '../relay/test-client.ts'
import { insertPlaces, startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'

let s: TestServer
let w: World
/** An enumerator whose village holds only households stored as documents (r-sub). */
let phoneToken: string

/** A household document in `status` (unit 19900 village A1 unless said otherwise). */
function add(id: string, status: Status, unit = '19900', village = 'A1'): void {
  const { format: _format, ...init } = makeHousehold({ id, status, unit, village, period: '2025' })
  const doc = HouseholdDoc.create(init, { clientId: SERVER_CLIENT_ID })
  s.db.transaction(() =>
    s.docStore.createHousehold(
      { id, period: '2025', unitCode: unit, villageId: village },
      Y.encodeStateAsUpdate(doc.ydoc),
      'seed',
    ),
  )()
}
const stored = (id: string) => HouseholdDoc.load(s.docStore.readState(id)!).read().workflow

async function post(
  path: string,
  token: string,
  json: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await s.api(path, { method: 'POST', token, json })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
const step = (id: string, name: string, token: string, json: unknown = {}) =>
  post(`/api/households/${id}/review/${name}`, token, json)

beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
  insertPlaces(s, { villages: [['A3', '19900', 'Thôn A3']] })
  add('r-sub', 'submitted', '19900', 'A3')
  await s.addUser({ username: 'enum-a3', role: 'enumerator', villages: ['A3'] })
  phoneToken = await s.login('enum-a3')
  for (const [id, status] of [
    ['r-sub2', 'submitted'],
    ['r-prog', 'in_progress'],
    ['r-ver', 'verified'],
    ['r-ver2', 'verified'],
    ['r-agreed', 'agreed_at_meeting'],
    ['r-agreed2', 'agreed_at_meeting'],
    ['r-bulk1', 'submitted'],
    ['r-bulk2', 'submitted'],
  ] as const)
    add(id, status)
  add('r-other-unit', 'submitted', '20014', 'B1')
})
afterAll(() => s.stop())

describe('who may review', () => {
  it('R1 enumerators and observers are refused (auth/forbidden); a supervisor outside the commune too; unknown id is household/not-found', async () => {
    for (const token of [w.tokens.enum, w.tokens.obs])
      expect(await step('r-sub', 'verify', token)).toMatchObject({ status: 403, body: { code: 'auth/forbidden' } })
    expect(await step('r-other-unit', 'verify', w.tokens.sup)).toMatchObject({
      status: 403,
      body: { code: 'auth/forbidden' },
    })
    expect(await step('nope', 'verify', w.tokens.sup)).toMatchObject({
      status: 404,
      body: { code: 'household/not-found' },
    })
    expect((await s.api('/api/households/r-sub/review/verify', { method: 'POST', json: {} })).status).toBe(401)
    expect(stored('r-sub').status).toBe('submitted')
  })

  it('R2 a step the state machine does not allow is review/invalid-transition (409) and writes nothing', async () => {
    const head = s.docStore.head('r-prog')
    expect(await step('r-prog', 'verify', w.tokens.sup)).toMatchObject({
      status: 409,
      body: { code: 'review/invalid-transition', details: { id: 'r-prog', status: 'in_progress' } },
    })
    expect(s.docStore.head('r-prog')).toBe(head)
  })
})

describe('steps', () => {
  it('R3 verify: the server writes the status and a history entry by the supervisor (id and name), and a device holding it receives it', async () => {
    const phone = await SyncClient.connect({ url: s.url, token: phoneToken })
    await phone.hello()
    await phone.manifest([])
    const before = (phone.updates.get('r-sub') ?? []).length
    expect(phone.heads.get('r-sub')).toBe(1)
    const fannedOut = phone.next((m) => m.type === 'head' && m.householdId === 'r-sub' && m.serverSeq === 2)
    const r = await step('r-sub', 'verify', w.tokens.sup, { comment: 'Đạt' })
    expect(r).toMatchObject({ status: 200, body: { id: 'r-sub', status: 'verified', serverSeq: 2 } })
    expect(stored('r-sub').history.at(-1)).toMatchObject({
      from: 'submitted',
      to: 'verified',
      by: w.ids.sup,
      comment: 'Đạt',
      byName: expect.any(String),
    })
    await fannedOut
    const replica = new Y.Doc()
    for (const u of phone.updates.get('r-sub') ?? []) Y.applyUpdate(replica, u)
    expect((phone.updates.get('r-sub') ?? []).length).toBeGreaterThan(before)
    expect(new HouseholdDoc(replica).status).toBe('verified')
    await phone.close()
  })

  it('R4 return: a general comment and comments at fields; an unknown field or an empty return is request/invalid', async () => {
    expect(await step('r-sub2', 'return', w.tokens.sup, {})).toMatchObject({
      status: 400,
      body: { code: 'request/invalid' },
    })
    expect(
      await step('r-sub2', 'return', w.tokens.sup, { fieldComments: [{ path: 'dwelling.nothing', text: 'x' }] }),
    ).toMatchObject({ status: 400, body: { code: 'request/invalid' } })
    expect(stored('r-sub2').status).toBe('submitted')
    const fieldComments = [{ path: 'dwelling.floorAreaM2', text: 'Diện tích chưa đúng' }]
    expect(
      await step('r-sub2', 'return', w.tokens.admin, { comment: 'Kiểm tra lại nhà ở', fieldComments }),
    ).toMatchObject({ status: 200, body: { status: 'returned' } })
    expect(stored('r-sub2').history.at(-1)).toMatchObject({
      to: 'returned',
      by: w.ids.admin,
      comment: 'Kiểm tra lại nhà ở',
      fieldComments,
    })
  })

  it('R5 meeting: ≥ 50 % agreeing → agreed_at_meeting, fewer → re_review; more agreeing than attendees is request/invalid', async () => {
    expect(
      await step('r-ver', 'meeting', w.tokens.sup, { date: '2026-11-10', attendees: 10, agreeing: 11 }),
    ).toMatchObject({ status: 400 })
    expect(
      await step('r-ver', 'meeting', w.tokens.sup, { date: '2026-11-10', attendees: 10, agreeing: 5 }),
    ).toMatchObject({ status: 200, body: { status: 'agreed_at_meeting' } })
    expect(
      await step('r-ver2', 'meeting', w.tokens.sup, { date: '2026-11-10', attendees: 10, agreeing: 4 }),
    ).toMatchObject({ status: 200, body: { status: 're_review' } })
    expect(stored('r-ver2').history.at(-1)).toMatchObject({ meetingDate: '2026-11-10', attendees: 10, agreeing: 4 })
  })

  it('R6 posting for 3 working days; approval during the posting is review/posting-not-ended; re-check returns to posted; approval and certification', async () => {
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10)
    expect(await step('r-agreed2', 'posting', w.tokens.sup, { from: today })).toMatchObject({
      status: 200,
      body: { status: 'posted' },
    })
    expect(
      await step('r-agreed2', 'approve', w.tokens.sup, { decisionNumber: '12/QĐ-UBND', decisionDate: today }),
    ).toMatchObject({ status: 409, body: { code: 'review/posting-not-ended' } })
    expect(stored('r-agreed2').status).toBe('posted')

    expect(await step('r-agreed', 'posting', w.tokens.sup, { from: '2026-11-02' })).toMatchObject({ status: 200 })
    expect(stored('r-agreed').history.at(-1)).toMatchObject({ postedFrom: '2026-11-02', postedUntil: '2026-11-04' })
    expect(await step('r-agreed', 'recheck', w.tokens.sup, {})).toMatchObject({ status: 400 }) // a complaint needs its text
    expect(await step('r-agreed', 'recheck', w.tokens.sup, { comment: 'Hộ bên cạnh khiếu nại' })).toMatchObject({
      body: { status: 'under_recheck' },
    })
    expect(await step('r-agreed', 'recheck-done', w.tokens.sup, { comment: 'Giữ nguyên kết quả' })).toMatchObject({
      body: { status: 'posted' },
    })
    expect(
      await step('r-agreed', 'approve', w.tokens.sup, { decisionNumber: '12/QĐ-UBND', decisionDate: '2026-11-20' }),
    ).toMatchObject({ body: { status: 'approved' } })
    expect(await step('r-agreed', 'certify', w.tokens.admin)).toMatchObject({ body: { status: 'certified' } })
    expect(stored('r-agreed').history.map((h) => h.to)).toEqual([
      'posted',
      'under_recheck',
      'posted',
      'approved',
      'certified',
    ])
    expect(stored('r-agreed').history[3]).toMatchObject({ decisionNumber: '12/QĐ-UBND', decisionDate: '2026-11-20' })
  })

  it('R7 bad bodies are request/invalid with the issue path (unknown keys, bad dates)', async () => {
    expect(await step('r-bulk1', 'verify', w.tokens.sup, { status: 'certified' })).toMatchObject({
      status: 400,
      body: { code: 'request/invalid' },
    })
    expect(await step('r-ver', 'posting', w.tokens.sup, { from: '2026-13-45' })).toMatchObject({
      status: 400,
      body: { code: 'request/invalid' },
    })
  })
})

describe('bulk verify', () => {
  it('R8 one result per id: verified, invalid transition, outside the commune, not found', async () => {
    const r = await post('/api/review/verify', w.tokens.sup, {
      ids: ['r-bulk1', 'r-bulk2', 'r-prog', 'r-other-unit', 'nope'],
    })
    expect(r.status).toBe(200)
    expect(r.body.results).toEqual([
      expect.objectContaining({ id: 'r-bulk1', ok: true, status: 'verified' }),
      expect.objectContaining({ id: 'r-bulk2', ok: true, status: 'verified' }),
      expect.objectContaining({ id: 'r-prog', ok: false, code: 'review/invalid-transition' }),
      expect.objectContaining({ id: 'r-other-unit', ok: false, code: 'auth/forbidden' }),
      expect.objectContaining({ id: 'nope', ok: false, code: 'household/not-found' }),
    ])
    expect(stored('r-other-unit').status).toBe('submitted')
    expect((await post('/api/review/verify', w.tokens.enum, { ids: ['r-bulk1'] })).status).toBe(403)
  })
})
