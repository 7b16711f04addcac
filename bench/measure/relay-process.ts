// The relay as its own process for the edit measurements (relay-edits*.ts): a seeded data folder with phones in pairs
// per village, the server started on a free port, and its CPU (utime+stime) read from /proc.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RELAY_NODE_ARGS } from '../../server/node-flags.mjs'
import { createSession } from '../../server/auth/sessions.ts'
import { migrate } from '../../server/db/migrate.ts'
import { migrations } from '../../server/db/migrations/index.ts'
import { openDb } from '../../server/db/open.ts'
import { ensureReferenceData } from '../../server/db/reference-data.ts'
import { seedHouseholds } from '../../server/seed/seed.ts'
import { createDocStore } from '../../server/store/doc-store.ts'
import { LOCKED_STATUSES } from '../../shared/doc/workflow.ts'
import { cpuMicrosOf, cpuSecondsOf } from '../lib/server-process.ts'

export interface RelayProcess {
  url: string
  /** Session tokens of the phones: phones 2k and 2k+1 share village k. */
  tokens: string[]
  /** Per phone (token index): its village's households an enumerator may edit, sorted. */
  households: string[][]
  cpuSeconds(): number
  /** CPU seconds so far by thread (see threadsOf). */
  threads(): Record<string, number>
  io(): IoCounts
  stop(): Promise<void>
}

export const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms))

/** Write and read system calls and their bytes so far (all threads; files and sockets alike), from /proc/<pid>/io. */
export interface IoCounts {
  syscw: number
  wchar: number
  syscr: number
  rchar: number
}

function ioOf(pid: number): IoCounts {
  const f = Object.fromEntries(
    readFileSync(`/proc/${pid}/io`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(': ') as [string, string]),
  )
  return { syscw: Number(f.syscw), wchar: Number(f.wchar), syscr: Number(f.syscr), rchar: Number(f.rchar) }
}

/**
 * CPU seconds of each thread of `pid`: the main thread split into user and system time, the others (Node names them all
 * "node": V8's garbage-collection and compiler workers, libuv's pool, worker threads) by thread id.
 */
function threadsOf(pid: number): Record<string, number> {
  const out: Record<string, number> = {}
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let cpu: { user: number; system: number }
    try {
      cpu = cpuSecondsOf(`/proc/${pid}/task/${tid}/stat`)
    } catch {
      continue // the thread ended
    }
    if (Number(tid) === pid) {
      out['main (user)'] = cpu.user
      out['main (system)'] = cpu.system
    } else out[`thread ${tid}`] = cpu.user + cpu.system
  }
  return out
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
function prepare(dataDir: string, pairs: number): { tokens: string[]; households: string[][] } {
  const db = openDb(join(dataDir, 'rasoat.db'))
  migrate(db, migrations)
  ensureReferenceData(db)
  const docStore = createDocStore(db)
  seedHouseholds(db, docStore, { households: pairs * 60, units: 1, villagesPerUnit: pairs, seed: 7 })
  const villages = db
    .prepare('SELECT village_id FROM households GROUP BY village_id ORDER BY village_id')
    .pluck()
    .all() as string[]
  // Households an enumerator may edit (a locked record refuses every write: the phone's later edits would depend on it).
  const ofVillage = db
    .prepare(
      `SELECT id FROM households WHERE village_id = ? AND status NOT IN (${LOCKED_STATUSES.map(() => '?').join(', ')}) ORDER BY id`,
    )
    .pluck()
  const tokens: string[] = []
  const households: string[][] = []
  db.transaction(() => {
    const insertUser = db.prepare(
      `INSERT INTO users (id, username, password_hash, role, unit_code, display_name, created_at) VALUES (?, ?, 'x', 'enumerator', NULL, ?, 0)`,
    )
    const assign = db.prepare('INSERT INTO assignments (user_id, village_id) VALUES (?, ?)')
    for (let i = 0; i < pairs * 2; i++) {
      const id = `edit-${i}`
      const village = villages[Math.floor(i / 2) % villages.length]!
      insertUser.run(id, id, id)
      assign.run(id, village)
      tokens.push(createSession(db, id).token)
      households.push(ofVillage.all(village, ...LOCKED_STATUSES) as string[])
    }
  })()
  db.close()
  return { tokens, households }
}

