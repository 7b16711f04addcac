// The workflow check a device's update passes in inspectUpdate (rule ids W1… are in docs/server.md "Workflow permissions"):
// field moves only, history `by` = the writer, plausible `at`, no review data, locked records refuse edits.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { makeHousehold } from '../test-support/household-fixtures.ts'
import type { Status } from '../household/types.ts'
import { HouseholdDoc, inspectUpdate, SERVER_CLIENT_ID } from './index.ts'
import { postingEnd } from './workflow.ts'

const NOW = Date.parse('2026-11-20T03:00:00Z')
const writer = { userId: 'u-enum', now: NOW }
const at = new Date(NOW - 60_000).toISOString()

function setup(status: Status) {
  const server = HouseholdDoc.create(makeHousehold({ status }), { clientId: SERVER_CLIENT_ID })
  const ydoc = new Y.Doc()
  ydoc.clientID = 300
  Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(server.ydoc))
  const phone = new HouseholdDoc(ydoc)
  const diff = () => Y.encodeStateAsUpdate(phone.ydoc, Y.encodeStateVector(server.ydoc))
  return { server, phone, check: () => inspectUpdate(server.ydoc, diff(), { writer }) }
}

describe('workflow guard', () => {
  it('W1 the enumerator moves: listed → assigned → in_progress → submitted in one upload, and returned / re_review → in_progress', () => {
    const a = setup('listed')
    for (const to of ['assigned', 'in_progress', 'submitted'] as const)
      expect(a.phone.changeStatus(to, { by: 'u-enum', at }).ok).toBe(true)
    expect(a.check()).toMatchObject({ ok: true })
    for (const from of ['returned', 're_review'] as const) {
      const b = setup(from)
      b.phone.changeStatus('in_progress', { by: 'u-enum', at })
      b.phone.setField('address', 'sửa lại')
      expect(b.check()).toMatchObject({ ok: true })
    }
  })

  it('W2 review moves from a device are refused: submitted → verified / returned, verified → agreed_at_meeting, posted → approved', () => {
    for (const [from, to] of [
      ['submitted', 'verified'],
      ['submitted', 'returned'],
      ['verified', 'agreed_at_meeting'],
      ['approved', 'certified'],
    ] as const) {
      const s = setup(from)
      expect(s.phone.changeStatus(to, { by: 'u-enum', at }).ok).toBe(true)
      expect(s.check(), `${from} → ${to}`).toMatchObject({
        ok: false,
        code: from === 'submitted' ? 'sync/forbidden-transition' : 'sync/record-locked',
      })
    }
  })

  it('W3 a history entry must name the signed-in user', () => {
    const s = setup('in_progress')
    s.phone.changeStatus('submitted', { by: 'u-supervisor', at })
    expect(s.check()).toMatchObject({ ok: false, code: 'sync/forbidden-transition', path: 'history' })
  })

  it('W4 an entry time far in the future or the past is refused; a phone offline for weeks is not', () => {
    for (const [when, ok] of [
      [NOW + 2 * 86_400_000, false],
      [NOW - 500 * 86_400_000, false],
      [NOW - 30 * 86_400_000, true],
    ] as const) {
      const s = setup('in_progress')
      s.phone.changeStatus('submitted', { by: 'u-enum', at: new Date(when).toISOString() })
      expect(s.check().ok, new Date(when).toISOString()).toBe(ok)
    }
  })

  it('W5 a status written without its history entry, or an entry without the status, is refused', () => {
    const a = setup('in_progress')
    a.phone.ydoc.getMap('workflow').set('status', 'submitted')
    expect(a.check()).toMatchObject({ ok: false, code: 'sync/forbidden-transition' })
    const b = setup('in_progress')
    b.phone.ydoc.getArray('history').push([{ from: 'in_progress', to: 'submitted', by: 'u-enum', at, comment: null }])
    expect(b.check()).toMatchObject({ ok: false, code: 'sync/forbidden-transition' })
    // A status written back to its current value changes nothing and is accepted.
    const c = setup('in_progress')
    c.phone.ydoc.getMap('workflow').set('status', 'in_progress')
    expect(c.check()).toMatchObject({ ok: true })
  })

  it('W6 review data in an entry from a device is refused (field comments, meeting, decision, reviewer name)', () => {
    const s = setup('in_progress')
    s.phone.changeStatus('submitted', { by: 'u-enum', at, details: { byName: 'Cán bộ xã' } })
    expect(s.check()).toMatchObject({ ok: false, code: 'sync/forbidden-transition' })
  })

  it('W7 a verified (or later) record is locked: answer edits, photos and GPS from a device are refused; submitted is not locked', () => {
    for (const status of [
      'verified',
      'agreed_at_meeting',
      'posted',
      'under_recheck',
      'approved',
      'certified',
    ] as const) {
      const s = setup(status)
      s.phone.setDwelling({ floorAreaM2: 12 })
      expect(s.check(), status).toMatchObject({ ok: false, code: 'sync/record-locked' })
    }
    const open = setup('submitted')
    open.phone.setDwelling({ floorAreaM2: 12 })
    expect(open.check()).toMatchObject({ ok: true })
  })

  it("W8 without a writer (the server's own state) nothing is checked; an update with nothing new passes on a locked record", () => {
    const s = setup('verified')
    s.phone.setDwelling({ floorAreaM2: 12 })
    expect(
      inspectUpdate(s.server.ydoc, Y.encodeStateAsUpdate(s.phone.ydoc, Y.encodeStateVector(s.server.ydoc))),
    ).toMatchObject({ ok: true })
    const t = setup('verified')
    expect(t.check()).toMatchObject({ ok: true })
  })
})

