// Two rasoat relays as one system under test: both processes on one database (a shared SQLite file or a PostgreSQL
// database) and one Redis, phones split between them — device "…a" of a pair on relay A, "…b" on relay B, so every
// edit is measured on the OTHER relay — and CPU/RSS summed over both processes.

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, type SchedSample, type ServerProcess } from './server-process.ts'
import { sleep } from './stats.ts'
import { withDevices, type Prepared, type SystemAdapter } from './systems.ts'

export type PairBackend = 'sqlite' | 'postgres'

/** Which relay a simulated phone connects to: the second of each pair goes to relay B. */
export function relayOfDevice(name: string): 0 | 1 {
  return name.endsWith('b') ? 1 : 0
}

/** Both relays as one ServerProcess: `port` is relay A's, `info.ports` both; CPU, RSS and scheduling are summed. */
export function pairProcess(a: ServerProcess, b: ServerProcess): ServerProcess {
  const sum = (f: (s: ServerProcess) => number): number => f(a) + f(b)
  return {
    system: a.system,
    pid: a.pid,
    port: a.port,
    info: { ...a.info, ports: [a.port, b.port] },
    exited: Promise.all([a.exited, b.exited]).then(([x]) => x),
    cpuMicros: () => sum((s) => s.cpuMicros()),
    rssKiB: () => sum((s) => s.rssKiB()),
    sched(): SchedSample {
      const x = a.sched()
      const y = b.sched()
      return { cpuNs: x.cpuNs + y.cpuNs, waitNs: x.waitNs + y.waitNs, blkioTicks: x.blkioTicks + y.blkioTicks }
    },
    gc() {
      a.gc()
      b.gc()
    },
    kill9: async () => void (await Promise.all([a.kill9(), b.kill9()])),
    stop: async () => void (await Promise.all([a.stop(), b.stop()])),
  }
}

/** Adapter for runW1: `prepare` seeds the shared database, `start` starts both relays, `device` picks the relay. */
export function relayPairSystem(
  backend: PairBackend,
  prepare: SystemAdapter['prepare'],
  redisUrl: string,
): SystemAdapter {
  return withDevices({
    name: 'rasoat',
    label: `two rasoat relays on ${backend === 'sqlite' ? 'one SQLite file' : 'PostgreSQL'} and Redis (/sync)`,
    acks: true,
    prepare,
    async start(p: Prepared) {
      const env = (id: string) => ({ ...p.env, REDIS_URL: redisUrl, RELAY_ID: id })
      const a = await startServer('rasoat', env('bench-a'), 120_000)
      try {
        const b = await startServer('rasoat', env('bench-b'), 120_000)
        return pairProcess(a, b)
      } catch (e) {
        await a.stop()
        throw e
      }
    },
    deviceSpec(server, p, devName, households) {
      const ports = (server.info.ports as number[] | undefined) ?? [server.port, server.port]
      return {
        client: 'rasoat',
        url: `ws://127.0.0.1:${ports[relayOfDevice(devName)]}/sync`,
        name: devName,
        households,
        token: p.tokens.get(devName) ?? '',
      }
    },
  })
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((ok) => s.close(() => ok()))
  return port
}

export interface BenchRedis {
  url: string
  stop(): Promise<void>
}

/** A private Redis for the row (never a shared one: other relays' channels must not mix in): BENCH_REDIS_URL or own. */
export async function benchRedis(): Promise<BenchRedis> {
  const given = process.env.BENCH_REDIS_URL
  if (given) return { url: given, stop: async () => {} }
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'rasoat-bench-redis-'))
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore', detached: true },
  )
  const exited = new Promise<void>((ok) => child.on('exit', () => ok()))
  const failed = new Promise<never>((_, fail) =>
    child.on('error', (e) => fail(new Error(`redis-server could not start (${e.message}); set BENCH_REDIS_URL`))),
  )
  failed.catch(() => {}) // it may fail before the first probe below awaits it: the probe loop reports it, not the process
  const { default: Redis } = await import('ioredis')
  for (let i = 0; ; i++) {
    const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0 })
    probe.on('error', () => {}) // not up yet: asked again below
    let ok: boolean
    try {
      ok = await Promise.race([
        probe.connect().then(
          () => true,
          () => false,
        ),
        failed,
      ])
    } finally {
      probe.disconnect() // also when redis-server could not start: a probe left connecting keeps the process alive
    }
    if (ok) break
    if (i > 100) throw new Error('redis-server did not answer')
    await sleep(50)
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface BenchDatabase {
  url: string
  drop(): void
}

/**
 * A fresh PostgreSQL database for the row on the server of BENCH_DATABASE_URL (a role that may create databases),
 * named `<BENCH_DATABASE_PREFIX or rasoat_bench>_<time>`; null when it is not set. (Not RASOAT_TEST_DATABASE_URL: that
 * one moves every database the server opens into a test schema.)
 */
export async function benchDatabase(): Promise<BenchDatabase | null> {
  const admin = process.env.BENCH_DATABASE_URL
  if (!admin) return null
  const { openPostgres } = await import('../../server/db/open.ts')
  const name = `${process.env.BENCH_DATABASE_PREFIX ?? 'rasoat_bench'}_${Date.now()}`
  const run = (sql: string): void => {
    const db = openPostgres(admin)
    try {
      db.exec(sql)
    } finally {
      db.close()
    }
  }
  run(`CREATE DATABASE ${name}`)
  const url = new URL(admin)
  url.pathname = `/${name}`
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}
