// Server CPU per durably ACKed edit at a paced rate over /sync (the W1 shape: phones in pairs per village, each edits its
// own households, the other phone of the pair receives the fan-out), and edit → other device latency. Not a test.
// Usage: npx tsx bench/measure/relay-edits.ts [--rate 1600] [--seconds 10] [--pairs 16]   (MEASURE_CPU_PROF=dir to profile)
import { parseArgs } from 'node:util'
import { DeviceReplica } from '../../server/test-support/household-fixture.ts'
import { SyncClient } from '../../server/relay/test-client.ts'
import { idleCpuPerSecond, LatencyTracker, loadAverage, sleep, startRelayProcess } from './relay-process.ts'

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '1600' },
    seconds: { type: 'string', default: '10' },
    pairs: { type: 'string', default: '16' },
    hot: { type: 'string', default: '5' },
  },
})
const RATE = Number(args.rate)
const SECONDS = Number(args.seconds)
const PAIRS = Number(args.pairs)
const HOT = Number(args.hot)

async function main(): Promise<void> {
  const relay = await startRelayProcess(PAIRS)
  const latency = new LatencyTracker()
  let measuring = false
  try {
    let delivered = 0
    const devices = await Promise.all(
      relay.tokens.map(async (token, i) => {
        const c = await SyncClient.connect({
          url: relay.url,
          token,
          deviceId: `edit-dev-${i}`,
          onMessage: (m) => {
            if (m.type === 'doc') delivered++
            if (m.type === 'head' && measuring) latency.arrived(`${m.householdId}:${m.serverSeq}`)
          },
        })
        await c.hello()
        await c.manifest([])
        return c
      }),
    )
    // Phone 2k edits households [0, HOT) of its village, phone 2k+1 households [HOT, 2·HOT).
    const work = devices.map((c, i) => {
      const ids = relay.households[i]!.slice((i % 2) * HOT, (i % 2) * HOT + HOT)
      return ids.map((id, k) => {
        const r = new DeviceReplica(200_000 + i * 100 + k)
        for (const u of c.updates.get(id) ?? []) r.apply(u)
        return { id, r, roof: false }
      })
    })
    for (const c of devices) c.updates.clear()
    const idlePerSecond = await idleCpuPerSecond(relay)
    delivered = 0
    measuring = true
    let acks = 0
    const errors = new Map<string, number>()
    const cpu0 = relay.cpuSeconds()
    const io0 = relay.io()
    const threads0 = relay.threads()
    const own0 = process.cpuUsage()
    const t0 = performance.now()
    const interval = (devices.length * 1000) / RATE
    const inflight: Promise<void>[] = []
    await Promise.all(
      devices.map(async (c, i) => {
        await sleep(Math.random() * interval)
        let n = 0
        let next = performance.now()
        while (performance.now() - t0 < SECONDS * 1000) {
          const w = work[i]![n++ % work[i]!.length]!
          w.roof = !w.roof
          w.r.setRoofDurable(w.roof)
          const at = performance.now()
          inflight.push(
            c.sendUpdate(w.id, w.r.take()).then((m) => {
              if (m.type === 'ack') {
                acks++
                latency.sent(`${w.id}:${m.serverSeq}`, at)
              } else errors.set(m.code, (errors.get(m.code) ?? 0) + 1)
            }),
          )
          next += interval
          await sleep(Math.max(0, next - performance.now()))
        }
      }),
    )
    await Promise.all(inflight)
    const secs = (performance.now() - t0) / 1000
    const cpu = relay.cpuSeconds() - cpu0
    const io = relay.io()
    const threads = relay.threads()
    const own = process.cpuUsage(own0)
    const perAck = (n: number): number => Math.round((n * 100) / Math.max(1, acks)) / 100
    const marginal = cpu - idlePerSecond * secs
    console.log(
      JSON.stringify({
        endpoint: '/sync',
        rate: RATE,
        phones: devices.length,
        acks,
        errors: Object.fromEntries(errors),
        delivered,
        ackedPerSecond: Math.round(acks / secs),
        serverCpuSeconds: Math.round(cpu * 100) / 100,
        cpuUsPerAck: Math.round((cpu * 1e6) / Math.max(1, acks)),
        marginalUsPerAck: Math.round((marginal * 1e6) / Math.max(1, acks)),
        // Every write/read system call of the relay (WAL frames, checkpoint copies, socket writes) per acked edit.
        writeCallsPerAck: perAck(io.syscw - io0.syscw),
        writtenBytesPerAck: Math.round((io.wchar - io0.wchar) / Math.max(1, acks)),
        readCallsPerAck: perAck(io.syscr - io0.syscr),
        // Where that CPU went: the main thread (user and system time) and every other thread by id, µs per acked edit.
        cpuUsPerAckByThread: Object.fromEntries(
          Object.entries(threads)
            .map(([name, s]): [string, number] => [
              name,
              Math.round(((s - (threads0[name] ?? 0)) * 1e6) / Math.max(1, acks)),
            ])
            .filter(([, us]) => us > 0),
        ),
        // This process (every phone's socket, edits and pacing): a share near 100 % of a core means the latency
        // below includes the phones' own queueing.
        phonesCpuShareOfCore: Math.round(((own.user + own.system) / 1e6 / secs) * 100) / 100,
        editToOtherDeviceMs: { p50: latency.percentile(50), p99: latency.percentile(99), n: latency.samples.length },
        loadAverage1m: loadAverage(),
      }),
    )
    await Promise.all(devices.map((c) => c.close()))
  } finally {
    await relay.stop()
  }
}

await main()
