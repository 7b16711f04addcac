// Register import over real HTTP on a real database: dry run, all-or-nothing refusal with line/column errors, new
// households, an idempotent re-import (no writes at all), proposals for changed people, and admin-only access.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { HouseholdDoc } from '../../shared/doc/index.ts'
import { SyncClient } from '../relay/test-client.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'
import type { RegisterReport } from './register-import.ts'

let s: TestServer
let w: World
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
})
afterAll(() => s.stop())

export const HEADER = 'household_code,personal_id,full_name,sex,birth_date,relation,ethnicity,unit,village,address'
export const GOOD = [
  HEADER,
  'HK001,046080123456,Nguyễn Văn Hùng,nam,1980-03-12,chủ hộ,Kinh,19900,Thôn A1,12 Lê Lợi',
  'HK001,046182654321,Trần Thị Mai,nữ,1982-07-01,vợ,Kinh,19900,Thôn A1,12 Lê Lợi',
  'HK001,,Nguyễn Văn Tí,nam,15/02/2010,con,Kinh,19900,Thôn A1,12 Lê Lợi',
  'HK002,046075000001,Lê Văn Sáu,male,1975-01-01,head,Kinh,20014,Thôn B1,Xóm 3',
].join('\r\n')

const post = async (csv: string | Uint8Array<ArrayBuffer>, query = 'period=2025', token = w.tokens.admin) => {
  const res = await s.api(`/api/register/imports?${query}`, {
    method: 'POST',
    token,
    headers: { 'content-type': 'text/csv' },
    body: csv,
  })
  return { status: res.status, body: (await res.json()) as RegisterReport & { code?: string } }
}
const counts = () => ({
  households: s.db.prepare('SELECT COUNT(*) FROM households').pluck().get(),
  log: s.db.prepare('SELECT COUNT(*) FROM doc_log').pluck().get(),
  seq: s.db.prepare('SELECT COALESCE(SUM(server_seq), 0) FROM households').pluck().get(),
  state: s.db.prepare('SELECT COUNT(*) FROM doc_state').pluck().get(),
})
const docOf = (code: string): HouseholdDoc => {
  const id = s.db
    .prepare('SELECT household_id FROM register_households WHERE household_code = ?')
    .pluck()
    .get(code) as string
  return HouseholdDoc.load(s.docStore.readState(id) as Uint8Array)
}