describe('review steps (HouseholdDoc)', () => {
  const by = { id: 'u-sup', name: 'Lê Thị Hồng', at }

  it('a return needs a comment or field comments; field comments must name a field; both are in the history entry', () => {
    const d = HouseholdDoc.create(makeHousehold({ status: 'submitted' }))
    expect(d.returnForRework(by, null, [])).toMatchObject({ ok: false })
    expect(d.returnForRework(by, null, [{ path: 'dwelling.nothing', text: 'x' }])).toMatchObject({
      ok: false,
      code: 'household/unknown-path',
    })
    expect(d.returnForRework(by, 'Đo lại', [{ path: 'dwelling.floorAreaM2', text: 'Diện tích sai' }]).ok).toBe(true)
    expect(d.read().workflow.history.at(-1)).toEqual({
      from: 'submitted',
      to: 'returned',
      by: 'u-sup',
      at,
      comment: 'Đo lại',
      byName: 'Lê Thị Hồng',
      fieldComments: [{ path: 'dwelling.floorAreaM2', text: 'Diện tích sai' }],
    })
  })

  it('the meeting accepts at ≥ 50 % agreeing, otherwise re_review; more agreeing than attendees is refused', () => {
    const half = HouseholdDoc.create(makeHousehold({ status: 'verified' }))
    expect(half.recordMeeting(by, { date: '2026-11-18', attendees: 10, agreeing: 11 }).ok).toBe(false)
    expect(half.recordMeeting(by, { date: '2026-11-18', attendees: 10, agreeing: 5 }).ok).toBe(true)
    expect(half.status).toBe('agreed_at_meeting')
    const less = HouseholdDoc.create(makeHousehold({ status: 'verified' }))
    less.recordMeeting(by, { date: '2026-11-18', attendees: 10, agreeing: 4 })
    expect(less.status).toBe('re_review')
    expect(less.read().workflow.history.at(-1)).toMatchObject({ meetingDate: '2026-11-18', attendees: 10, agreeing: 4 })
  })

  it('posting lasts 3 working days (a Friday start ends on Tuesday); re-check goes back to posted; approval carries the decision', () => {
    expect(postingEnd('2026-11-20')).toBe('2026-11-24') // Fri → Mon, Tue
    expect(postingEnd('2026-11-21')).toBe('2026-11-25') // Sat: Mon, Tue, Wed
    expect(postingEnd('2026-11-16')).toBe('2026-11-18')
    const d = HouseholdDoc.create(makeHousehold({ status: 'agreed_at_meeting' }))
    expect(d.post(by, '2026-11-20').ok).toBe(true)
    expect(d.read().workflow.history.at(-1)).toMatchObject({ postedFrom: '2026-11-20', postedUntil: '2026-11-24' })
    expect(d.post(by, '2026-11-20')).toMatchObject({ ok: false, code: 'household/invalid-transition' })
    expect(d.startRecheck(by, 'Khiếu nại của hàng xóm').ok).toBe(true)
    expect(d.endRecheck(by, 'Đã phúc tra: giữ kết quả').ok).toBe(true)
    expect(d.status).toBe('posted')
    expect(d.approve(by, { number: '123/QĐ-UBND', date: '2026-11-28' }).ok).toBe(true)
    expect(d.certify(by).ok).toBe(true)
    expect(d.read().workflow.history.map((h) => h.to)).toEqual([
      'posted',
      'under_recheck',
      'posted',
      'approved',
      'certified',
    ])
    expect(d.read().workflow.history[3]).toMatchObject({ decisionNumber: '123/QĐ-UBND', decisionDate: '2026-11-28' })
  })

  it('review entries pass the layout check (the server writes them; devices receive them)', () => {
    const server = HouseholdDoc.create(makeHousehold({ status: 'submitted' }), { clientId: SERVER_CLIENT_ID })
    const copy = new Y.Doc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(server.ydoc))
    server.returnForRework(by, 'Đo lại', [{ path: 'dwelling.floorAreaM2', text: 'Diện tích sai' }])
    expect(inspectUpdate(copy, Y.encodeStateAsUpdate(server.ydoc, Y.encodeStateVector(copy)))).toMatchObject({
      ok: true,
    })
  })
})