/** MEASURE_CPU_PROF=dir writes a V8 CPU profile of the server there; MEASURE_NODE_FLAGS adds node flags to it. */
export async function startRelayProcess(pairs: number): Promise<RelayProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-edits-'))
  const { tokens, households } = prepare(dataDir, pairs)
  const port = await freePort()
  const prof = process.env.MEASURE_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.MEASURE_CPU_PROF}`] : []
  const flags = (process.env.MEASURE_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean)
  // The relay runs as one node process, as `npm start` runs it: the `tsx` command would add a parent that SIGKILLs it
  // 30 ms after relaying a SIGTERM, before a CPU profile is written.
  const args = [...prof, ...flags, ...RELAY_NODE_ARGS]
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), SEED_DEMO: '0' },
    detached: true,
    stdio: process.env.MEASURE_SERVER_LOG
      ? ['ignore', openSync(process.env.MEASURE_SERVER_LOG, 'w'), 'inherit']
      : 'ignore',
  })
  const url = `http://127.0.0.1:${port}`
  let up = false
  for (let i = 0; i < 300 && !up; i++) {
    up = await fetch(`${url}/api/health`).then(
      () => true,
      () => false,
    )
    if (!up) await sleep(100)
  }
  const stop = async (): Promise<void> => {
    process.kill(-(child.pid as number), 'SIGTERM')
    await new Promise((ok) => child.once('exit', ok))
    rmSync(dataDir, { recursive: true, force: true })
  }
  if (!up) {
    await stop()
    throw new Error('server did not start')
  }
  const pid = child.pid as number
  return {
    url,
    tokens,
    households,
    cpuSeconds: () => cpuMicrosOf(pid) / 1e6,
    threads: () => threadsOf(pid),
    io: () => ioOf(pid),
    stop,
  }
}

/** Server CPU per second while nothing happens (timers, health), measured over two seconds. */
export async function idleCpuPerSecond(relay: RelayProcess): Promise<number> {
  await sleep(1000)
  const idle0 = relay.cpuSeconds()
  await sleep(2000)
  return (relay.cpuSeconds() - idle0) / 2
}

/**
 * Edit → other device latency. Keyed: the sender names an edit once it knows its key (on /sync the ACK's serverSeq) and
 * the receiver when it sees it (the HEAD's serverSeq), in either order. FIFO: per household, the fan-out of one writer's
 * updates arrives in the order they were sent (/yjs, which has no sequence numbers).
 */
export class LatencyTracker {
  private readonly sentAt = new Map<string, number>()
  private readonly arrivedAt = new Map<string, number>()
  private readonly fifo = new Map<string, number[]>()
  readonly samples: number[] = []
  sent(key: string, at: number): void {
    const arrived = this.arrivedAt.get(key)
    if (arrived === undefined) this.sentAt.set(key, at)
    else {
      this.arrivedAt.delete(key)
      this.samples.push(arrived - at)
    }
  }
  arrived(key: string): void {
    const t = performance.now()
    const sent = this.sentAt.get(key)
    if (sent === undefined) this.arrivedAt.set(key, t)
    else {
      this.sentAt.delete(key)
      this.samples.push(t - sent)
    }
  }
  sentInOrder(householdId: string): void {
    let q = this.fifo.get(householdId)
    if (q === undefined) this.fifo.set(householdId, (q = []))
    q.push(performance.now())
  }
  arrivedInOrder(householdId: string): void {
    const t = this.fifo.get(householdId)?.shift()
    if (t !== undefined) this.samples.push(performance.now() - t)
  }
  percentile(p: number): number {
    const s = [...this.samples].sort((a, b) => a - b)
    return s.length === 0 ? 0 : Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10
  }
}

export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0])
}
