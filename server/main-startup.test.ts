// The real process (tsx server/main.ts) on a data folder it cannot use: a second server on the same folder, a read-only
// file system, a database path it cannot open — each ends with exit code 1 and ONE line on stderr, no stack trace.

import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { startupErrorLine } from './db/startup-errors.ts'

const root = mkdtempSync(join(tmpdir(), 'rasoat-startup-'))
const running: { kill: () => void }[] = []
afterAll(() => {
  for (const r of running) r.kill()
  rmSync(root, { recursive: true, force: true })
})

interface Started {
  exit: Promise<{ code: number | null; stderr: string; stdout: string }>
  listening: Promise<string>
  stop(): void
}

function startMain(dataDir: string): Started {
  // node with tsx's loader, not the tsx CLI: one process, so SIGTERM reaches the server's own handler and no signal
  // relay between two processes can race it (the CLI answered 143 under load).
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SEED_DEMO: '0',
      CLIENT_DIR: join(root, 'none'),
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let seen: ((url: string) => void) | null = null
  const listening = new Promise<string>((ok) => (seen = ok))
  child.stdout?.on('data', (b: Buffer) => {
    stdout += b.toString()
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)
    if (m?.[1]) seen?.(m[1])
  })
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()))
  // 'close', not 'exit': it comes after stdout and stderr are read to their end.
  const exit = new Promise<{ code: number | null; stderr: string; stdout: string }>((ok) =>
    child.on('close', (code) => ok({ code, stderr, stdout })),
  )
  const stop = () => {
    // Own process group: stop the server and anything it started, never anything else.
    if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGTERM')
  }
  running.push({ kill: stop })
  return { exit, listening, stop }
}

function oneLine(stderr: string, code: string): void {
  const lines = stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(new RegExp(`^rasoat: cannot start: ${code}: `))
  expect(stderr).not.toContain('    at ')
}

describe('one server per data folder', () => {
  it('a second server on the same folder exits 1 with one line; the first keeps serving', async () => {
    const dataDir = join(root, 'shared')
    const first = startMain(dataDir)
    const url = await first.listening
    const second = await startMain(dataDir).exit
    expect(second.code).toBe(1)
    oneLine(second.stderr, 'data/locked')
    expect(second.stdout).not.toContain('listening')
    expect((await fetch(`${url}/api/health`)).status).toBe(200)
    first.stop()
    expect((await first.exit).code).toBe(0)
    // The lock went with the process: the folder is free again (a server starts and listens on it). Its clean exit on
    // SIGTERM is the first server's, checked above.
    const third = startMain(dataDir)
    await third.listening
    third.stop()
    await third.exit
  })
})

describe('start-up errors are one line', () => {
  it('a data folder on a read-only file system', async () => {
    const r = await startMain('/sys/kernel/rasoat-data').exit
    expect(r.code).toBe(1)
    oneLine(r.stderr, 'data/not-writable')
  })

  it('a database path SQLite cannot open (SQLITE_CANTOPEN: rasoat.db is a folder)', async () => {
    const dataDir = join(root, 'cantopen')
    mkdirSync(join(dataDir, 'rasoat.db'), { recursive: true })
    const r = await startMain(dataDir).exit
    expect(r.code).toBe(1)
    oneLine(r.stderr, 'data/cannot-open')
  })

  it('a data folder under a regular file', async () => {
    writeFileSync(join(root, 'plain-file'), 'x')
    const r = await startMain(join(root, 'plain-file', 'data')).exit
    expect(r.code).toBe(1)
    oneLine(r.stderr, 'data/cannot-open')
  })

  it('SQLITE_FULL (a real one: the database reaches its page limit) reads as a full disk', () => {
    const db = new Database(join(root, 'full.db'))
    db.exec('CREATE TABLE t (b BLOB)')
    db.pragma('max_page_count = 3')
    let err: unknown = null
    try {
      db.prepare('INSERT INTO t VALUES (zeroblob(100000))').run()
    } catch (e) {
      err = e
    }
    db.close()
    expect((err as { code?: string }).code).toBe('SQLITE_FULL')
    expect(startupErrorLine(err, { dataDir: '/srv/rasoat' })).toMatch(
      /^data\/disk-full: the disk holding \/srv\/rasoat is full/,
    )
  })
})
