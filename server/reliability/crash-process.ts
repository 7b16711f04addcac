// The crash trials' world: a data folder seeded with a village of households, an enumerator and an admin, and the real
// server (`server/main.ts`) run as a child process in its own process group so that kill -9 takes it down at once.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSession } from '../auth/sessions.ts'
import { createUser } from '../auth/users.ts'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb, type Db } from '../db/open.ts'
import { ensureReferenceData } from '../db/reference-data.ts'
import { createDocStore } from '../store/doc-store.ts'
import { householdUpdate } from '../test-support/household-fixture.ts'
import { TEST_UNIT } from '../test-support/relay-server.ts'

export const CRASH_VILLAGE = 'vc'
export const CRASH_VILLAGE_NAME = 'Thôn Cầu'

export interface CrashWorld {
  dataDir: string
  households: string[]
  enumeratorId: string
  enumeratorToken: string
  adminToken: string
}

/** The data folder's database (the server's own file name). */
export function openCrashDb(dataDir: string): Db {
  return openDb(join(dataDir, 'rasoat.db'))
}

export async function seedCrashWorld(householdCount: number): Promise<CrashWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-crash-'))
  const db = openCrashDb(dataDir)
  migrate(db, migrations)
  ensureReferenceData(db)
  db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?)').run(
    CRASH_VILLAGE,
    TEST_UNIT,
    CRASH_VILLAGE_NAME,
  )
  const households = Array.from({ length: householdCount }, (_, i) => `hc-${i + 1}`)
  const docStore = createDocStore(db)
  db.transaction(() => {
    for (const id of households)
      docStore.createHousehold(
        { id, period: '2025', unitCode: TEST_UNIT, villageId: CRASH_VILLAGE },
        householdUpdate({ id, headName: `Hộ ${id}`, village: CRASH_VILLAGE, unit: TEST_UNIT }),
        'seed',
      )
  })()
  const password = 'correct horse battery'
  const enumerator = await createUser(db, {
    username: 'cuong',
    password,
    role: 'enumerator',
    villages: [CRASH_VILLAGE],
  })
  const admin = await createUser(db, { username: 'an', password, role: 'admin' })
  const world = {
    dataDir,
    households,
    enumeratorId: enumerator.id,
    enumeratorToken: createSession(db, enumerator.id).token,
    adminToken: createSession(db, admin.id).token,
  }
  db.close()
  return world
}

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

/** Starts `tsx server/main.ts` on `dataDir` in its own process group and waits until it answers /api/health. */
export async function startServerProcess(dataDir: string, port: number): Promise<ChildProcess> {
  const p = spawn('node_modules/.bin/tsx', ['server/main.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', SEED_DEMO: '0' },
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

/** Sends `signal` to the server's whole process group (tsx and node) and resolves when it has exited. */
export function killGroup(p: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((ok) => {
    if (p.exitCode !== null || p.signalCode !== null) return ok()
    p.once('exit', () => ok())
    process.kill(-(p.pid as number), signal)
  })
}
