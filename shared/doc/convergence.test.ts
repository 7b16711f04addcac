// Seeded randomized convergence: N devices make random intent edits offline, a server relays with random delivery
// order, duplicates, disconnects and resyncs; every replica must end with the same read() and the same classify().
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { makeHousehold, makeMember, seededRandom } from '../test-support/household-fixtures.ts'
import { DEVICES, EMPLOYMENTS, RELATIONS, TOILETS, WATER_SOURCES, type Income } from '../household/types.ts'
import { classify } from '../rules/classify.ts'
import { HouseholdDoc, inspectUpdate, SERVER_CLIENT_ID, TRANSITIONS } from './index.ts'

type Rand = () => number
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
const subset = <T>(rand: Rand, xs: readonly T[]): T[] => xs.filter(() => rand() < 0.5)
const CODES = ['illness', 'no_land', 'no_capital', 'disability', 'many_dependants'] as const
const SHAS = ['1', '2', '3'].map((c) => c.repeat(64))

/** One random intent on a device; every intent must succeed or refuse with a typed error, never throw. */
function randomEdit(h: HouseholdDoc, rand: Rand, n: number): void {
  const members = h.read().household.members
  const someMember = members.length > 0 ? pick(rand, members).id : undefined
  const r = rand()
  let res: { ok: boolean }
  if (r < 0.12) res = h.setField(pick(rand, ['address', 'village'] as const), `${pick(rand, ['Thôn', 'Tổ'])} ${n}`)
  else if (r < 0.16) res = h.setField('farming', rand() < 0.5)
  else if (r < 0.22)
    res = h.setIncome(pick<Income>(rand, [{ perCapitaMonthly: 500_000 + n * 1000 }, { b1Score: 100 + n }, {}]))
  else if (r < 0.28)
    res = h.addMember(
      makeMember({
        fullName: `Người ${n}`,
        relation: pick(rand, RELATIONS),
        birthDate: `${1950 + (n % 70)}-0${1 + (n % 9)}-15`,
      }),
    )
  else if (r < 0.45 && someMember) {
    res = h.updateMember(
      someMember,
      pick(rand, [
        { healthInsurance: rand() < 0.5 },
        { employment: pick(rand, EMPLOYMENTS) },
        { fullName: `Tên ${n}` },
        { disability: rand() < 0.5 },
        { schoolOnTrack: pick(rand, [true, false, null]) },
      ]),
    )
  } else if (r < 0.49 && someMember) res = h.removeMember(someMember)
  else if (r < 0.6)
    res = h.setDwelling(
      pick(rand, [
        { roofDurable: rand() < 0.5 },
        { floorAreaM2: n % 90 },
        { water: pick(rand, WATER_SOURCES) },
        { toilet: pick(rand, TOILETS) },
        { devices: subset(rand, DEVICES) },
      ]),
    )
  else if (r < 0.65) res = h.setDevices(subset(rand, DEVICES))
  else if (r < 0.7) res = h.setCauses(subset(rand, CODES))
  else if (r < 0.73) res = h.setSupportNeeds(subset(rand, CODES))
  else if (r < 0.77) res = h.setAttributes({ ethnicMinority: rand() < 0.5, socialProtection: rand() < 0.5 })
  else if (r < 0.81)
    res = h.setLocation(
      rand() < 0.2
        ? null
        : {
            lat: 16 + rand(),
            lng: 107 + rand(),
            accuracyM: Math.round(rand() * 50),
            capturedAt: '2025-10-01T08:00:00Z',
          },
    )
  else if (r < 0.85)
    res = h.attachPhoto({ sha256: pick(rand, SHAS), kind: 'house', capturedAt: `2025-10-0${1 + (n % 9)}T08:00:00Z` })
  else if (r < 0.87) {
    h.detachPhoto(pick(rand, SHAS)) // may refuse with photo-not-found
    res = { ok: true }
  } else if (r < 0.91)
    res = h.setQuickScreen(pick(rand, ['continue', 'not_poor', null] as const), rand() < 0.5 ? null : `lý do ${n}`)
  else {
    const next = TRANSITIONS[h.status]
    res = next.length > 0 ? h.changeStatus(pick(rand, next), { by: `u${n}`, at: '2025-10-01T08:00:00Z' }) : { ok: true }
  }
  expect(res.ok).toBe(true)
}

interface Device {
  doc: HouseholdDoc
  outbox: Uint8Array[]
  toServer: Uint8Array[]
  fromServer: Uint8Array[]
}

function outcome(h: HouseholdDoc): string {
  try {
    return JSON.stringify(classify(h.read().household))
  } catch (e) {
    return `error: ${String(e)}`
  }
}