describe('POST /api/register/imports', () => {
  it('a file with errors is refused as a whole: each error has its line, column and code; nothing is written', async () => {
    const before = counts()
    const bad = [
      HEADER,
      'HK010,046080123456,Người Một,nam,1980-03-12,chủ hộ,Kinh,19900,Thôn A1,1 Đường',
      'HK010,046080123456,Người Hai,nam,1980-05-05,con,Kinh,19900,Thôn A1,1 Đường',
      'HK011,046180000002,Người Ba,nam,1980-01-01,chủ hộ,Kinh,19900,Thôn Không Có,2 Đường',
      'HK012,12345,Người Bốn,nữ,1990-02-30,chủ hộ,Kinh,99999,Thôn A1,3 Đường',
      'HK013,046190000003,Người Năm,nữ,1990-01-01,bạn,Kinh,19900,Thôn A2,4 Đường',
    ].join('\n')
    const { status, body } = await post(bad)
    expect(status).toBe(422)
    expect(body.ok).toBe(false)
    const codes = body.errors.map((e) => `${e.line}:${e.column}:${e.code}`)
    expect(codes).toEqual([
      '3:personal_id:register/duplicate-personal-id',
      '4:personal_id:personal-id/sex-mismatch',
      '5:birth_date:register/birth-date',
      '5:personal_id:personal-id/format',
      '6:relation:register/relation',
    ])
    expect(counts()).toEqual(before)
    const header = await post(
      'household_code,personal_id,full_name,sex,birth_date,relation,ethnicity,unit,village,phone\r\n',
    )
    expect(header.body.errors.map((e) => `${e.line}:${e.column}:${e.code}`)).toEqual([
      '1:phone:register/unknown-column',
      '1:address:register/missing-column',
    ])
    const village = await post(
      [HEADER, 'HK014,,Người Sáu,nam,1980-01-01,chủ hộ,Kinh,19900,Thôn Không Có,5 Đường'].join('\n'),
    )
    expect(village.body.errors).toMatchObject([{ line: 2, column: 'village', code: 'register/unknown-village' }])
    expect(counts()).toEqual(before)
  })

  it('dry run reports what would happen and writes nothing; the import creates listed households the enumerator sees', async () => {
    const before = counts()
    const dry = await post(GOOD, 'period=2025&dryRun=1')
    expect(dry.status).toBe(200)
    expect(dry.body).toMatchObject({
      ok: true,
      dryRun: true,
      rows: 4,
      households: 2,
      created: 2,
      proposals: 0,
      unchanged: 0,
      errors: [],
    })
    expect(counts()).toEqual(before)
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(GOOD)])
    const done = await post(bom, 'period=2025&name=hk.csv')
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({ ok: true, dryRun: false, rows: 4, created: 2, proposals: 0, unchanged: 0 })
    expect(counts().households).toBe((before.households as number) + 2)
    const doc = docOf('HK001')
    expect(doc.status).toBe('listed')
    expect(doc.members().map((m) => [m.fullName, m.relation, m.birthDate])).toEqual([
      ['Nguyễn Văn Hùng', 'head', '1980-03-12'],
      ['Trần Thị Mai', 'spouse', '1982-07-01'],
      ['Nguyễn Văn Tí', 'child', '2010-02-15'],
    ])
    expect(doc.answered(`members.${doc.members()[0]?.id}.healthInsurance`)).toBe(false)
    const list = (await (await s.api('/api/households', { token: w.tokens.enum })).json()) as {
      households: { headName: string }[]
    }
    expect(list.households.map((h) => h.headName)).toContain('Nguyễn Văn Hùng')
    const imports = (await (await s.api('/api/register/imports?period=2025', { token: w.tokens.admin })).json()) as {
      imports: { fileName: string; created: number }[]
    }
    expect(imports.imports[0]).toMatchObject({ fileName: 'hk.csv', created: 2 })
    const audit = (await (await s.api('/api/audit?action=register-import', { token: w.tokens.admin })).json()) as {
      entries: { username: string }[]
    }
    expect(audit.entries[0]).toMatchObject({ username: 'admin' })
  })

  it('re-importing the same file writes nothing: row counts and server_seq unchanged', async () => {
    const before = counts()
    const again = await post(GOOD)
    expect(again.body).toMatchObject({ ok: true, created: 0, proposals: 0, unchanged: 4 })
    expect(counts()).toEqual(before)
  })

  it('a changed person and a new person become proposals, never overwrites; importing that file again adds none', async () => {
    const changed =
      GOOD.replace('Trần Thị Mai', 'Trần Thị Mai Anh') +
      '\r\nHK001,,Nguyễn Thị Na,nữ,2015-06-06,con,Kinh,19900,Thôn A1,12 Lê Lợi'
    const first = await post(changed)
    expect(first.body).toMatchObject({ ok: true, created: 0, proposals: 2, unchanged: 3 })
    const doc = docOf('HK001')
    expect(doc.members().map((m) => m.fullName)).toEqual(['Nguyễn Văn Hùng', 'Trần Thị Mai', 'Nguyễn Văn Tí'])
    const spouse = doc.members()[1]
    expect(
      doc
        .proposals()
        .map((p) => [p.memberId, p.fullName, p.decision])
        .sort(),
    ).toEqual(
      [
        [null, 'Nguyễn Thị Na', null],
        [spouse?.id, 'Trần Thị Mai Anh', null],
      ].sort(),
    )
    const before = counts()
    const again = await post(changed)
    expect(again.body).toMatchObject({ ok: true, created: 0, proposals: 0, unchanged: 5 })
    expect(counts()).toEqual(before)
  })

  it('a proposal reaches a connected phone of the household at once', async () => {
    const phone = await SyncClient.connect({ url: s.url, token: w.tokens.enum, deviceId: 'enum-phone' })
    expect((await phone.hello()).type).toBe('welcome')
    const id = docOf('HK001').id
    // The world's other households are summary rows without documents: ask for this one alone (DOC step1).
    expect(await phone.step1(id, Y.encodeStateVector(new Y.Doc()))).toMatchObject({ type: 'head' })
    const head = phone.heads.get(id) ?? 0
    const changed = GOOD.replace(
      'Nguyễn Văn Hùng,nam,1980-03-12,chủ hộ,Kinh',
      'Nguyễn Văn Hùng,nam,1980-03-12,chủ hộ,Tày',
    )
    const fanOut = phone.next((m) => m.type === 'head' && m.householdId === id && m.serverSeq > head) // may arrive before the HTTP answer
    expect((await post(changed)).body).toMatchObject({ ok: true, proposals: 1 })
    await fanOut
    const replica = new Y.Doc()
    for (const u of phone.updates.get(id) ?? []) Y.applyUpdate(replica, u)
    expect(new HouseholdDoc(replica).proposals().map((p) => p.ethnicity)).toContain('Tày')
    await phone.close()
  })

  it('a personal ID already in another household of the period is an error', async () => {
    const moved = [HEADER, 'HK020,046080123456,Nguyễn Văn Hùng,nam,1980-03-12,chủ hộ,Kinh,19900,Thôn A2,9 Đường'].join(
      '\n',
    )
    const { status, body } = await post(moved)
    expect(status).toBe(422)
    expect(body.errors).toMatchObject([{ line: 2, column: 'personal_id', code: 'register/personal-id-elsewhere' }])
  })

  it('admin only; bad encoding, unknown period and wrong media type are refused with stable codes', async () => {
    for (const token of [w.tokens.enum, w.tokens.sup, w.tokens.obs])
      expect((await post(GOOD, 'period=2025', token)).status).toBe(403)
    expect(
      (
        await s.api('/api/register/imports?period=2025', {
          method: 'POST',
          headers: { 'content-type': 'text/csv' },
          body: GOOD,
        })
      ).status,
    ).toBe(401)
    const latin1 = new Uint8Array([...new TextEncoder().encode(HEADER + '\n'), 0x48, 0x4b, 0xe0, 0x0a])
    expect(await post(latin1)).toMatchObject({ status: 400, body: { code: 'register/encoding' } })
    expect(await post(GOOD, 'period=1999')).toMatchObject({ status: 404, body: { code: 'register/unknown-period' } })
    const json = await s.api('/api/register/imports?period=2025', {
      method: 'POST',
      token: w.tokens.admin,
      json: { rows: [] },
    })
    expect(json.status).toBe(415)
  })
})
