// The administrators' conflict queue over real HTTP, on households stored as real Yjs documents in a real SQLite file:
// filters (commune, village, field, age, author, status), paging, scope, the entries in words, each action (keep a
// candidate, enter a value, keep newest / kept, dismiss as equal), bulk with a bad id, audit, and who may act.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { addDocHousehold, makeWorld, type World } from '../test-support/world.ts'

const DAY = 86_400_000
let s: TestServer
let w: World
let enum2: { id: string; token: string }
let sup2Token: string
let member: { id: string; name: string }
const ids: Record<string, number> = {}

interface Entry {
  id: number
  householdId: string
  path: string
  status: string
  resolutionKind: string | null
  words: {
    question: { vi: string; en: string }
    base: { vi: string } | null
    candidates: { value: { vi: string; en: string }; author: string; deviceId: string; at: number }[]
    kept: { vi: string }
    resolution: { vi: string } | null
    resolvedBy: string | null
  }
}

function insertConflict(household: string, path: string, values: unknown[], authors: string[], ageDays: number) {
  const at = Date.now() - ageDays * DAY
  const candidates = values.map((value, i) => ({
    value,
    clientId: 100 + i,
    userId: authors[i],
    deviceId: `phone-${i}`,
    at: at + i,
  }))
  return Number(
    s.db
      .prepare(
        `INSERT INTO conflicts (household_id, path, base_json, candidates_json, kept_json, status, created_at)
         VALUES (?, ?, ?, ?, ?, 'open', ?)`,
      )
      .run(household, path, JSON.stringify(values[0]), JSON.stringify(candidates), JSON.stringify(values[0]), at)
      .lastInsertRowid,
  )
}

beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
  addDocHousehold(s, { id: 'q-A1', unitCode: '19900', villageId: 'A1', headName: 'Hồ Thị Mai' })
  addDocHousehold(s, { id: 'q-A2', unitCode: '19900', villageId: 'A2' })
  addDocHousehold(s, { id: 'q-B1', unitCode: '20014', villageId: 'B1' })
  const u2 = await s.addUser({ username: 'enum2', role: 'enumerator', villages: ['A1'], displayName: 'Lê Thị Hai' })
  enum2 = { id: u2.id, token: await s.login('enum2') }
  await s.addUser({ username: 'sup2', role: 'supervisor', unitCode: '20014' })
  sup2Token = await s.login('sup2')
  const doc = HouseholdDoc.load(s.docStore.readState('q-A1')!)
  const m = doc.members()[0]!
  member = { id: m.id, name: m.fullName }
  ids.area = insertConflict('q-A1', 'dwelling.floorAreaM2', [50, 25], [w.ids.enum, enum2.id], 10)
  ids.birth = insertConflict(
    'q-A1',
    `members.${m.id}.birthDate`,
    ['1990-05-03', '1990-03-05'],
    [w.ids.enum, enum2.id],
    1,
  )
  ids.water = insertConflict('q-A2', 'dwelling.water', ['piped', 'rainwater'], [w.ids.enum, w.ids.admin], 3)
  ids.addrB = insertConflict('q-B1', 'address', ['1 Huế', '2 Huế'], [w.ids.admin, w.ids.admin], 5)
})
afterAll(() => s.stop())

async function list(query: string, token = w.tokens.admin): Promise<{ conflicts: Entry[]; total: number }> {
  const res = await s.api(`/api/conflicts?${query}`, { token })
  expect(res.status).toBe(200)
  return (await res.json()) as { conflicts: Entry[]; total: number }
}
const idsOf = (r: { conflicts: Entry[] }) => r.conflicts.map((c) => c.id).sort((a, b) => a - b)

describe('GET /api/conflicts — the queue', () => {
  it('filters by commune, village, field (a member field across members), age, author and status', async () => {
    expect(idsOf(await list('unit=19900'))).toEqual([ids.area, ids.birth, ids.water])
    expect(idsOf(await list('village=A2'))).toEqual([ids.water])
    expect(idsOf(await list('field=dwelling.floorAreaM2'))).toEqual([ids.area])
    expect(idsOf(await list('field=members.*.birthDate'))).toEqual([ids.birth])
    expect(idsOf(await list('olderThanDays=4'))).toEqual([ids.area, ids.addrB])
    expect(idsOf(await list(`openedAfter=${Date.now() - 4 * DAY}`))).toEqual([ids.birth, ids.water])
    expect(idsOf(await list(`author=${enum2.id}`))).toEqual([ids.area, ids.birth])
    expect(idsOf(await list('status=resolved'))).toEqual([])
  })

  it('pages newest first and says how many match', async () => {
    const first = await list('limit=2&offset=0')
    const second = await list('limit=2&offset=2')
    expect(first.total).toBe(4)
    expect(first.conflicts.map((c) => c.id)).toEqual([ids.birth, ids.water])
    expect(second.conflicts.map((c) => c.id)).toEqual([ids.addrB, ids.area])
  })

  it('scope: observers see all, a supervisor only their commune, another commune none; enumerators are refused', async () => {
    expect((await list('', w.tokens.obs)).total).toBe(4)
    expect(idsOf(await list('', w.tokens.sup))).toEqual([ids.area, ids.birth, ids.water])
    expect(idsOf(await list('', sup2Token))).toEqual([ids.addrB])
    expect((await list('unit=19900', sup2Token)).total).toBe(0)
    expect((await s.api('/api/conflicts', { token: w.tokens.enum })).status).toBe(403)
  })

  it('carries the question, base, candidates (author, device, time) and kept value in words', async () => {
    const [area] = (await list('field=dwelling.floorAreaM2')).conflicts
    expect(area!.words).toMatchObject({
      question: { vi: 'Diện tích sàn (m²)', en: 'Floor area (m²)' },
      base: { vi: '50 m²' },
      kept: { vi: '50 m²' },
      candidates: [
        { value: { vi: '50 m²' }, author: 'enum', deviceId: 'phone-0' },
        { value: { vi: '25 m²' }, author: 'Lê Thị Hai', deviceId: 'phone-1' },
      ],
    })
    const [birth] = (await list('field=members.*.birthDate')).conflicts
    expect(birth!.words.question.vi).toBe(`${member.name} — Ngày sinh`)
    expect(birth!.words.candidates.map((c) => c.value.vi)).toEqual(['03/05/1990', '05/03/1990'])
    const [water] = (await list('village=A2')).conflicts
    expect(water!.words.candidates.map((c) => c.value.vi)).toEqual(['Nước máy', 'Nước mưa'])
  })
})

