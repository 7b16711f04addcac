// Console progress and devices over real HTTP: counts per village and per enumerator from the summary table, device
// reports with an injected clock for the stale flag, the report pushed live, and the query plan on the covering index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LiveClient, type DeltasMessage } from '../live/test-support/live-client.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'
import { PROGRESS_BY_ENUMERATOR_SQL, PROGRESS_BY_VILLAGE_SQL } from '../store/console-store.ts'
import { MAX_DEVICES_PER_USER } from './device-routes.ts'

let s: TestServer
let w: World
let clock = Date.UTC(2025, 9, 1, 8)
const HOUR = 60 * 60 * 1000
beforeAll(async () => {
  s = await startTestServer({ now: () => clock, deviceStaleMs: 6 * HOUR })
  w = await makeWorld(s)
})
afterAll(() => s.stop())

const none = { poor: 0, near_poor: 0, average: 0, not_poor: 0, incomplete: 0 }

describe('GET /api/progress', () => {
  it('counts per village and per enumerator: assigned, started, submitted, verified, returned, categories', async () => {
    const res = await s.api('/api/progress', { token: w.tokens.sup })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { unit: string; villages: unknown[]; enumerators: unknown[] }
    expect(body.unit).toBe('19900')
    expect(body.villages).toEqual([
      {
        unit: '19900',
        village: 'A1',
        name: 'Thôn A1',
        counts: { assigned: 3, started: 2, submitted: 1, verified: 0, returned: 0, byCategory: { ...none, poor: 3 } },
      },
      {
        unit: '19900',
        village: 'A2',
        name: 'Thôn A2',
        counts: { assigned: 1, started: 0, submitted: 0, verified: 0, returned: 0, byCategory: { ...none, poor: 1 } },
      },
    ])
    expect(body.enumerators).toEqual([
      {
        unit: '19900',
        userId: w.ids.enum,
        name: 'enum',
        villages: ['A1'],
        counts: { assigned: 3, started: 2, submitted: 1, verified: 0, returned: 0, byCategory: { ...none, poor: 3 } },
      },
    ])
  })

  it('scopes: supervisor only their unit, admin and observer any unit (named), enumerator refused', async () => {
    expect((await s.api('/api/progress?unit=20014', { token: w.tokens.sup })).status).toBe(403)
    expect((await s.api('/api/progress', { token: w.tokens.enum })).status).toBe(403)
    expect((await s.api('/api/progress', { token: w.tokens.admin })).status).toBe(400)
    const obs = (await (await s.api('/api/progress?unit=20014', { token: w.tokens.obs })).json()) as {
      villages: { village: string }[]
    }
    expect(obs.villages.map((v) => v.village)).toEqual(['B1'])
  })

  it('both progress queries read households through the covering index households_progress', () => {
    // PostgreSQL picks by its statistics (a table scan for a handful of rows): with scans off, the index must do alone.
    const pg = s.db.dialect === 'postgres'
    const explain = pg ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'
    const wanted = pg
      ? 'Index Only Scan using households_progress on households h'
      : 'SEARCH h USING COVERING INDEX households_progress'
    if (pg) s.db.exec('SET enable_seqscan = off')
    try {
      for (const sql of [PROGRESS_BY_VILLAGE_SQL, PROGRESS_BY_ENUMERATOR_SQL]) {
        const rows = s.db.prepare(`${explain} ${sql}`).all('2025', '19900', null, null) as Record<string, unknown>[]
        const plan = rows.map((r) => String(pg ? r['QUERY PLAN'] : r.detail))
        expect(plan.join(' ')).toContain(wanted)
      }
    } finally {
      if (pg) s.db.exec('RESET enable_seqscan')
    }
  })
})

describe('device reports', () => {
  it('a phone report shows on the console with last contact and counts, live, and turns stale after 6 h without contact', async () => {
    const live = await LiveClient.connect(s.url, w.tokens.sup)
    await live.subscribe()
    const report = { deviceId: 'phone-1', appVersion: '0.3.1', unsyncedEdits: 12, unsyncedPhotos: 3 }
    const from = live.messages.length
    const res = await s.api('/api/devices/report', { method: 'POST', token: w.tokens.enum, json: report })
    expect(res.status).toBe(200)
    const pushed = (await live.next(
      (m) => m.type === 'deltas' && (m as unknown as DeltasMessage).devices.length > 0,
      from,
    )) as unknown as DeltasMessage
    expect(pushed.devices[0]).toMatchObject({ ...report, userId: w.ids.enum, lastContact: clock, stale: false })
    const list = async () =>
      ((await (await s.api('/api/devices', { token: w.tokens.sup })).json()) as { devices: Record<string, unknown>[] })
        .devices
    expect(await list()).toEqual([{ ...report, userId: w.ids.enum, name: 'enum', lastContact: clock, stale: false }])
    clock += 6 * HOUR + 1
    expect((await list())[0]).toMatchObject({ stale: true })
    await live.close()
  })

  it('refuses malformed reports, too many devices per account, and device lists outside the console roles', async () => {
    for (const body of [
      { deviceId: '../x', appVersion: '1', unsyncedEdits: 0, unsyncedPhotos: 0 },
      { deviceId: 'p', appVersion: '1', unsyncedEdits: -1, unsyncedPhotos: 0 },
      { deviceId: 'p', appVersion: '1', unsyncedEdits: 0, unsyncedPhotos: 0, userId: 'x' },
    ]) {
      const res = await s.api('/api/devices/report', { method: 'POST', token: w.tokens.enum, json: body })
      expect(res.status).toBe(400)
      expect(((await res.json()) as { code: string }).code).toBe('request/invalid')
    }
    for (let i = 0; i < MAX_DEVICES_PER_USER; i++) {
      const r = await s.api('/api/devices/report', {
        method: 'POST',
        token: w.tokens.obs,
        json: { deviceId: `d${i}`, appVersion: '1', unsyncedEdits: 0, unsyncedPhotos: 0 },
      })
      expect(r.status).toBe(200)
    }
    const over = await s.api('/api/devices/report', {
      method: 'POST',
      token: w.tokens.obs,
      json: { deviceId: 'one-more', appVersion: '1', unsyncedEdits: 0, unsyncedPhotos: 0 },
    })
    expect(over.status).toBe(429)
    expect(((await over.json()) as { code: string }).code).toBe('device/too-many')
    // A known device keeps reporting.
    expect(
      (
        await s.api('/api/devices/report', {
          method: 'POST',
          token: w.tokens.obs,
          json: { deviceId: 'd0', appVersion: '2', unsyncedEdits: 0, unsyncedPhotos: 0 },
        })
      ).status,
    ).toBe(200)
    expect((await s.api('/api/devices', { token: w.tokens.enum })).status).toBe(403)
    expect((await s.api('/api/devices?unit=20014', { token: w.tokens.sup })).status).toBe(403)
    expect((await s.api('/api/devices/report', { method: 'POST', json: {} })).status).toBe(401)
  })
})
