// Server CPU per durably ACKed edit at a paced rate (the W1 shape: phones in pairs per village, each edits its own
// households, the other phone of the pair receives the fan-out). The server is its own process; not a test.
// Usage: npx tsx bench/measure/relay-edits.ts [--rate 1600] [--seconds 10] [--pairs 16]   (MEASURE_CPU_PROF=dir to profile)
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
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

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => ok(port))
    })
  })
}

/** One village per pair; both phones of a pair are assigned to it. */
function prepare(dataDir: string): string[] {
  const db = openDb(join(dataDir, 'rasoat.db'))
  migrate(db, migrations)
  ensureReferenceData(db)
  const docStore = createDocStore(db)
  seedHouseholds(db, docStore, { households: PAIRS * 60, units: 1, villagesPerUnit: PAIRS, seed: 7 })
  const villages = db
    .prepare('SELECT village_id FROM households GROUP BY village_id ORDER BY village_id')
    .pluck()
    .all() as string[]
  const tokens: string[] = []
  db.transaction(() => {
    const insertUser = db.prepare(
      `INSERT INTO users (id, username, password_hash, role, unit_code, display_name, created_at) VALUES (?, ?, 'x', 'enumerator', NULL, ?, 0)`,
    )
    const assign = db.prepare('INSERT INTO assignments (user_id, village_id) VALUES (?, ?)')
    for (let i = 0; i < PAIRS * 2; i++) {
      const id = `edit-${i}`
      insertUser.run(id, id, id)
      assign.run(id, villages[Math.floor(i / 2) % villages.length])
      tokens.push(createSession(db, id).token)
    }
  })()
  db.close()
  return tokens
}

async function start(dataDir: string, port: number): Promise<ChildProcess> {
  const prof = process.env.MEASURE_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.MEASURE_CPU_PROF}`] : []
  const p = spawn('node_modules/.bin/tsx', [...prof, 'server/main.ts'], {
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

function serverPid(groupLeader: number): number {
  const children = readFileSync(`/proc/${groupLeader}/task/${groupLeader}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
  return children.length > 0 ? Number(children[children.length - 1]) : groupLeader
}

const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms))

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-edits-'))
  const tokens = prepare(dataDir)
  const port = await freePort()
  const child = await start(dataDir, port)
  const pid = serverPid(child.pid as number)
  const url = `http://127.0.0.1:${port}`
  try {
    let delivered = 0
    const devices = await Promise.all(
      tokens.map(async (token, i) => {
        const c = await SyncClient.connect({
          url,
          token,
          deviceId: `edit-dev-${i}`,
          onMessage: (m) => m.type === 'doc' && delivered++,
        })
        await c.hello()
        await c.manifest([])
        return c
      }),
    )
    // Phone 2k edits households [0, HOT) of its village, phone 2k+1 households [HOT, 2·HOT).
    const work = devices.map((c, i) => {
      const ids = [...c.heads.keys()].sort().slice((i % 2) * HOT, (i % 2) * HOT + HOT)
      return ids.map((id, k) => {
        const r = new DeviceReplica(200_000 + i * 100 + k)
        for (const u of c.updates.get(id) ?? []) r.apply(u)
        return { id, r, roof: false }
      })
    })
    for (const c of devices) c.updates.clear()
    await sleep(1000)
    const idle0 = cpuSeconds(pid)
    await sleep(2000)
    const idlePerSecond = (cpuSeconds(pid) - idle0) / 2
    delivered = 0
    let acks = 0
    let errors = 0
    const cpu0 = cpuSeconds(pid)
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
          inflight.push(c.sendUpdate(w.id, w.r.take()).then((m) => void (m.type === 'ack' ? acks++ : errors++)))
          next += interval
          await sleep(Math.max(0, next - performance.now()))
        }
      }),
    )
    await Promise.all(inflight)
    const secs = (performance.now() - t0) / 1000
    const cpu = cpuSeconds(pid) - cpu0
    const marginal = cpu - idlePerSecond * secs
    console.log(
      JSON.stringify({
        rate: RATE,
        phones: devices.length,
        acks,
        errors,
        delivered,
        ackedPerSecond: Math.round(acks / secs),
        serverCpuSeconds: Math.round(cpu * 100) / 100,
        cpuUsPerAck: Math.round((cpu * 1e6) / Math.max(1, acks)),
        marginalUsPerAck: Math.round((marginal * 1e6) / Math.max(1, acks)),
      }),
    )
    await Promise.all(devices.map((c) => c.close()))
  } finally {
    process.kill(-(child.pid as number), 'SIGTERM')
    await new Promise((ok) => child.once('exit', ok))
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
