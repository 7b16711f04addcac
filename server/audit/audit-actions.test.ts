// Every kind of administrative action leaves its audit entry, over real HTTP on the real server: each review step
// (one by one, in bulk, admissions) as status-change, and a move of households or villages as reassignment.

import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { SERVER_CLIENT_ID } from '../../shared/doc/keys.ts'
import type { Status } from '../../shared/household/types.ts'
import { makeHousehold } from '../../shared/test-support/household-fixtures.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'
import type { AuditEntry } from './audit-log.ts'

let s: TestServer
let w: World
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
})
afterAll(() => s.stop())

function store(doc: HouseholdDoc, id: string): void {
  s.db.transaction(() =>
    s.docStore.createHousehold(
      { id, period: '2025', unitCode: '19900', villageId: 'A1' },
      Y.encodeStateAsUpdate(doc.ydoc),
      'seed',
    ),
  )()
  doc.ydoc.destroy()
}
function add(id: string, status: Status): void {
  const { format: _format, ...init } = makeHousehold({ id, status, unit: '19900', village: 'A1', period: '2025' })
  store(HouseholdDoc.create(init, { clientId: SERVER_CLIENT_ID }), id)
}

const post = (path: string, json: unknown, token = w.tokens.sup) => s.api(path, { method: 'POST', token, json })
const entries = async (query: string): Promise<AuditEntry[]> =>
  ((await (await s.api(`/api/audit?${query}`, { token: w.tokens.admin })).json()) as { entries: AuditEntry[] }).entries

describe('audit entries for status changes and reassignments', () => {
  it('each review step, the bulk verify and an admission decision are recorded with actor, household and step', async () => {
    add('au-1', 'submitted')
    add('au-2', 'submitted')
    add('au-3', 'submitted')
    expect((await post('/api/households/au-1/review/verify', {})).status).toBe(200)
    expect((await post('/api/households/au-2/review/return', { comment: 'Thiếu ảnh nhà' })).status).toBe(200)
    expect((await post('/api/review/verify', { ids: ['au-3', 'nope'] })).status).toBe(200)
    const refused = await post('/api/households/au-1/review/certify', {})
    expect(refused.status).toBe(409)

    const pending = new HouseholdDoc(new Y.Doc())
    expect(
      pending.foundInField({
        id: 'au-new',
        period: '2025',
        unit: '19900',
        village: 'A1',
        address: 'Kiệt 4',
        headName: 'Hồ Văn Tư',
      }),
    ).toMatchObject({ ok: true })
    store(pending, 'au-new')
    s.db.prepare("UPDATE households SET admission = 'pending' WHERE id = 'au-new'").run()
    expect((await post('/api/households/au-new/admission', { decision: 'approved' }, w.tokens.admin)).status).toBe(200)

    const got = (await entries('action=status-change')).map((e) => [e.username, e.target, e.details['step']])
    expect(got).toEqual([
      ['admin', 'au-new', 'admission'],
      ['sup', 'au-3', 'verify'],
      ['sup', 'au-2', 'return'],
      ['sup', 'au-1', 'verify'],
    ])
    expect((await entries('action=status-change&q=au-2'))[0]?.details).toMatchObject({ status: 'returned' })
  })

  it('a move of households and of a village is recorded as reassignment with what moved', async () => {
    const e2 = await s.addUser({ username: 'enum2', role: 'enumerator', unitCode: '19900', villages: ['A2'] })
    expect((await post('/api/assignments/move', { households: ['hA1-2'], to: e2.id })).status).toBe(200)
    expect((await post('/api/assignments/move', { villages: ['A1'], to: e2.id }, w.tokens.admin)).status).toBe(200)
    const moves = await entries('action=reassignment')
    expect(moves.map((e) => [e.username, e.target])).toEqual([
      ['admin', e2.id],
      ['sup', e2.id],
    ])
    expect(moves[0]?.details).toMatchObject({ villages: ['A1'], households: [], moved: { villages: 1 } })
    expect(moves[1]?.details).toMatchObject({ households: ['hA1-2'], villages: [], moved: { households: 1 } })
  })
})