function runScenario(seed: number): { updates: number; conflicts: number; classified: boolean } {
  const rand = seededRandom(seed)
  const base = HouseholdDoc.create(makeHousehold({}, seed), { clientId: SERVER_CLIENT_ID })
  const server = new Y.Doc()
  Y.applyUpdate(server, Y.encodeStateAsUpdate(base.ydoc))
  server.clientID = SERVER_CLIENT_ID
  const devices: Device[] = []
  const count = 2 + Math.floor(rand() * 4)
  for (let i = 0; i < count; i++) {
    const ydoc = new Y.Doc()
    ydoc.clientID = 1000 + i * 7919 + Math.floor(rand() * 1000)
    Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(server), { kind: 'remote' })
    const d: Device = { doc: new HouseholdDoc(ydoc), outbox: [], toServer: [], fromServer: [] }
    ydoc.on('update', (u: Uint8Array, origin: unknown) => {
      if ((origin as { kind?: string } | null)?.kind === 'local') d.outbox.push(u)
    })
    devices.push(d)
  }
  let updates = 0
  let conflicts = 0
  const takeRandom = (q: Uint8Array[]): Uint8Array | undefined =>
    q.length === 0 ? undefined : q.splice(Math.floor(rand() * q.length), 1)[0]
  /** Step 1/2 both ways, as after a reconnect. */
  const resync = (d: Device) => {
    d.toServer.push(Y.encodeStateAsUpdate(d.doc.ydoc, Y.encodeStateVector(server)))
    d.fromServer.push(Y.encodeStateAsUpdate(server, Y.encodeStateVector(d.doc.ydoc)))
  }
  const serverReceive = (from: Device, u: Uint8Array) => {
    const r = inspectUpdate(server, u)
    if (!r.ok) {
      expect(r.code, r.reason).toBe('sync/missing-dependencies')
      resync(from) // the server answers with its step1; the device sends what is missing
      return
    }
    updates++
    conflicts += r.conflicts.length
    Y.applyUpdate(server, u, { kind: 'remote' })
    for (const other of devices) if (other !== from) other.fromServer.push(u)
  }
  const steps = 20 + Math.floor(rand() * 40)
  for (let s = 0; s < steps; s++) {
    const d = pick(rand, devices)
    const a = rand()
    if (a < 0.45) randomEdit(d.doc, rand, s)
    else if (a < 0.6) {
      // Send some of the outbox, in random order, sometimes twice.
      for (const u of subset(rand, d.outbox).sort(() => rand() - 0.5)) d.toServer.push(u, ...(rand() < 0.2 ? [u] : []))
      if (rand() < 0.1) d.toServer.push(Y.encodeStateAsUpdate(d.doc.ydoc)) // a client that uploads its full state
    } else if (a < 0.78) {
      const u = takeRandom(d.toServer)
      if (u) serverReceive(d, u)
    } else if (a < 0.93) {
      const u = takeRandom(d.fromServer)
      if (u) Y.applyUpdate(d.doc.ydoc, u, { kind: 'remote' })
    } else {
      // Disconnect: everything in flight is lost; on reconnect both sides exchange state.
      d.toServer = []
      d.fromServer = []
      if (rand() < 0.7) resync(d)
    }
  }
  // Heal: deliver everything, then a final exchange with every device.
  for (const d of devices) {
    for (let u = d.toServer.shift(); u; u = d.toServer.shift()) serverReceive(d, u)
  }
  for (const d of devices) {
    serverReceive(d, Y.encodeStateAsUpdate(d.doc.ydoc, Y.encodeStateVector(server)))
    for (let u = d.toServer.shift(); u; u = d.toServer.shift()) serverReceive(d, u)
  }
  for (const d of devices) {
    d.fromServer = []
    Y.applyUpdate(d.doc.ydoc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(d.doc.ydoc)), { kind: 'remote' })
  }
  const serverDoc = new HouseholdDoc(server)
  const expected = JSON.stringify(serverDoc.read())
  const expectedClass = outcome(serverDoc)
  for (const d of devices) {
    expect(JSON.stringify(d.doc.read())).toBe(expected)
    expect(outcome(d.doc)).toBe(expectedClass)
    expect(d.doc.ydoc.store.pendingStructs).toBeNull()
  }
  return { updates, conflicts, classified: !expectedClass.startsWith('error') }
}

describe('convergence', () => {
  it('V1 random intents, delivery order, duplicates and disconnects: all replicas converge and classify() agrees', () => {
    const first = Number(process.env.CONVERGENCE_SEED ?? 1)
    const runs = Number(process.env.CONVERGENCE_RUNS ?? 400)
    let updates = 0
    let conflicts = 0
    let classified = 0
    for (let seed = first; seed < first + runs; seed++) {
      try {
        const r = runScenario(seed)
        updates += r.updates
        conflicts += r.conflicts
        if (r.classified) classified++
      } catch (e) {
        throw new Error(`convergence failed; rerun with CONVERGENCE_SEED=${seed} CONVERGENCE_RUNS=1: ${String(e)}`)
      }
    }
    console.log(
      `convergence: ${runs} scenarios, ${updates} updates inspected and applied, ${conflicts} conflicts flagged, ${classified} classified without error`,
    )
    expect(updates).toBeGreaterThan(runs)
    expect(classified).toBeGreaterThan(runs / 2)
  }, 180_000) // a few seconds of CPU; the timeout only absorbs a shared, busy machine
})
