// The /live socket's bounded queue against the real server: more distinct deltas than LIVE_LIMITS.maxQueued in one
// turn are dropped for a single `resync`, and the socket keeps delivering later deltas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertPlaces, startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'
import { LIVE_LIMITS } from './live-socket.ts'
import { LiveClient, type DeltasMessage } from './test-support/live-client.ts'

let s: TestServer
let w: World
const ids = Array.from({ length: LIVE_LIMITS.maxQueued + 1 }, (_, i) => `hq-${i}`)
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
  s.db.transaction(() =>
    insertPlaces(s, {
      households: ids.map((id, i) => ({
        id,
        period: '2025',
        unit_code: '19900',
        village_id: 'A2',
        lat: 16.46 + i * 1e-6,
        lng: 107.56,
      })),
    }),
  )()
})
afterAll(() => s.stop())

describe('/live queue bound', () => {
  it(`more than ${LIVE_LIMITS.maxQueued} pending deltas become one resync; later deltas still arrive`, async () => {
    const live = await LiveClient.connect(s.url, w.tokens.sup)
    await live.subscribe()
    s.db.prepare("UPDATE households SET lat = lat + 0.001 WHERE id LIKE 'hq-%'").run()
    const from = live.messages.length
    s.feed.summaryCommitted(ids)
    expect(await live.next((m) => m.type === 'resync', from)).toEqual({ type: 'resync', reason: 'live/queue-overflow' })
    s.db.prepare("UPDATE households SET status = 'in_progress' WHERE id = 'hA2-1'").run()
    s.feed.summaryCommitted(['hA2-1'])
    await live.pin('hA2-1', (p) => p.status === 'in_progress', from)
    // Nothing of the dropped batch was sent piecemeal.
    const sent = live.messages.slice(from).filter((m) => m.type === 'deltas') as unknown as DeltasMessage[]
    expect(sent.flatMap((d) => d.pins.map((p) => p.id))).toEqual(['hA2-1'])
    await live.close()
  })
})
