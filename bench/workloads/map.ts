// Map workload: a commune of real household documents plus the rest of the city as summary rows (the map reads only
// the summary table), then GET /api/pins first-view bytes and time at city and street zoom for a supervisor (one
// commune) and an admin (the city), and edit-ack → pin-delta latency over the /live socket.

import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { seededRandom } from '../../shared/test-support/household-fixtures.ts'
import { CATEGORIES, STATUSES } from '../../shared/household/types.ts'
import { createSession } from '../../server/auth/sessions.ts'
import { createUser } from '../../server/auth/users.ts'
import { LiveClient } from '../../server/live/test-support/live-client.ts'
import { DeviceReplica } from '../../server/test-support/household-fixture.ts'
import { SyncClient } from '../../server/relay/test-client.ts'
import { allocate, insertVillages, makeVillages, pickUnits } from '../../server/seed/places.ts'
import { writeHouseholds } from '../../server/seed/seed.ts'
import { startServer } from '../../server/server.ts'
import { percentile, round } from '../lib/stats.ts'

export interface MapParams {
  /** Households of the supervisor's commune, stored as real Yjs documents. */
  commune: number
  /** Households of the whole city (the commune included); the others are summary rows only. */
  city: number
  /** Sequential edits measured for edit-ack → pin latency. */
  edits: number
}

export interface ViewResult {
  coldMs: number
  warmMs: number
  bytes: number
  gzipBytes: number
  clusters: number
  pins: number
}

export interface MapResult {
  seed: { communeDocsS: number; citySummaryRowsS: number }
  views: Record<string, ViewResult>
  /** GET /api/progress of one unit: first request and median of 7 more (ms), with the body size. */
  progress: Record<string, { firstMs: number; warmMs: number; bytes: number }>
  latency: { edits: number; ackToPinP50: number; ackToPinP99: number; sendToPinP50: number; sendToPinP99: number }
  loadavg: { before: number[]; after: number[] }
}

/** A 1280 × 800 px viewport centred on (lat, lng) at `zoom` (Web Mercator, 256-px tiles). */
export function viewport(lat: number, lng: number, zoom: number): string {
  const w = (1280 / 256) * (360 / 2 ** zoom)
  const h = (800 / 256) * (360 / 2 ** zoom) * Math.cos((lat * Math.PI) / 180)
  return [lng - w / 2, lat - h / 2, lng + w / 2, lat + h / 2].map((x) => x.toFixed(6)).join(',')
}