describe('households found in the field', () => {
  const found = {
    id: 'hh-new-1',
    period: '2026',
    unit: '19789',
    village: 'v-a',
    address: '12 Kiệt 4 Chi Lăng',
    headName: 'Hồ Văn Tâm',
  }

  it('W9 foundInField writes the household, its head and admission pending in one transaction; the layout check and the guard accept it as a creation', () => {
    const phone = new HouseholdDoc(new Y.Doc())
    let transactions = 0
    phone.ydoc.on('afterTransaction', () => transactions++)
    expect(phone.foundInField(found)).toEqual({ ok: true, id: 'hh-new-1' })
    expect(transactions).toBe(1)
    const r = phone.read()
    expect(r.household).toMatchObject({
      id: 'hh-new-1',
      village: 'v-a',
      address: '12 Kiệt 4 Chi Lăng',
      members: [expect.objectContaining({ fullName: 'Hồ Văn Tâm', relation: 'head' })],
    })
    expect(r.workflow).toMatchObject({ status: 'listed', admission: 'pending' })
    expect(inspectUpdate(new Y.Doc(), Y.encodeStateAsUpdate(phone.ydoc), { writer })).toMatchObject({ ok: true })
    expect(phone.foundInField(found)).toMatchObject({ ok: false })
    expect(new HouseholdDoc(new Y.Doc()).foundInField({ ...found, headName: '  ' })).toMatchObject({ ok: false })
  })

  it('W10 a device may not approve its own household, nor mark an existing household pending', () => {
    const s = setup('in_progress')
    s.phone.ydoc.getMap('workflow').set('admission', 'approved')
    expect(s.check()).toMatchObject({ ok: false, code: 'sync/forbidden-transition', path: 'workflow.admission' })
    const t = setup('in_progress')
    t.phone.ydoc.getMap('workflow').set('admission', 'pending')
    expect(t.check()).toMatchObject({ ok: false, code: 'sync/forbidden-transition' })
    const created = new HouseholdDoc(new Y.Doc())
    created.foundInField(found)
    created.ydoc.getMap('workflow').set('admission', 'approved')
    expect(inspectUpdate(new Y.Doc(), Y.encodeStateAsUpdate(created.ydoc), { writer })).toMatchObject({
      ok: false,
      code: 'sync/forbidden-transition',
    })
  })

  it('decideAdmission: only a pending household, once', () => {
    const d = new HouseholdDoc(new Y.Doc())
    d.foundInField(found)
    expect(d.decideAdmission('approved').ok).toBe(true)
    expect(d.read().workflow.admission).toBe('approved')
    expect(d.decideAdmission('rejected')).toMatchObject({ ok: false, code: 'household/invalid-transition' })
    expect(HouseholdDoc.create(makeHousehold()).decideAdmission('approved')).toMatchObject({ ok: false })
  })
})

describe('concurrent moves', () => {
  it('W11 two devices reopening one listed record offline: the second upload (same status in the end) is accepted', () => {
    const server = HouseholdDoc.create(makeHousehold({ status: 'listed' }), { clientId: SERVER_CLIENT_ID })
    const device = (clientId: number) => {
      const ydoc = new Y.Doc()
      ydoc.clientID = clientId
      Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(server.ydoc))
      return new HouseholdDoc(ydoc)
    }
    const [one, two] = [device(301), device(302)]
    for (const d of [one, two])
      for (const to of ['assigned', 'in_progress'] as const) d.changeStatus(to, { by: 'u-enum', at })
    const first = Y.encodeStateAsUpdate(one.ydoc, Y.encodeStateVector(server.ydoc))
    expect(inspectUpdate(server.ydoc, first, { writer })).toMatchObject({ ok: true })
    Y.applyUpdate(server.ydoc, first)
    expect(
      inspectUpdate(server.ydoc, Y.encodeStateAsUpdate(two.ydoc, Y.encodeStateVector(server.ydoc)), { writer }),
    ).toMatchObject({ ok: true })
  })

  it('W12 a stale submit that would undo a return (server returned meanwhile) is refused', () => {
    const server = HouseholdDoc.create(makeHousehold({ status: 'in_progress' }), { clientId: SERVER_CLIENT_ID })
    const ydoc = new Y.Doc()
    ydoc.clientID = 0x7fffffff // a high client id: its concurrent status write would win in Yjs
    Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(server.ydoc))
    const phone = new HouseholdDoc(ydoc)
    // Another device of the enumerator submitted; the supervisor returned it; this phone, offline, submits too.
    server.changeStatus('submitted', { by: 'u-enum', at })
    server.returnForRework({ id: 'u-sup', at }, 'Đo lại')
    phone.changeStatus('submitted', { by: 'u-enum', at })
    const r = inspectUpdate(server.ydoc, Y.encodeStateAsUpdate(phone.ydoc, Y.encodeStateVector(server.ydoc)), {
      writer,
    })
    expect(r).toMatchObject({ ok: false, code: 'sync/forbidden-transition' })
  })
})
