// Seeded randomized convergence through the real relay: devices edit the same households online and offline in random
// order; afterwards every device, and the server's stored state, read the same households. Prints its seed.
import * as Y from 'yjs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { HouseholdDoc } from '../../shared/doc/household-doc.ts'
import { seededRandom } from '../../shared/test-support/household-fixtures.ts'
import { DeviceReplica } from '../test-support/household-fixture.ts'
import { startRelayServer, type RelayTestServer } from '../test-support/relay-server.ts'
import { SyncClient } from './test-client.ts'

const SEED = Number(process.env.CONVERGENCE_SEED ?? Date.now() % 100_000)
const HOUSEHOLDS = ['hc-1', 'hc-2', 'hc-3']
let server: RelayTestServer
const tokens: string[] = []

beforeAll(async () => {
  server = await startRelayServer()
  server.addVillage('vc')
  server.seedHouseholds(HOUSEHOLDS, 'vc')
  for (const name of ['dung', 'giang', 'ha'])
    tokens.push((await server.addUser(name, 'enumerator', { villages: ['vc'] })).token)
})

afterAll(async () => {
  await server.stop()
})

interface Device {
  client: SyncClient
  replicas: Map<string, DeviceReplica>
  /** Updates received from the server so far, per household (applied lazily). */
  applied: Map<string, number>
  online: boolean
}

function catchUp(d: Device): void {
  for (const id of HOUSEHOLDS) {
    const list = d.client.updates.get(id) ?? []
    const r = d.replicas.get(id)!
    for (let i = d.applied.get(id) ?? 0; i < list.length; i++) r.apply(list[i]!)
    d.applied.set(id, list.length)
  }
}

it(`devices converge with the server under random online/offline edits (seed ${SEED})`, async () => {
  console.log(`convergence seed: ${SEED} (rerun with CONVERGENCE_SEED=${SEED})`)
  const rand = seededRandom(SEED)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
  const devices: Device[] = []
  for (const [i, token] of tokens.entries()) {
    const client = await SyncClient.connect({ url: server.url, token, deviceId: `conv-${i}` })
    await client.hello()
    await client.manifest([])
    const replicas = new Map(HOUSEHOLDS.map((id, k) => [id, new DeviceReplica(70_000 + i * 10 + k)]))
    const d: Device = { client, replicas, applied: new Map(), online: true }
    catchUp(d)
    devices.push(d)
  }
  const unsent = new Map<Device, Map<string, Uint8Array[]>>(devices.map((d) => [d, new Map()]))
  const inFlight: Promise<unknown>[] = []

  for (let step = 0; step < 120; step++) {
    const d = pick(devices)
    if (rand() < 0.15) d.online = !d.online
    if (d.online) catchUp(d)
    const id = pick(HOUSEHOLDS)
    const r = d.replicas.get(id)!
    const edit = Math.floor(rand() * 3)
    if (edit === 0) r.setAddress(`Số ${Math.floor(rand() * 50)}`)
    else if (edit === 1) r.setRoofDurable(rand() < 0.5)
    else r.setHeadName(`${id}-m0`, pick(['Lê Văn Tám', 'Trần Thị Bé', 'Phạm Văn Đồng']))
    const queue = unsent.get(d)!
    queue.set(id, [...(queue.get(id) ?? []), r.take()])
    if (d.online) {
      for (const [hid, updates] of queue) {
        const m = Y.mergeUpdates(updates)
        inFlight.push(d.client.sendUpdate(hid, m).then((a) => expect(a.type, JSON.stringify(a)).toBe('ack')))
      }
      queue.clear()
    }
  }
  // Everyone comes online and uploads what is left.
  for (const d of devices) {
    for (const [hid, updates] of unsent.get(d)!)
      inFlight.push(d.client.sendUpdate(hid, Y.mergeUpdates(updates)).then((a) => expect(a.type).toBe('ack')))
  }
  await Promise.all(inFlight)

  // Every device asks for what it lacks (step1) and must then read exactly what the server stored.
  for (const d of devices) {
    catchUp(d)
    for (const id of HOUSEHOLDS) await d.client.step1(id, d.replicas.get(id)!.stateVector())
    catchUp(d)
  }
  for (const id of HOUSEHOLDS) {
    const stored = new Y.Doc()
    Y.applyUpdate(stored, server.docStore.readState(id)!)
    const expected = JSON.stringify(new HouseholdDoc(stored).read())
    for (const d of devices)
      expect(JSON.stringify(d.replicas.get(id)!.household.read()), `${id} on a device`).toBe(expected)
    const row = server.db.prepare('SELECT address, head_name FROM households WHERE id = ?').get(id)
    const h = new HouseholdDoc(stored).read().household
    expect(row).toEqual({ address: h.address, head_name: h.members.find((m) => m.relation === 'head')?.fullName })
  }
  // Conflicts name real authors (never 'unknown'), each candidate once.
  const conflicts = server.relay.conflicts.list({})
  for (const c of conflicts) {
    expect(c.candidates.every((x) => x.userId !== 'unknown')).toBe(true)
    expect(new Set(c.candidates.map((x) => `${x.clientId}:${JSON.stringify(x.value)}`)).size).toBe(c.candidates.length)
  }
  console.log(`${conflicts.length} conflicts recorded`)
  await Promise.all(devices.map((d) => d.client.close()))
})
