// Phones and a stock y-websocket client edit shared and own households through a proxy that delays, stalls, cuts
// mid-frame and resets their connections: every replica converges on the server's committed documents, each edit has
// its effects once (field history, conflicts, workflow history), and no phone ever shows an edit synced too early.
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { FIELD_MOVES } from '../../shared/doc/workflow.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts'
import { LONG, random, report, seed, trials } from './long-run.ts'
import { committedHolds, FaultPhone } from './network-phones.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { SyncClient } from '../relay/test-client.ts'

const SEED = seed()
const rand = random(SEED)
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
const TRIALS = trials(20, 300)
const EDITS_PER_TRIAL = 40
const PHONES = 4
const SHARED = ['nf-0', 'nf-1'] // every phone edits these; the y-websocket client edits nf-1 too
const OWN = Array.from({ length: PHONES }, (_, i) => `nf-${i + 2}`)
const HOUSEHOLDS = [...SHARED, ...OWN]
const CHECK_CLIENT = 97_001 // the edit that tests the synced check itself
const WORKFLOW = 'nf-0' // phone 0 moves its status along the field moves

let server: RelayTestServer
let proxy: FaultProxy
let phones: FaultPhone[]
let users: string[]
let lanToken: string
let yjs: { doc: Y.Doc; provider: WebsocketProvider }

