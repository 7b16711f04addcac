// Measures the relay on this machine: cold bootstrap of one device (bytes, time), RSS of the server process with
// N seeded households and D connected devices, and ACKed updates/s through group commit. Not a test (no assertions).
// Usage: npx tsx bench/measure/relay-capacity.ts [--households 100000] [--devices 200] [--seconds 10]
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { RELAY_NODE_ARGS } from '../../server/node-flags.mjs'
import { createSession } from '../../server/auth/sessions.ts'
import { migrate } from '../../server/db/migrate.ts'
import { migrations } from '../../server/db/migrations/index.ts'
import { openDb } from '../../server/db/open.ts'
import { ensureReferenceData } from '../../server/db/reference-data.ts'
import { seedHouseholds } from '../../server/seed/seed.ts'
import { createDocStore } from '../../server/store/doc-store.ts'
import { DeviceReplica } from '../../server/test-support/household-fixture.ts'
import { SyncClient } from '../../server/relay/test-client.ts'

const { values: args } = parseArgs({
  options: {
    households: { type: 'string', default: '100000' },
    devices: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    inflight: { type: 'string', default: '8' },
    'data-dir': { type: 'string' },
  },
})
const N = Number(args.households)
const D = Number(args.devices)
const SECONDS = Number(args.seconds)
const INFLIGHT = Number(args.inflight)

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kb / 102.4) / 10
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
}

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => ok(port))
    })
  })
}

/** Seeds N households and D enumerators (one village each, villages with the most households first). */
function prepare(dataDir: string): { tokens: string[]; seedMs: number } {
  const db = openDb(join(dataDir, 'rasoat.db'))
  migrate(db, migrations)
  ensureReferenceData(db)
  const docStore = createDocStore(db)
  const existing = db.prepare('SELECT count(*) FROM households').pluck().get() as number
  let seedMs = 0
  if (existing < N) {
    const t = performance.now()
    seedHouseholds(db, docStore, {
      households: N - existing,
      onBatch: (d, total) => d % 10_000 === 0 && console.error(`  seeded ${d}/${total}`),
    })
    seedMs = performance.now() - t
  }
  const villages = db
    .prepare('SELECT village_id FROM households GROUP BY village_id ORDER BY count(*) DESC')
    .pluck()
    .all() as string[]
  const tokens: string[] = []
  db.transaction(() => {
    const insertUser = db.prepare(
      `INSERT OR IGNORE INTO users (id, username, password_hash, role, unit_code, display_name, created_at) VALUES (?, ?, 'x', 'enumerator', NULL, ?, 0)`,
    )
    const assign = db.prepare('INSERT OR IGNORE INTO assignments (user_id, village_id) VALUES (?, ?)')
    for (let i = 0; i < D; i++) {
      const id = `measure-${i}`
      insertUser.run(id, id, id)
      assign.run(id, villages[i % villages.length])
      tokens.push(createSession(db, id).token)
    }
  })()
  db.close()
  return { tokens, seedMs }
}

async function start(dataDir: string, port: number): Promise<ChildProcess> {
  // MEASURE_CPU_PROF=dir writes a V8 CPU profile of the server process there (on SIGTERM exit).
  const prof = process.env.MEASURE_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.MEASURE_CPU_PROF}`] : []
  const p = spawn(process.execPath, [...prof, ...RELAY_NODE_ARGS], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), SEED_DEMO: '0' },
    detached: true,
    stdio: 'ignore',
  })
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`http://127.0.0.1:${port}/api/health`).then(
        () => true,
        () => false,
      )
    )
      return p
    await new Promise((ok) => setTimeout(ok, 100))
  }
  throw new Error('server did not start')
}

