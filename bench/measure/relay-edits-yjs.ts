// Server CPU per edit at a paced rate over /yjs (stock y-websocket sync messages, one socket per household as the stock
// provider opens them), in the W1 shape of relay-edits.ts: phones in pairs per village, each edits its own households and
// holds its partner's, whose updates it receives. No ACK in this protocol: an edit counts once the other phone has it
// (fan-out follows the durable commit). Usage: npx tsx bench/measure/relay-edits-yjs.ts [--rate 3200] [--hot 4]
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { readDocPayload, syncStep1Payload, updatePayload } from '../../shared/sync/protocol.ts'
import { DeviceReplica } from '../../server/test-support/household-fixture.ts'
import { idleCpuPerSecond, LatencyTracker, loadAverage, sleep, startRelayProcess } from './relay-process.ts'

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '3200' },
    seconds: { type: 'string', default: '10' },
    pairs: { type: 'string', default: '16' },
    /** Households each phone edits; it holds twice as many sockets (at most 8 per user by default). */
    hot: { type: 'string', default: '4' },
  },
})
const RATE = Number(args.rate)
const SECONDS = Number(args.seconds)
const PAIRS = Number(args.pairs)
const HOT = Number(args.hot)

interface Held {
  id: string
  ws: WebSocket
  replica: DeviceReplica
  roof: boolean
}

let refused = 0

/** Opens /yjs for one household and syncs a fresh replica from the server's step2. */
async function open(url: string, token: string, id: string, clientId: number, onUpdate: () => void): Promise<Held> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/yjs/${id}?token=${encodeURIComponent(token)}`, {
    perMessageDeflate: false,
  })
  const replica = new DeviceReplica(clientId)
  let synced: () => void = () => {}
  const ready = new Promise<void>((ok) => (synced = ok))
  ws.on('message', (data: Buffer) => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    if (bytes[0] === 2) refused++ // y-protocols auth: permission denied
    const m = readDocPayload(bytes)
    if (m.kind === 'step2') {
      replica.apply(m.update)
      synced()
    } else if (m.kind === 'update') {
      replica.apply(m.update) // a real phone stores what it receives
      onUpdate()
    }
  })
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok())
    ws.once('error', fail)
  })
  ws.send(syncStep1Payload(Y.encodeStateVector(new Y.Doc())))
  await ready
  replica.take()
  return { id, ws, replica, roof: false }
}

async function main(): Promise<void> {
  const relay = await startRelayProcess(PAIRS)
  const latency = new LatencyTracker()
  let measuring = false
  let delivered = 0
  let closedEarly = 0
  try {
    const phones = await Promise.all(
      relay.tokens.map(async (token, i) => {
        const ids = relay.households[i]!
        const own = ids.slice((i % 2) * HOT, (i % 2) * HOT + HOT)
        const partner = ids.slice(((i + 1) % 2) * HOT, ((i + 1) % 2) * HOT + HOT)
        const writes = await Promise.all(
          own.map((id, k) => open(relay.url, token, id, 300_000 + i * 100 + k, () => {})),
        )
        await Promise.all(
          partner.map((id, k) =>
            open(relay.url, token, id, 400_000 + i * 100 + k, () => {
              if (!measuring) return
              delivered++
              latency.arrivedInOrder(id)
            }),
          ),
        )
        for (const h of writes) h.ws.on('close', () => closedEarly++)
        return writes
      }),
    )
    const idlePerSecond = await idleCpuPerSecond(relay)
    measuring = true
    let sent = 0
    const cpu0 = relay.cpuSeconds()
    const t0 = performance.now()
    const interval = (phones.length * 1000) / RATE
    await Promise.all(
      phones.map(async (writes) => {
        await sleep(Math.random() * interval)
        let n = 0
        let next = performance.now()
        while (performance.now() - t0 < SECONDS * 1000) {
          const h = writes[n++ % writes.length]!
          h.roof = !h.roof
          h.replica.setRoofDurable(h.roof)
          latency.sentInOrder(h.id)
          h.ws.send(updatePayload(h.replica.take()))
          sent++
          next += interval
          await sleep(Math.max(0, next - performance.now()))
        }
      }),
    )
    for (let i = 0; i < 200 && delivered < sent; i++) await sleep(50)
    const secs = (performance.now() - t0) / 1000
    const cpu = relay.cpuSeconds() - cpu0
    const marginal = cpu - idlePerSecond * secs
    console.log(
      JSON.stringify({
        endpoint: '/yjs',
        rate: RATE,
        phones: phones.length,
        sent,
        delivered,
        closedEarly,
        refused,
        deliveredPerSecond: Math.round(delivered / secs),
        serverCpuSeconds: Math.round(cpu * 100) / 100,
        cpuUsPerDeliveredEdit: Math.round((cpu * 1e6) / Math.max(1, delivered)),
        marginalUsPerDeliveredEdit: Math.round((marginal * 1e6) / Math.max(1, delivered)),
        editToOtherDeviceMs: { p50: latency.percentile(50), p99: latency.percentile(99), n: latency.samples.length },
        loadAverage1m: loadAverage(),
      }),
    )
    for (const writes of phones) for (const h of writes) h.ws.close()
  } finally {
    await relay.stop()
  }
}

await main()
