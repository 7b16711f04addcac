// The real process entry, started with the command line `npm start` uses (node-flags.mjs): reads config from the
// environment, listens, and on SIGTERM flushes and closes cleanly with exit code 0.

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { RELAY_NODE_ARGS } from './node-flags.mjs'

const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-main-'))
let child: ChildProcess | undefined
afterAll(() => {
  // Own process group: kill the server and anything it started, never anything else.
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

describe('server/main.ts', () => {
  it('starts from env (PORT=0, DATA_DIR), answers /api/health, and exits 0 on SIGTERM', async () => {
    child = spawn(process.execPath, RELAY_NODE_ARGS, {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        SEED_DEMO: '0',
        CLIENT_DIR: join(dataDir, 'none'),
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout?.on('data', (b: Buffer) => (out += b.toString()))
    child.stderr?.on('data', (b: Buffer) => (out += b.toString()))
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
        if (m?.[1]) {
          clearInterval(timer)
          resolve(m[1])
        }
      }, 50)
      child?.on('exit', (code) => {
        clearInterval(timer)
        reject(new Error(`exited ${code}: ${out}`))
      })
    })
    const health = await fetch(`${url}/api/health`)
    expect(await health.json()).toMatchObject({ ok: true, db: 'ok' })
    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(out).toContain('SIGTERM: flushing and closing')
  })
})