async function main(): Promise<void> {
  const dataDir = args['data-dir'] ?? mkdtempSync(join(tmpdir(), 'rasoat-measure-'))
  const keep = args['data-dir'] !== undefined
  console.error(`preparing ${N} households, ${D} devices in ${dataDir}`)
  const { tokens, seedMs } = prepare(dataDir)
  const port = await freePort()
  const child = await start(dataDir, port)
  const pid = child.pid as number
  const url = `http://127.0.0.1:${port}`
  const out: Record<string, unknown> = {
    households: N,
    devices: D,
    seedMs: Math.round(seedMs),
    dbBytes: existsSync(join(dataDir, 'rasoat.db')) ? statSync(join(dataDir, 'rasoat.db')).size : 0,
  }
  try {
    out.rssIdleMb = rssMb(pid)

    // One cold bootstrap, alone.
    const t0 = performance.now()
    const first = await SyncClient.connect({ url, token: tokens[0]!, deviceId: 'measure-dev-0' })
    await first.hello()
    const reply = await first.manifest([])
    out.bootstrap = {
      households: reply.added.length,
      bytesIn: first.traffic.bytesIn,
      framesIn: first.traffic.framesIn,
      ms: Math.round(performance.now() - t0),
    }
    const entries = [...first.heads] as [string, number][]
    await first.close()
    // Reconnect with nothing changed.
    const again = await SyncClient.connect({ url, token: tokens[0]!, deviceId: 'measure-dev-0' })
    await again.hello()
    await again.manifest(entries)
    out.reconnect = {
      framesIn: again.traffic.framesIn,
      framesOut: again.traffic.framesOut,
      bytesIn: again.traffic.bytesIn,
      bytesOut: again.traffic.bytesOut,
    }
    await again.close()

    // D devices, all bootstrapped and connected.
    const t1 = performance.now()
    const devices: SyncClient[] = []
    for (let i = 0; i < D; i += 20) {
      const group = await Promise.all(
        tokens.slice(i, i + 20).map(async (token, k) => {
          const c = await SyncClient.connect({ url, token, deviceId: `measure-dev-${i + k}` })
          await c.hello()
          await c.manifest([])
          return c
        }),
      )
      devices.push(...group)
    }
    out.connectAllMs = Math.round(performance.now() - t1)
    out.rssConnectedMb = rssMb(pid)

    // Throughput: each device edits 4 of its households, INFLIGHT updates outstanding per device.
    const replicas = devices.map((c, i) => {
      const ids = [...c.heads.keys()].slice(0, 4)
      const rs = ids.map((id, k) => {
        const r = new DeviceReplica(100_000 + i * 10 + k)
        for (const u of c.updates.get(id) ?? []) r.apply(u)
        return { id, r }
      })
      c.updates.clear()
      return rs
    })
    let acks = 0
    let errors = 0
    const stopAt = performance.now() + SECONDS * 1000
    const t2 = performance.now()
    const cpu0 = cpuSeconds(pid)
    await Promise.all(
      devices.map(async (c, i) => {
        let n = 0
        const lane = async (): Promise<void> => {
          while (performance.now() < stopAt) {
            const rs = replicas[i]!
            const { id, r } = rs[n++ % rs.length]!
            r.setAddress(`Số ${n} đường ${i}`)
            const m = await c.sendUpdate(id, r.take())
            if (m.type === 'ack') acks++
            else errors++
          }
        }
        await Promise.all(Array.from({ length: INFLIGHT }, lane))
      }),
    )
    const secs = (performance.now() - t2) / 1000
    const serverCpu = cpuSeconds(pid) - cpu0
    out.throughput = {
      ackedPerSecond: Math.round(acks / secs),
      acks,
      errors,
      seconds: Math.round(secs * 10) / 10,
      inflightPerDevice: INFLIGHT,
      serverCpuSeconds: Math.round(serverCpu * 10) / 10,
      serverCpuMsPerAck: Math.round((serverCpu * 1000 * 100) / Math.max(1, acks)) / 100,
    }
    out.rssAfterWritesMb = rssMb(pid)
    await Promise.all(devices.map((c) => c.close()))
  } finally {
    process.kill(-(child.pid as number), 'SIGTERM')
    await new Promise((ok) => child.once('exit', ok))
    if (!keep) rmSync(dataDir, { recursive: true, force: true })
  }
  console.log(JSON.stringify(out, null, 2))
}

await main()
