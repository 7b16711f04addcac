// The console's /live socket against the real server: an enumerator's edit over /sync reaches the subscribed console
// as a pin delta (and progress) after its ACK, in scope only; refusals close with named codes.
import type { Role } from '../auth/users.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from '../relay/test-client.ts'
import { LIVE_LIMITS, LiveClose } from './live-socket.ts'
import { LiveClient, type DeltasMessage } from './test-support/live-client.ts'

let server: RelayTestServer
const tokens: Record<string, string> = {}
const ids: Record<string, string> = {}

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('lv1', '19900')
  server.addVillage('lv2', '20014')
  server.seedHouseholds(['hh-l-1', 'hh-l-2'], 'lv1', '19900')
  server.seedHouseholds(['hh-m-1'], 'lv2', '20014')
  const people: [string, Role, { villages?: string[]; unitCode?: string }][] = [
    ['an', 'enumerator', { villages: ['lv1'] }],
    ['binh', 'enumerator', { villages: ['lv2'] }],
    ['sup1', 'supervisor', { unitCode: '19900' }],
    ['sup2', 'supervisor', { unitCode: '20014' }],
    ['sup3', 'supervisor', { unitCode: '20014' }],
    ['obs', 'observer', {}],
  ]
  for (const [name, role, place] of people) {
    const { user, token } = await server.addUser(name, role, place)
    tokens[name] = token
    ids[name] = user.id
  }
})
afterAll(() => server.stop())

/** A phone of `name` holding `householdId`: returns a replica with the server state and the connected client. */
async function phone(
  name: string,
  householdId: string,
  clientId: number,
): Promise<{ c: SyncClient; r: DeviceReplica }> {
  const c = await SyncClient.connect({ url: server.url, token: tokens[name]!, deviceId: `${name}-phone` })
  expect((await c.hello()).type).toBe('welcome')
  await c.manifest([])
  const r = new DeviceReplica(clientId)
  for (const u of c.updates.get(householdId) ?? []) r.apply(u)
  return { c, r }
}

describe('/live pin and progress deltas', () => {
  it('an edit acknowledged over /sync reaches the supervisor of the unit as a pin delta with visit flags; the other unit hears nothing', async () => {
    const sup1 = await LiveClient.connect(server.url, tokens.sup1!)
    const sup2 = await LiveClient.connect(server.url, tokens.sup2!)
    expect(await sup1.subscribe()).toMatchObject({ type: 'subscribed', period: '2025', units: ['19900'] })
    expect(await sup2.subscribe()).toMatchObject({ type: 'subscribed', units: ['20014'] })

    const an = await phone('an', 'hh-l-1', 41_001)
    // ~220 m from the seeded 16.46, 107.59, a fix of 150 m, and a house photo taken the day before the fix.
    an.r.household.setLocation({ lat: 16.462, lng: 107.59, accuracyM: 150, capturedAt: '2025-10-02T09:00:00Z' })
    an.r.household.attachPhoto({ sha256: 'a'.repeat(64), kind: 'house', capturedAt: '2025-10-01T09:00:00Z' })
    const from = sup1.messages.length
    expect(await an.c.sendUpdate('hh-l-1', an.r.take())).toMatchObject({ type: 'ack' })
    const pin = await sup1.pin('hh-l-1', (p) => p.lat === 16.462, from)
    expect(pin).toMatchObject({ lng: 107.59, editor: ids.an, flags: ['low-accuracy', 'moved', 'photo-outside-visit'] })
    const progress = (await sup1.next(
      (m) => m.type === 'deltas' && (m as unknown as DeltasMessage).villages.length > 0,
      from,
    )) as unknown as DeltasMessage
    expect(progress.villages[0]).toMatchObject({ unit: '19900', village: 'lv1', counts: { assigned: 2 } })
    expect(progress.enumerators.map((e) => e.userId)).toEqual([ids.an])
    // Stored the same way: the summary row carries the flags.
    expect(server.db.prepare("SELECT flags FROM households WHERE id = 'hh-l-1'").pluck().get()).toBe(
      'low-accuracy,moved,photo-outside-visit',
    )

    // Positive control on sup2's socket: an edit in its own unit, committed after an's, arrives — and nothing of
    // hh-l-1 came before it (deltas leave in commit order).
    const binh = await phone('binh', 'hh-m-1', 41_002)
    binh.r.household.setLocation({ lat: 16.41, lng: 107.62, accuracyM: 5, capturedAt: '2025-10-02T10:00:00Z' })
    // Deltas may leave before the ACK reaches the phone: watch from before the send.
    const fromM = sup2.messages.length
    expect(await binh.c.sendUpdate('hh-m-1', binh.r.take())).toMatchObject({ type: 'ack' })
    await sup2.pin('hh-m-1', (p) => p.lat === 16.41, fromM)
    expect([...sup2.mentioned()]).toEqual(['hh-m-1'])
    for (const x of [sup1, sup2]) await x.close()
    await an.c.close()
    await binh.c.close()
  })

  it('a status change recolours the pin; a filtered subscription gains and loses the pin as it enters and leaves the filter', async () => {
    const all = await LiveClient.connect(server.url, tokens.obs!)
    const started = await LiveClient.connect(server.url, tokens.sup1!)
    await all.subscribe({ unit: '19900' })
    await started.subscribe({ filters: { status: 'in_progress' } })
    const an = await phone('an', 'hh-l-2', 41_003)
    expect(an.r.household.changeStatus('assigned', { by: ids.an! })).toEqual({ ok: true })
    expect(an.r.household.changeStatus('in_progress', { by: ids.an! })).toEqual({ ok: true })
    // Deltas may leave before the ACK reaches the phone: watch from before each send.
    let from = [all.messages.length, started.messages.length] as const
    expect(await an.c.sendUpdate('hh-l-2', an.r.take())).toMatchObject({ type: 'ack' })
    await all.pin('hh-l-2', (p) => p.status === 'in_progress', from[0])
    await started.pin('hh-l-2', (p) => p.status === 'in_progress', from[1])
    expect(an.r.household.changeStatus('submitted', { by: ids.an! })).toEqual({ ok: true })
    from = [all.messages.length, started.messages.length] as const
    expect(await an.c.sendUpdate('hh-l-2', an.r.take())).toMatchObject({ type: 'ack' })
    await all.pin('hh-l-2', (p) => p.status === 'submitted', from[0])
    await started.next(
      (m) => m.type === 'deltas' && (m as unknown as DeltasMessage).removed.includes('hh-l-2'),
      from[1],
    )
    for (const x of [all, started]) await x.close()
    await an.c.close()
  })
})

