// Starts a server under test as its own child process (own process group, pinned with taskset when available)
// and reads its CPU time and RSS from /proc, so every system is measured the same way.

import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { RELAY_NODE_FLAGS } from '../../server/node-flags.mjs'
import { sleep } from './stats.ts'

/** 'rasoat-yjs' is the rasoat server driven over /yjs by stock y-websocket phones (same process entry as 'rasoat'). */
export type SystemName = 'rasoat' | 'rasoat-yjs' | 'hocuspocus' | 'ywebsocket'
type ServerEntry = Exclude<SystemName, 'rasoat-yjs'>

export const SERVER_CPU = '0'
export const SIM_CPU = '1'
const TICKS_PER_SECOND = 100 // getconf CLK_TCK on Linux

export interface ServerProcess {
  readonly system: SystemName
  readonly pid: number
  readonly port: number
  /** Extra facts the server printed at start (e.g. persistence settings, tokens). */
  readonly info: Record<string, unknown>
  /** utime + stime of the server process in microseconds (10 ms resolution). */
  cpuMicros(): number
  /** VmRSS in KiB. */
  rssKiB(): number
  /** Main thread: ns on a CPU, ns runnable but waiting for one (contention), and block-I/O delay ticks. */
  sched(): SchedSample
  /** Ask the server to run a full GC (SIGUSR2, handled by every bench server entry) before reading RSS. */
  gc(): void
  /** SIGKILL the whole process group (W7). */
  kill9(): Promise<void>
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>
  readonly exited: Promise<number | null>
}

const live = new Set<ChildProcess>()

export function haveTaskset(): boolean {
  return existsSync('/usr/bin/taskset')
}

/** Pin this process (the simulator) to SIM_CPU; returns a description for the report. */
export async function pinSimulator(): Promise<string> {
  if (!haveTaskset()) return 'no pinning (taskset missing)'
  const { execFileSync } = await import('node:child_process')
  try {
    execFileSync('taskset', ['-a', '-p', '-c', SIM_CPU, String(process.pid)], { stdio: 'ignore' })
    return `servers: taskset -c ${SERVER_CPU}; simulator (this process): taskset -a -p -c ${SIM_CPU}`
  } catch {
    return 'no pinning (taskset failed)'
  }
}

export async function startServer(
  system: ServerEntry,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ServerProcess> {
  const entry = fileURLToPath(new URL(`../servers/${system}.ts`, import.meta.url))
  // BENCH_CPU_PROF_DIR=<dir>: write a V8 CPU profile of each server (read it with bench/profile-summary.ts).
  const prof = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : []
  // BENCH_SERVER_NODE_FLAGS adds node flags (e.g. --trace-gc); BENCH_SERVER_LOG=<file> copies the server's stdout there.
  const flags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean)
  // rasoat runs with the flags its launcher ships (npm start); the peers with Node's defaults, as they ship.
  const own = system === 'rasoat' ? RELAY_NODE_FLAGS : []
  const nodeArgs = ['--import', 'tsx', '--expose-gc', '--max-old-space-size=4096', ...own, ...prof, ...flags, entry]
  const cmd = haveTaskset() ? 'taskset' : process.execPath
  const args = haveTaskset() ? ['-c', SERVER_CPU, process.execPath, ...nodeArgs] : nodeArgs
  const child = spawn(cmd, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  })
  live.add(child)
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      live.delete(child)
      resolve(code)
    }),
  )
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString()
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000)
  })
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let buf = ''
    const timer = setTimeout(
      () => reject(new Error(`${system} server did not start in ${timeoutMs} ms: ${stderr.slice(-2000)}`)),
      timeoutMs,
    )
    const copy = process.env.BENCH_SERVER_LOG ? createWriteStream(process.env.BENCH_SERVER_LOG, { flags: 'a' }) : null
    if (copy) child.once('exit', () => copy.end())
    child.stdout?.on('data', (d: Buffer) => {
      copy?.write(d)
      if (buf.length > 100_000) return // READY is the first line
      buf += d.toString()
      const m = /^READY (.*)$/m.exec(buf)
      if (m?.[1]) {
        clearTimeout(timer)
        resolve(JSON.parse(m[1]) as Record<string, unknown>)
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${system} server exited (${code}) before READY: ${stderr.slice(-2000)}`))
    })
  })
  const pid = child.pid as number
  const killGroup = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig)
    } catch {
      // already gone
    }
  }
  return {
    system,
    pid,
    port: Number(ready.port),
    info: ready,
    exited,
    cpuMicros: () => cpuMicrosOf(pid),
    rssKiB: () => rssKiBOf(pid),
    sched: () => schedOf(pid),
    gc() {
      try {
        process.kill(pid, 'SIGUSR2')
      } catch {
        // gone
      }
    },
    async kill9() {
      killGroup('SIGKILL')
      await exited
    },
    async stop() {
      killGroup('SIGTERM')
      const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])
      if (!done) {
        killGroup('SIGKILL')
        await exited
      }
    },
  }
}

/** User and system CPU seconds of a process or thread from its stat file (/proc/<pid>/stat, /proc/<pid>/task/<tid>/stat). */
export function cpuSecondsOf(statFile: string): { user: number; system: number } {
  const stat = readFileSync(statFile, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return { user: Number(fields[11]) / TICKS_PER_SECOND, system: Number(fields[12]) / TICKS_PER_SECOND }
}

export function cpuMicrosOf(pid: number): number {
  try {
    const { user, system } = cpuSecondsOf(`/proc/${pid}/stat`)
    return (user + system) * 1e6
  } catch {
    return NaN
  }
}

export interface SchedSample {
  cpuNs: number
  waitNs: number
  /** delayacct_blkio_ticks (1/100 s): time blocked on disk I/O (0 when delay accounting is off). */
  blkioTicks: number
}

export function schedOf(pid: number): SchedSample {
  try {
    const [cpu, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { cpuNs: cpu ?? NaN, waitNs: wait ?? NaN, blkioTicks: Number(fields[39]) }
  } catch {
    return { cpuNs: NaN, waitNs: NaN, blkioTicks: NaN }
  }
}

export function rssKiBOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m?.[1] ? Number(m[1]) : NaN
  } catch {
    return NaN
  }
}

/** Kill every server still running (on exit or error). */
export function killAllServers(): void {
  for (const c of live) {
    try {
      if (c.pid) process.kill(-c.pid, 'SIGKILL')
    } catch {
      // gone
    }
  }
}
