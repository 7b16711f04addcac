// Fuzzing the HTTP API on the real server: mutated JSON bodies on every JSON POST route, mutated register CSVs and photo
// uploads. Every refusal is a 4xx { code, message, details } (never a 500) and leaves the database as it was.
// RASOAT_SEED replays a run.
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { testB1Table } from '../../shared/test-support/b1-tables.ts'
import { PHOTO_MAX_BYTES } from '../photos/photo-store.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'
import { applyChange, jsonChange, textOf } from './fuzz-json.ts'
import { dbDigest, mutate, mutation } from './fuzz-support.ts'
import { LONG, report, seed, trials } from './long-run.ts'

let s: TestServer
let w: World
/** A run's trials, not one trial, may take this long on a loaded machine. */
const TIMEOUT = LONG ? 3_600_000 : 300_000
const figures = { cases: 0, refused: 0, accepted: 0, crashes: 0, changed: 0 }
const serverErrors: unknown[] = []
const runSeed = seed()

beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
  await s.addUser({ username: 'fz-target', role: 'enumerator', villages: ['A2'] })
  await s.addUser({ username: 'fz-login', role: 'enumerator', villages: ['A2'] })
  // the app reports a failure that is not an ApiError through console.error: every one is a defect here
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void serverErrors.push(args))
})

afterAll(async () => {
  vi.restoreAllMocks()
  await s?.stop()
})

type Who = keyof World['tokens'] | null
interface JsonRoute {
  path: string
  who: Who
  body: unknown
  /** Tables a refusal may still touch by design (a failed login counts towards the lockout). */
  touches?: string[]
}

const routes = (): JsonRoute[] => [
  {
    path: '/api/login',
    who: null,
    body: { username: 'fz-login', password: 'correct horse battery' },
    touches: ['users', 'audit_log'],
  },
  {
    path: '/api/users',
    who: 'admin',
    body: { username: 'fz-new', password: 'correct horse battery', role: 'enumerator', villages: ['A1'] },
  },
  { path: '/api/users/fz-target', who: 'admin', body: { displayName: 'Người Thử' } },
  { path: '/api/users/fz-target/password', who: 'admin', body: { password: 'another good password' } },
  { path: '/api/assignments/move', who: 'sup', body: { households: ['hA2-1'], villages: [], to: 'fz-target' } },
  { path: '/api/households/hA1-3/review/verify', who: 'sup', body: { comment: 'đã xác minh' } },
  {
    path: '/api/households/hA1-3/review/meeting',
    who: 'sup',
    body: { date: '2025-10-01', attendees: 30, agreeing: 25, comment: 'họp thôn' },
  },
  { path: '/api/households/hA1-3/review/posting', who: 'sup', body: { from: '2025-10-02' } },
  {
    path: '/api/households/hA1-3/review/return',
    who: 'sup',
    body: { comment: 'bổ sung', fieldComments: [{ path: 'address', text: 'ghi rõ số nhà' }] },
  },
  { path: '/api/households/hA1-3/review/recheck', who: 'sup', body: { comment: 'phúc tra' } },
  { path: '/api/households/hA1-3/review/recheck-done', who: 'sup', body: { comment: 'đã phúc tra' } },
  {
    path: '/api/households/hA1-3/review/approve',
    who: 'sup',
    body: { decisionNumber: '12/QĐ-UBND', decisionDate: '2025-11-01' },
  },
  { path: '/api/households/hA1-3/review/certify', who: 'sup', body: { comment: 'công nhận' } },
  { path: '/api/households/hA1-3/admission', who: 'admin', body: { decision: 'approved' } },
  { path: '/api/review/verify', who: 'sup', body: { ids: ['hA1-3'], comment: 'ok' } },
  {
    path: '/api/devices/report',
    who: 'enum',
    body: { deviceId: 'phone-1', appVersion: '1.0.0', unsyncedEdits: 0, unsyncedPhotos: 0 },
  },
  { path: '/api/conflicts/1/resolve', who: 'admin', body: { keep: 'kept' } },
  { path: '/api/conflicts/resolve', who: 'admin', body: { items: [{ id: 1, keep: 'newest' }] } },
  { path: '/api/areas/villages', who: 'admin', body: { unitCode: '19900', name: 'Thôn Mới' } },
  { path: '/api/areas/villages/A2/rename', who: 'admin', body: { name: 'Thôn A2 Mới' } },
  { path: '/api/areas/villages/A2/merge', who: 'admin', body: { into: 'A1' } },
  { path: '/api/areas/villages/A2/assign', who: 'admin', body: { username: 'fz-target' } },
  { path: '/api/areas/villages/A2/unassign', who: 'admin', body: { username: 'fz-target' } },
  { path: '/api/areas/units', who: 'admin', body: { text: '[]', fileName: 'units.json' } },
  { path: '/api/periods', who: 'admin', body: { id: '2026', standard: 'ND07_2022_2025', referenceDate: '2026-09-01' } },
  { path: '/api/periods/2026/carry', who: 'admin', body: {} },
  { path: '/api/periods/2026/current', who: 'admin', body: {} },
  { path: '/api/periods/2024/close', who: 'admin', body: {} },
  { path: '/api/b1-tables', who: 'admin', body: testB1Table() },
]