/** Resolves once `test` holds, checked every 50 ms; fails after `ms` saying what it waited for. */
async function until(test: () => boolean, what: () => string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`)
    await new Promise((ok) => setTimeout(ok, 50))
  }
}

const committed = (id: string): Uint8Array => server.docStore.readState(id)!
const sameAsServer = (doc: Y.Doc, id: string): boolean =>
  Buffer.from(Y.encodeStateVector(doc)).equals(Buffer.from(Y.encodeStateVectorFromUpdate(committed(id))))

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('nf')
  server.seedHouseholds(HOUSEHOLDS, 'nf')
  proxy = await startFaultProxy(
    server.url,
    { delay: 0.2, delayMs: 40, stall: 0.03, stallMs: 1_600, cut: 0.04, reset: 0.02 },
    rand,
  )
  const accounts = [await server.addUser('nf-lan', 'enumerator', { villages: ['nf'] })]
  accounts.push(await server.addUser('nf-minh', 'enumerator', { villages: ['nf'] }))
  users = accounts.map((a) => a.user.id)
  lanToken = accounts[0]!.token
  phones = Array.from(
    { length: PHONES },
    (_, i) =>
      new FaultPhone(`nf-phone-${i}`, {
        url: proxy.url,
        token: accounts[i % 2]!.token,
        docStore: server.docStore,
        responseTimeoutMs: 1_000,
      }),
  )
  for (const p of phones) p.start()
  // Keeping deleted content, the stock client sends every overwritten value (merged runs of one key): the harder case.
  const doc = new Y.Doc({ gc: false })
  const provider = new WebsocketProvider(`${proxy.url.replace('http', 'ws')}/yjs`, 'nf-1', doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: { token: accounts[1]!.token },
    maxBackoffTime: 300,
  })
  yjs = { doc, provider }
  await until(
    () => provider.synced && phones.every((p) => p.settled() && HOUSEHOLDS.every((h) => p.store.seqs.has(h))),
    () => 'the first sync of every phone and the y-websocket client',
  )
}, 120_000)

afterAll(async () => {
  yjs?.provider.destroy()
  for (const p of phones ?? []) p.stop()
  await proxy?.close()
  await server?.stop()
})

/** One edit by a random actor: a field of a shared or own household, by a phone or the y-websocket client. */
function editOnce(n: number): 'phone' | 'yjs' {
  if (rand() < 0.15) {
    const r = new HouseholdDoc(yjs.doc).setAddress(`yjs edit ${n}`)
    if (!r.ok) throw new Error(r.reason)
    return 'yjs'
  }
  const i = Math.floor(rand() * PHONES)
  const phone = phones[i]!
  const id = rand() < 0.5 ? pick(SHARED) : OWN[i]!
  const kind = rand()
  const made = phone.edit(id, (doc) => {
    const h = new HouseholdDoc(doc)
    const r =
      kind < 0.5
        ? h.setAddress(`${phone.name} edit ${n}`)
        : kind < 0.8
          ? h.setDwelling({ roofDurable: !h.read().household.dwelling.roofDurable })
          : h.setHeadName(`Chủ hộ ${n}`)
    if (!r.ok) throw new Error(r.reason)
  })
  if (!made) throw new Error(`edit ${n} of ${id} changed nothing`)
  return 'phone'
}

/** Phone 0 moves the workflow household one field move on (never to submitted: the record stays editable). */
function moveStatus(): boolean {
  const phone = phones[0]!
  const from = new HouseholdDoc(phone.store.doc(WORKFLOW)).status
  const move = FIELD_MOVES.find(([a, b]) => a === from && b !== 'submitted')
  if (!move) return false
  return phone.edit(WORKFLOW, (doc) => {
    const r = new HouseholdDoc(doc).changeStatus(move[1], { by: users[0]!, at: new Date().toISOString() })
    if (!r.ok) throw new Error(r.reason)
  })
}

it('the synced check itself: an edit is held only once the server has committed it', async () => {
  const r = new DeviceReplica(CHECK_CLIENT)
  r.apply(committed('nf-5'))
  r.setAddress('chưa gửi')
  const update = r.take()
  expect(committedHolds(server.docStore, 'nf-5', update)).toBe(false)
  const c = await SyncClient.connect({ url: server.url, token: lanToken })
  await c.hello()
  await c.manifest([])
  expect(await c.sendUpdate('nf-5', update)).toMatchObject({ type: 'ack' })
  expect(committedHolds(server.docStore, 'nf-5', update)).toBe(true)
  await c.close()
  await until(
    () => phones.every((p) => p.settled() && sameAsServer(p.store.doc('nf-5'), 'nf-5')),
    () => 'phones receive the edit',
  )
})

it(
  `${PHONES} phones and a y-websocket client through a faulty network: convergence, effects once, never synced too early`,
  async () => {
    console.log(`network-faults seed=${SEED} (RASOAT_SEED=${SEED} replays)`)
    let phoneEdits = 0
    let yjsEdits = 0
    let moves = 0
    for (let t = 0; t < TRIALS; t++) {
      proxy.setFaults(true)
      if (moveStatus()) moves++
      for (let e = 0; e < EDITS_PER_TRIAL; e++) {
        if (editOnce(t * EDITS_PER_TRIAL + e) === 'yjs') yjsEdits++
        else phoneEdits++
        await new Promise((ok) => setTimeout(ok, rand() * 25))
      }
      // The network heals: every phone and the y-websocket client end on the server's committed documents.
      proxy.setFaults(false)
      for (const p of phones) p.session.kick()
      await until(
        () =>
          phones.every((p) => p.settled() && HOUSEHOLDS.every((h) => sameAsServer(p.store.doc(h), h))) &&
          sameAsServer(yjs.doc, 'nf-1'),
        () =>
          `convergence after trial ${t}: ` +
          phones.map((p) => `${p.name} ${p.session.status.phase} unsynced=${p.store.unsynced()}`).join(', '),
      )
      for (const p of phones)
        for (const h of HOUSEHOLDS)
          expect(new HouseholdDoc(p.store.doc(h)).read(), `${p.name} ${h}`).toEqual(
            HouseholdDoc.load(committed(h)).read(),
          )
      expect(new HouseholdDoc(yjs.doc).read()).toEqual(HouseholdDoc.load(committed('nf-1')).read())
      expect(phones.flatMap((p) => p.falseSynced)).toEqual([])
      expect(phones.flatMap((p) => [...p.store.refusals.keys()])).toEqual([])
    }

    // Exactly once: each written item one field-history row, each conflict once, each workflow move one entry.
    const db = server.db
    const doubled = db
      .prepare(
        'SELECT client_id, clock, path, COUNT(*) AS n FROM field_writes GROUP BY client_id, clock, path HAVING COUNT(*) > 1',
      )
      .all()
    expect(doubled).toEqual([])
    // A phone keeps each edit's bytes in its outbox until the ACK: every value it wrote has its row. The stock client
    // keeps only its document, where a value overwritten while offline is already discarded: at most one row each.
    const rowsOf = (clause: string, ...args: number[]): number =>
      db
        .prepare(`SELECT COUNT(*) FROM field_writes WHERE household_id LIKE 'nf-%' AND ${clause}`)
        .pluck()
        .get(...args) as number
    expect(rowsOf('client_id NOT IN (?, ?)', yjs.doc.clientID, CHECK_CLIENT)).toBe(phoneEdits + 2 * moves) // a move: status + history entry
    expect(rowsOf('client_id = ?', yjs.doc.clientID)).toBeLessThanOrEqual(yjsEdits)
    const historyRows = db.prepare("SELECT COUNT(*) FROM field_writes WHERE path = 'history'").pluck().get()
    expect(historyRows).toBe(moves)
    const conflictsTwice = db
      .prepare(
        'SELECT household_id, path, candidates_json, COUNT(*) AS n FROM conflicts GROUP BY household_id, path, candidates_json HAVING COUNT(*) > 1',
      )
      .all()
    expect(conflictsTwice).toEqual([])
    const history = HouseholdDoc.load(committed(WORKFLOW)).read().workflow.history
    expect(history.filter((h) => h.by === users[0])).toHaveLength(moves)

    const lost = phones.reduce((n, p) => n + p.lost(server.docStore), 0)
    expect(lost).toBe(0)
    const c = proxy.counts
    report('network-faults', SEED, {
      phones: PHONES,
      yjsClients: 1,
      trials: TRIALS,
      edits: phoneEdits + yjsEdits + moves,
      connections: c.connections,
      faults: c.delays + c.stalls + c.cuts + c.resets,
      delays: c.delays,
      cuts: c.cuts,
      stalls: c.stalls,
      resets: c.resets,
      lost,
      falseSynced: phones.reduce((n, p) => n + p.falseSynced.length, 0),
    })
    expect(c.cuts + c.resets).toBeGreaterThan(0)
  },
  LONG ? 3_600_000 : 240_000,
)
