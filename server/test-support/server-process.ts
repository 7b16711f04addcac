// The real server (`server/main.ts`, started with `npm start`'s command line) as a child process in its own process
// group, so that kill -9 takes it and anything it started down at once: the crash trials and the kill -9 durability
// test start, kill and restart it on one data folder.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { RELAY_NODE_ARGS } from '../node-flags.mjs'

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => ok(port))
    })
  })
}

/** Starts the relay on `dataDir` (and `env`) in its own process group; waits until it answers /api/health. */
export async function startServerProcess(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const p = spawn(process.execPath, RELAY_NODE_ARGS, {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', SEED_DEMO: '0', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  p.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  p.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (p.exitCode !== null) throw new Error(`server exited early: ${output}`)
    const up = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    )
    if (up) return p
    await new Promise((ok) => setTimeout(ok, 100))
  }
  await killGroup(p, 'SIGKILL')
  throw new Error(`server did not start: ${output}`)
}

/** Sends `signal` to the server's whole process group and resolves when it has exited. */
export function killGroup(p: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return signalAndWait(p, () => process.kill(-(p.pid as number), signal))
}

/** Sends SIGTERM to the server process alone, as a container runtime stops its main process; resolves on its exit. */
export function stopProcess(p: ChildProcess): Promise<void> {
  return signalAndWait(p, () => p.kill('SIGTERM'))
}

function signalAndWait(p: ChildProcess, send: () => void): Promise<void> {
  return new Promise((ok) => {
    if (p.exitCode !== null || p.signalCode !== null) return ok()
    p.once('exit', () => ok())
    send()
  })
}