export async function runMap(p: MapParams, log: (s: string) => void): Promise<MapResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-map-'))
  const server = await startServer({
    dataDir,
    port: 0,
    seedDemo: false,
    clientDir: join(dataDir, 'none'),
    log: () => {},
  })
  try {
    const { db, docStore } = server
    const rand = seededRandom(20_000)
    const units = pickUnits(db, 40)
    const villages = makeVillages(units, 8, rand)
    insertVillages(db, villages)
    const commune = units[0]!.code
    const communeVillages = villages.filter((v) => v.unitCode === commune)
    let t = performance.now()
    writeHouseholds(db, docStore, communeVillages, allocate(communeVillages, p.commune), { seed: 7, batchSize: 1000 })
    const communeDocsS = (performance.now() - t) / 1000
    log(`  commune ${commune}: ${p.commune} household documents in ${round(communeDocsS, 1)} s`)

    t = performance.now()
    const others = villages.filter((v) => v.unitCode !== commune)
    const counts = allocate(others, Math.max(0, p.city - p.commune))
    const insert = db.prepare(
      `INSERT INTO households (id, period, unit_code, village_id, head_name, status, category, lat, lng, accuracy_m, search_text)
       VALUES (?, '2025', ?, ?, ?, ?, ?, ?, ?, ?, '')`,
    )
    db.transaction(() => {
      others.forEach((v, i) => {
        for (let k = 0; k < (counts[i] ?? 0); k++) {
          const status = STATUSES[Math.floor(rand() * 6)]
          const category = CATEGORIES[Math.floor(rand() * CATEGORIES.length)]
          insert.run(
            `${v.id}-s${k}`,
            v.unitCode,
            v.id,
            `Hộ ${k}`,
            status,
            category,
            v.lat + (rand() - 0.5) * 0.008,
            v.lng + (rand() - 0.5) * 0.008,
            5 + rand() * 30,
          )
        }
      })
    })()
    const citySummaryRowsS = (performance.now() - t) / 1000
    log(`  city: ${p.city - p.commune} more households as summary rows in ${round(citySummaryRowsS, 1)} s`)

    const people = {
      sup: await createUser(db, {
        username: 'sup',
        password: 'correct horse battery',
        role: 'supervisor',
        unitCode: commune,
      }),
      admin: await createUser(db, { username: 'admin', password: 'correct horse battery', role: 'admin' }),
      an: await createUser(db, {
        username: 'an',
        password: 'correct horse battery',
        role: 'enumerator',
        villages: [communeVillages[0]!.id],
      }),
    }
    const token = (id: string) => createSession(db, id).token
    const tokens = { sup: token(people.sup.id), admin: token(people.admin.id), an: token(people.an.id) }
    const before = loadavg()

    const views: Record<string, ViewResult> = {}
    const centre = communeVillages[0]!
    const plan = [
      ['commune, city zoom 11', tokens.sup, viewport(16.45, 107.575, 11), 11],
      ['commune, street zoom 17', tokens.sup, viewport(centre.lat, centre.lng, 17), 17],
      ['city, city zoom 11', tokens.admin, viewport(16.45, 107.575, 11), 11],
      ['city, street zoom 17', tokens.admin, viewport(centre.lat, centre.lng, 17), 17],
    ] as const
    for (const [name, tok, bbox, zoom] of plan) {
      const fetchPins = async () => {
        const t0 = performance.now()
        const res = await fetch(`${server.url}/api/pins?bbox=${bbox}&zoom=${zoom}`, {
          headers: { authorization: `Bearer ${tok}` },
        })
        const text = await res.text()
        if (res.status !== 200) throw new Error(`${name}: ${res.status} ${text}`)
        return { ms: performance.now() - t0, text }
      }
      const cold = await fetchPins()
      const warm: number[] = []
      for (let i = 0; i < 7; i++) warm.push((await fetchPins()).ms)
      const body = JSON.parse(cold.text) as { clusters: unknown[]; pins: unknown[] }
      views[name] = {
        coldMs: round(cold.ms, 1),
        warmMs: round(
          percentile(
            [...warm].sort((a, b) => a - b),
            50,
          ),
          1,
        ),
        bytes: Buffer.byteLength(cold.text),
        gzipBytes: gzipSync(cold.text).length,
        clusters: body.clusters.length,
        pins: body.pins.length,
      }
      log(`  ${name}: ${JSON.stringify(views[name])}`)
    }

    const progress: MapResult['progress'] = {}
    for (const [name, tok, unit] of [
      ['commune (supervisor)', tokens.sup, commune],
      ['another unit of the city (admin)', tokens.admin, units[1]!.code],
    ] as const) {
      const get = async () => {
        const t0 = performance.now()
        const res = await fetch(`${server.url}/api/progress?unit=${unit}`, {
          headers: { authorization: `Bearer ${tok}` },
        })
        const text = await res.text()
        if (res.status !== 200) throw new Error(`${name}: ${res.status} ${text}`)
        return { ms: performance.now() - t0, bytes: Buffer.byteLength(text) }
      }
      const first = await get()
      const warm: number[] = []
      for (let i = 0; i < 7; i++) warm.push((await get()).ms)
      progress[name] = {
        firstMs: round(first.ms, 1),
        warmMs: round(
          percentile(
            [...warm].sort((a, b) => a - b),
            50,
          ),
          1,
        ),
        bytes: first.bytes,
      }
      log(`  progress, ${name}: ${JSON.stringify(progress[name])}`)
    }

    // Edit-ack → pin: an enumerator's phone moves households one after another; the supervisor's console waits for each pin.
    const live = await LiveClient.connect(server.url, tokens.sup)
    await live.subscribe()
    const phone = await SyncClient.connect({
      url: server.url,
      token: tokens.an,
      deviceId: 'an-phone',
      retainUpdates: true,
    })
    await phone.hello()
    await phone.manifest([])
    const held = [...phone.updates.keys()]
    const ackToPin: number[] = []
    const sendToPin: number[] = []
    // Records past review (verified, approved…) are locked on devices (sync/record-locked): those are skipped.
    const locked = new Set<string>()
    for (let i = 0, k = 0; ackToPin.length < p.edits && k < p.edits + 2 * held.length; k++) {
      const id = held[k % held.length]!
      if (locked.has(id)) continue
      const r = new DeviceReplica(90_000) // one phone: one client id in every household, as a real device has
      for (const u of phone.updates.get(id) ?? []) r.apply(u)
      const lat = round(centre.lat + (i % 50) * 1e-5 + 1e-4 + k * 1e-7, 7)
      r.household.setLocation({ lat, lng: centre.lng, accuracyM: 6, capturedAt: '2025-10-02T08:00:00Z' })
      const from = live.messages.length
      const t0 = performance.now()
      const update = r.take()
      const answer = await phone.sendUpdate(id, update)
      if (answer.type === 'error' && answer.code === 'sync/record-locked') {
        locked.add(id)
        continue
      }
      if (answer.type !== 'ack') throw new Error(`edit of ${id} refused: ${JSON.stringify(answer)}`)
      const tAck = performance.now()
      // The delta may already be in (the ACK and the push leave in the same turns): `from` covers both orders.
      await live.pin(id, (x) => x.lat === lat, from)
      const tPin = performance.now()
      phone.updates.get(id)?.push(update)
      ackToPin.push(Math.max(0, tPin - tAck))
      sendToPin.push(tPin - t0)
      i++
    }
    await phone.close()
    await live.close()
    ackToPin.sort((a, b) => a - b)
    sendToPin.sort((a, b) => a - b)
    const latency = {
      edits: p.edits,
      ackToPinP50: round(percentile(ackToPin, 50), 2),
      ackToPinP99: round(percentile(ackToPin, 99), 2),
      sendToPinP50: round(percentile(sendToPin, 50), 2),
      sendToPinP99: round(percentile(sendToPin, 99), 2),
    }
    log(`  edit-ack → pin: ${JSON.stringify(latency)}`)
    return {
      seed: { communeDocsS: round(communeDocsS, 1), citySummaryRowsS: round(citySummaryRowsS, 1) },
      views,
      progress,
      latency,
      loadavg: { before, after: loadavg() },
    }
  } finally {
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