/** How the JSON reaches the server: as is, bytes mutated, or with invalid UTF-8 sequences put in. */
const encoding = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'plain' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('bytes' as const),
      ops: fc.array(mutation, { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('utf8' as const),
      at: fc.nat(),
      bad: fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf], [0]),
    }),
  },
)

type Encoding = typeof encoding extends fc.Arbitrary<infer T> ? T : never

function encode(value: unknown, e: Encoding): Uint8Array<ArrayBuffer> {
  const text = new TextEncoder().encode(textOf(value))
  if (e.kind === 'plain') return text
  if (e.kind === 'bytes') return mutate(text, e.ops)
  const at = e.at % (text.length + 1)
  return new Uint8Array([...text.subarray(0, at), ...e.bad, ...text.subarray(at)])
}

/** A request: its answer is a 2xx, or a 4xx error body; refused, the database is unchanged. */
async function send(
  path: string,
  init: { method: string; who: Who; type: string; body: Uint8Array<ArrayBuffer> },
  touches: string[] = [],
): Promise<number> {
  const skip = ['sessions', ...touches]
  const before = dbDigest(s.db, { skip })
  const res = await s.api(path, {
    method: init.method,
    token: init.who ? w.tokens[init.who] : undefined,
    headers: { 'content-type': init.type },
    body: init.body,
  })
  const text = await res.text()
  figures.cases++
  if (res.status >= 500 || serverErrors.length > 0) figures.crashes++
  expect({ status: res.status, text: text.slice(0, 300), errors: serverErrors }).toMatchObject({
    status: expect.toBeOneOf([200, 201, 204, 400, 401, 403, 404, 409, 410, 413, 415, 422, 423, 429]),
    errors: [],
  })
  if (res.status < 400) {
    figures.accepted++
    return res.status
  }
  figures.refused++
  const error = JSON.parse(text) as Record<string, unknown>
  if (path.startsWith('/api/register/') && res.status === 422) {
    // a refused register file answers with its report: every error with its line, column and code (docs/server.md)
    expect(error.ok).toBe(false)
    expect((error.errors as { code: unknown }[]).every((e) => typeof e.code === 'string')).toBe(true)
  } else {
    expect(Object.keys(error).sort()).toEqual(['code', 'details', 'message'])
    expect(typeof error.code).toBe('string')
    expect(typeof error.message).toBe('string')
  }
  const after = dbDigest(s.db, { skip })
  if (after !== before) figures.changed++
  expect(after, `${path} answered ${res.status} ${text.slice(0, 200)} and changed the database`).toBe(before)
  return res.status
}

it(
  'every JSON POST route: mutated bodies get a 4xx { code, message, details } and change nothing, never a 500',
  async () => {
    const all = routes()
    const prop = fc.asyncProperty(
      fc.nat(all.length - 1),
      fc.array(jsonChange, { maxLength: 3 }),
      encoding,
      async (r, changes, enc) => {
        const route = all[r]!
        let body: unknown = structuredClone(route.body)
        for (const c of changes) body = applyChange(body, c)
        if (changes.length === 0 && enc.kind === 'plain') body = applyChange(body, { op: 'drop', pick: 0 })
        await send(
          route.path,
          { method: 'POST', who: route.who, type: 'application/json', body: encode(body, enc) },
          route.touches,
        )
      },
    )
    await fc.assert(prop, { seed: runSeed, numRuns: trials(300, 5_000) })
  },
  TIMEOUT,
)

const HEADER = 'household_code,personal_id,full_name,sex,birth_date,relation,ethnicity,unit,village,address'
const CSV = [
  HEADER,
  'HK001,046080123456,Nguyễn Văn Hùng,nam,1980-03-12,chủ hộ,Kinh,19900,Thôn A1,"12 Lê Lợi, tổ 3"',
  'HK001,046182654321,Trần Thị Mai,nữ,1982-07-01,vợ,Kinh,19900,Thôn A1,"12 Lê Lợi, tổ 3"',
  'HK002,046075000001,Lê Văn Sáu,male,1975-01-01,head,Kinh,20014,Thôn B1,Xóm 3',
].join('\r\n')