describe('settling conflicts', () => {
  const resolve = (id: number, json: unknown, token = w.tokens.admin) =>
    s.api(`/api/conflicts/${id}/resolve`, { method: 'POST', token, json })
  const dwelling = (id: string) => HouseholdDoc.load(s.docStore.readState(id)!).read().household.dwelling

  it('enumerators, supervisors and observers cannot resolve, dismiss or bulk-resolve (403, nothing changes)', async () => {
    for (const token of [w.tokens.enum, w.tokens.sup, w.tokens.obs]) {
      expect((await resolve(ids.area!, { candidate: 1 }, token)).status).toBe(403)
      expect((await resolve(ids.area!, { dismiss: true }, token)).status).toBe(403)
      const bulk = await s.api('/api/conflicts/resolve', {
        method: 'POST',
        token,
        json: { items: [{ id: ids.area, keep: 'newest' }] },
      })
      expect(bulk.status).toBe(403)
    }
    expect((await list('status=open')).total).toBe(4)
  })

  it('keep newest writes the later candidate; the entry says who resolved it and how, in words', async () => {
    const res = await resolve(ids.area!, { keep: 'newest' })
    expect(res.status).toBe(200)
    expect(dwelling('q-A1').floorAreaM2).toBe(25)
    const [entry] = (await list('status=resolved&field=dwelling.floorAreaM2')).conflicts
    expect(entry).toMatchObject({ status: 'resolved', resolutionKind: 'candidate' })
    expect(entry!.words).toMatchObject({ resolution: { vi: '25 m²' }, resolvedBy: 'admin' })
  })

  it('dismiss as equal writes nothing, closes the conflict and is audited as conflict-dismissed', async () => {
    const before = s.docStore.head('q-A2')
    const res = await resolve(ids.water!, { dismiss: true })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ conflict: { status: 'dismissed' }, serverSeq: null })
    expect(s.docStore.head('q-A2')).toBe(before)
    expect(idsOf(await list('status=dismissed'))).toEqual([ids.water])
    const audit = (await (await s.api('/api/audit?action=conflict-dismissed', { token: w.tokens.admin })).json()) as {
      entries: unknown[]
    }
    expect(audit.entries).toMatchObject([
      { username: 'admin', target: String(ids.water), details: { householdId: 'q-A2', choice: 'dismiss' } },
    ])
    expect((await resolve(ids.water!, { candidate: 0 })).status).toBe(409)
  })

  it('bulk: every good item is settled, a bad id is reported, nothing half-written', async () => {
    const res = await s.api('/api/conflicts/resolve', {
      method: 'POST',
      token: w.tokens.admin,
      json: {
        items: [
          { id: ids.birth, keep: 'kept' },
          { id: 987654, dismiss: true },
          { id: ids.addrB, value: '3 Huế' },
          { id: ids.area, candidate: 0 },
        ],
      },
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { results: unknown[] }).results).toMatchObject([
      { id: ids.birth, ok: true, status: 'resolved' },
      { id: 987654, ok: false, code: 'conflict/not-found' },
      { id: ids.addrB, ok: true, status: 'resolved' },
      { id: ids.area, ok: false, code: 'conflict/already-resolved' },
    ])
    expect((await list('status=open')).total).toBe(0)
    const audit = (await (await s.api('/api/audit?action=conflict-resolved', { token: w.tokens.admin })).json()) as {
      entries: { target: string; details: { choice: string } }[]
    }
    expect(audit.entries.map((e) => [Number(e.target), e.details.choice]).sort()).toEqual(
      [
        [ids.area, 'keep-newest'],
        [ids.birth, 'keep-kept'],
        [ids.addrB, 'value'],
      ].sort(),
    )
  })

  it('a value the layout refuses is reported for its item; the conflict stays open and the document unchanged', async () => {
    const id = insertConflict('q-A2', 'dwelling.floorAreaM2', [30, 31], [w.ids.enum, w.ids.admin], 0)
    const before = s.docStore.head('q-A2')
    const area = dwelling('q-A2').floorAreaM2
    const res = await s.api('/api/conflicts/resolve', {
      method: 'POST',
      token: w.tokens.admin,
      json: {
        items: [
          { id, value: -5 },
          { id, keep: 'sideways' },
        ],
      },
    })
    expect(((await res.json()) as { results: unknown[] }).results).toMatchObject([
      { id, ok: false, code: 'request/invalid' },
      { id, ok: false, code: 'request/invalid' },
    ])
    expect(idsOf(await list('status=open'))).toEqual([id])
    expect(s.docStore.head('q-A2')).toBe(before)
    expect(dwelling('q-A2').floorAreaM2).toBe(area)
  })

  it('a bad bulk body is request/invalid and settles nothing', async () => {
    const res = await s.api('/api/conflicts/resolve', { method: 'POST', token: w.tokens.admin, json: { items: [] } })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'request/invalid' })
  })
})
