// A phone back from a day offline (20 households edited, 5 of them changed on the server meanwhile) against the real
// server: step1s only for the changed ones, and they and the whole outbox go in one BATCH; every edit is ACKed, the
// answers come back as two BATCHes, and a partner phone receives the 20 commits as one message. Older phones sending
// a step1 per household with edits and one frame per update are covered by offline-burst.test.ts and relay.test.ts.
import { inflateRawSync } from 'node:zlib'
import WebSocket from 'ws'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Backoff } from '../../shared/sync/backoff.ts'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { MemorySessionStore } from '../../shared/sync/memory-store.ts'
import { decodeMessage, readDocPayload, type SyncMessage } from '../../shared/sync/protocol.ts'
import { SyncSession, type SyncStatus } from '../../shared/sync/session.ts'
import type { SessionSocket } from '../../shared/sync/session-socket.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'

const HOUSEHOLDS = Array.from({ length: 30 }, (_, i) => `hs-${String(i).padStart(2, '0')}`)
const DIRTY = HOUSEHOLDS.slice(0, 20)
const CHANGED = DIRTY.slice(0, 5)

let s: RelayTestServer
const tokens: Record<string, string> = {}

beforeAll(async () => {
  s = await startRelayServer()
  s.addVillage('vs')
  s.seedHouseholds(HOUSEHOLDS, 'vs')
  for (const name of ['an', 'binh']) tokens[name] = (await s.addUser(name, 'enumerator', { villages: ['vs'] })).token
})
afterAll(() => s.stop())

/** A phone on the shared session core whose WebSocket messages (not frames) are recorded both ways. */
function phone(name: string, store: MemorySessionStore) {
  const sent: Uint8Array[] = []
  const received: Uint8Array[] = []
  const frames: SyncMessage[] = []
  const session = new SyncSession({
    url: () => `${s.url.replace(/^http/, 'ws')}/sync?token=${encodeURIComponent(tokens[name]!)}`,
    createSocket: (url) => new WebSocket(url, { perMessageDeflate: false }) as unknown as SessionSocket,
    store,
    deviceId: `${name}-phone`,
    appVersion: 'test-device',
    inflate: (bytes) => new Uint8Array(inflateRawSync(bytes)),
    backoff: new Backoff({ baseMs: 20, capMs: 200 }),
    onSend: (b) => sent.push(b),
    onReceive: (b) => received.push(b),
    onMessage: (m) => frames.push(m),
  })
  const until = (test: (st: SyncStatus) => boolean): Promise<void> =>
    new Promise((resolve) => {
      if (test(session.status)) return resolve()
      const off = session.onStatus((st) => test(st) && (off(), resolve()))
    })
  return { session, store, sent, received, frames, until }
}

const synced = (st: SyncStatus): boolean => st.phase === 'synced'

it('20 dirty households, 5 changed on the server: 3 messages up (HELLO, MANIFEST, one BATCH of 5 step1 + 20 updates), 4 down; all ACKed; the partner gets the 20 commits in one message', async () => {
  // Yesterday both phones synced the village.
  const aStore = new MemorySessionStore()
  const first = phone('an', aStore)
  first.session.start()
  await first.until(synced)
  first.session.stop()
  const partner = phone('binh', new MemorySessionStore())
  partner.session.start()
  await partner.until(synced)
  // Meanwhile the partner changes another field of 5 of them (no conflict).
  for (const id of CHANGED) {
    partner.store.edit(id, (doc) => new HouseholdDoc(doc).setDwelling({ roofDurable: true }))
    partner.session.notifyOutbox(id)
  }
  await partner.until((st) => synced(st) && partner.store.unsynced() === 0)

  // Offline: two edits on each of 20 households (one outbox group each).
  for (const id of DIRTY)
    for (const edit of ['sáng', 'chiều'])
      aStore.edit(id, (doc) => new HouseholdDoc(doc).setField('address', `${id} ${edit}`))
  expect(aStore.unsynced()).toBe(40)

  const partnerBefore = partner.received.length
  const partnerHeadsBefore = partner.frames.filter((m) => m.type === 'head').length
  const a = phone('an', aStore)
  a.session.start()
  await a.until(synced)
  expect(aStore.unsynced()).toBe(0)

  const up = a.sent.map((b) => decodeMessage(b)).map((d) => (d.ok ? d.message : null))
  expect(up.map((m) => m?.type)).toEqual(['hello', 'manifest', 'batch'])
  const inner = up[2]?.type === 'batch' && !up[2].compressed ? up[2].frames : []
  const kinds = inner.map((f) => {
    const d = decodeMessage(f, { insideBatch: true })
    if (!d.ok || d.message.type !== 'doc') return 'other'
    return readDocPayload(d.message.payload).kind
  })
  expect(kinds.filter((k) => k === 'step1')).toHaveLength(CHANGED.length)
  expect(kinds.filter((k) => k === 'update')).toHaveLength(20)
  expect(kinds.indexOf('update')).toBe(CHANGED.length) // the step1s before any update
  for (const id of CHANGED) expect(new HouseholdDoc(aStore.doc(id)).read().household.dwelling.roofDurable).toBe(true)

  // WELCOME, MANIFEST_REPLY, one BATCH of 5 step2 + HEAD, one BATCH of the 20 ACKs (one group commit).
  expect(a.frames.filter((m) => m.type === 'ack')).toHaveLength(20)
  expect(a.received).toHaveLength(4)

  // The partner: the 20 commits as 20 DOC updates + HEADs in one WebSocket message.
  await partner.until(() => partner.frames.filter((m) => m.type === 'head').length - partnerHeadsBefore >= 20)
  for (const id of DIRTY) expect(new HouseholdDoc(partner.store.doc(id)).read().household.address).toBe(`${id} chiều`)
  expect(partner.received.length - partnerBefore).toBe(1)
  a.session.stop()
  partner.session.stop()
})