describe('/live refusals (named close codes)', () => {
  it('closes 4401 without a session, 4403 for an enumerator or another unit, 4400 on garbage, 1009 above 4 KiB, 4429 above the message rate', async () => {
    expect(await (await LiveClient.connect(server.url, null)).whenClosed()).toBe(LiveClose.UNAUTHENTICATED)
    expect(await (await LiveClient.connect(server.url, tokens.an!)).whenClosed()).toBe(LiveClose.FORBIDDEN)
    const other = await LiveClient.connect(server.url, tokens.sup1!)
    expect(await other.subscribe({ unit: '20014' })).toMatchObject({ type: 'error', code: 'live/forbidden' })
    expect(await other.whenClosed()).toBe(LiveClose.FORBIDDEN)
    const garbage = await LiveClient.connect(server.url, tokens.sup1!)
    garbage.send('{"type":"subscribe","filters":{"status":"lost"}}')
    expect(await garbage.whenClosed()).toBe(LiveClose.MALFORMED)
    const big = await LiveClient.connect(server.url, tokens.sup1!)
    big.send(JSON.stringify({ type: 'subscribe', filters: { village: 'v,'.repeat(LIVE_LIMITS.maxMessageBytes) } }))
    expect(await big.whenClosed()).toBe(LiveClose.TOO_LARGE)
    const chatty = await LiveClient.connect(server.url, tokens.sup1!)
    for (let i = 0; i < LIVE_LIMITS.burst + 5; i++) chatty.send({ type: 'subscribe' })
    expect(await chatty.whenClosed()).toBe(LiveClose.RATE_LIMITED)
    expect(chatty.messages.at(-1)).toEqual({ type: 'error', code: 'live/rate-limited' })
  })

  it(`a user's socket beyond ${LIVE_LIMITS.perUser} is closed with 4429; the open ones keep working`, async () => {
    const open = await Promise.all(
      Array.from({ length: LIVE_LIMITS.perUser }, () => LiveClient.connect(server.url, tokens.sup3!)),
    )
    const extra = await LiveClient.connect(server.url, tokens.sup3!)
    expect(await extra.whenClosed()).toBe(LiveClose.RATE_LIMITED)
    expect(extra.messages).toEqual([{ type: 'error', code: 'live/too-many-sockets' }])
    for (const c of open) expect(await c.subscribe()).toMatchObject({ type: 'subscribed', units: ['20014'] })
    for (const c of open) await c.close()
  })

  it('plain HTTP gets JSON: 401 live/unauthenticated without a session, 426 live/upgrade-required with one', async () => {
    const res = await fetch(`${server.url}/live`)
    expect(res.status).toBe(401)
    expect(((await res.json()) as { code: string }).code).toBe('live/unauthenticated')
    // Signed in but not a WebSocket: a JSON answer, never the client's index.html.
    const plain = await fetch(`${server.url}/live`, { headers: { authorization: `Bearer ${tokens.sup1}` } })
    expect(plain.status).toBe(426)
    expect(((await plain.json()) as { code: string }).code).toBe('live/upgrade-required')
  })
})