const csvChange = fc.oneof(
  fc.record({ kind: fc.constant('bytes' as const), ops: fc.array(mutation, { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('bom' as const), twice: fc.boolean() }),
  fc.record({ kind: fc.constant('quote' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('columns' as const), drop: fc.boolean(), line: fc.nat(3) }),
  fc.record({ kind: fc.constant('utf8' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('huge' as const), length: fc.integer({ min: 100_000, max: 1_000_000 }) }),
)

function csvOf(c: typeof csvChange extends fc.Arbitrary<infer T> ? T : never): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(CSV)
  const lines = CSV.split('\r\n')
  switch (c.kind) {
    case 'bytes':
      return mutate(bytes, c.ops)
    case 'bom':
      return new Uint8Array([...(c.twice ? [0xef, 0xbb, 0xbf] : []), 0xef, 0xbb, 0xbf, 0xef, 0xbb, ...bytes])
    case 'quote': {
      const at = c.at % CSV.length
      return new TextEncoder().encode(`${CSV.slice(0, at)}"${CSV.slice(at)}`)
    }
    case 'columns':
      lines[c.line] = c.drop ? lines[c.line]!.split(',').slice(1).join(',') : `${lines[c.line]},thêm,cột`
      return new TextEncoder().encode(lines.join('\r\n'))
    case 'utf8': {
      const at = c.at % bytes.length
      return new Uint8Array([...bytes.subarray(0, at), 0xff, 0xfe, 0xc3, ...bytes.subarray(at)])
    }
    case 'huge':
      return new TextEncoder().encode(
        `${CSV}\r\nHK003,,${'Ấ'.repeat(c.length)},nam,1990-01-01,chủ hộ,Kinh,19900,Thôn A1,x`,
      )
  }
}

it(
  'register CSVs with broken quotes, wrong columns, BOMs, invalid UTF-8 and huge lines are refused as a whole',
  async () => {
    const prop = fc.asyncProperty(csvChange, fc.boolean(), async (c, dry) => {
      const path = `/api/register/imports?period=2025${dry ? '&dryRun=1' : ''}`
      await send(path, { method: 'POST', who: 'admin', type: 'text/csv', body: csvOf(c) })
    })
    await fc.assert(prop, { seed: runSeed + 1, numRuns: trials(80, 1_500) })
  },
  TIMEOUT,
)

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

const photoCase = fc.record({
  body: fc.oneof(
    fc.record({ kind: fc.constant('magic' as const), ops: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('truncated' as const), keep: fc.nat(40) }),
    fc.record({ kind: fc.constant('oversize' as const), extra: fc.integer({ min: 1, max: 4096 }) }),
    fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 200 }) }),
  ),
  hash: fc.constantFrom('right', 'wrong', 'short', 'upper'),
  type: fc.constantFrom('image/jpeg', 'image/webp', 'image/png', 'text/plain'),
  household: fc.constantFrom(null, 'hA1-1', 'hB1-1', 'no-such'),
})

it(
  'photo uploads with a wrong magic, truncated, a wrong hash or above the size limit are refused, nothing stored',
  async () => {
    const jpeg = new Uint8Array([
      0xff,
      0xd8,
      0xff,
      0xe0,
      0x00,
      0x10,
      0x4a,
      0x46,
      0x49,
      0x46,
      ...Array(40).fill(7),
      0xff,
      0xd9,
    ])
    const prop = fc.asyncProperty(photoCase, async (c) => {
      const b = c.body
      const body =
        b.kind === 'magic'
          ? mutate(jpeg.subarray(0, 12), b.ops).slice()
          : b.kind === 'truncated'
            ? jpeg.slice(0, b.keep)
            : b.kind === 'oversize'
              ? new Uint8Array(PHOTO_MAX_BYTES + b.extra).fill(0xd8)
              : b.bytes.slice()
      const right = sha(body)
      const name =
        c.hash === 'right'
          ? right
          : c.hash === 'upper'
            ? right.toUpperCase()
            : c.hash === 'short'
              ? right.slice(2)
              : sha(jpeg)
      const query = c.household ? `?household=${c.household}` : ''
      await send(`/api/photos/${name}${query}`, { method: 'PUT', who: 'enum', type: c.type, body })
    })
    await fc.assert(prop, { seed: runSeed + 2, numRuns: trials(60, 1_000) })
    report('fuzz-http', runSeed, figures)
  },
  TIMEOUT,
)
