// Test support: a real HTTP + WebSocket server on port 0 with the relay, over a real SQLite file in a temp dir.
// Wraps startServer (exactly what production runs) with helpers for places, users and households.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Access, User } from '../auth/access.ts'
import { createSession } from '../auth/sessions.ts'
import { createUser, type Role } from '../auth/users.ts'
import type { Db } from '../db/open.ts'
import { startServer } from '../server.ts'
import type { DocStore } from '../store/doc-store.ts'
import type { Relay, RelayDeps } from '../relay/index.ts'
import { householdUpdate } from './household-fixture.ts'
import { SyncClient } from '../relay/test-client.ts'

export const TEST_UNIT = '19900'

export interface RelayTestServer {
  url: string
  dataDir: string
  db: Db
  access: Access
  docStore: DocStore
  relay: Relay
  /** The server's clock: real time plus whatever the test skipped ahead (caches expire without sleeping). */
  clock: TestClock
  addVillage(id: string, unit?: string): void
  /** A user with a live session token (no HTTP login needed). */
  addUser(
    username: string,
    role: Role,
    place?: { villages?: string[]; unitCode?: string },
  ): Promise<{ user: User; token: string }>
  seedHouseholds(ids: readonly string[], villageId: string, unit?: string): void
  /** Stops the server; `keepData` leaves the SQLite file for a restart. */
  stop(opts?: { keepData?: boolean }): Promise<void>
}

export interface TestClock {
  now(): number
  /** Moves the server's time forward by `ms` (never back: rate limits and caches see a monotonic clock). */
  advance(ms: number): void
}

/** Real time (or the given clock) plus an offset the test advances. */
export function testClock(base: () => number = Date.now): TestClock {
  let offset = 0
  return {
    now: () => base() + offset,
    advance(ms) {
      if (ms < 0) throw new Error('the clock only moves forward')
      offset += ms
    },
  }
}

export async function startRelayServer(
  opts: { dataDir?: string; limits?: RelayDeps['limits']; now?: () => number; releaseGrantMs?: number } = {},
): Promise<RelayTestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'rasoat-relay-'))
  const clock = testClock(opts.now)
  // The production assembly (startServer wires createDocStore + createRelay), on port 0, on the test's clock.
  const running = await startServer({
    dataDir,
    port: 0,
    seedDemo: false,
    clientDir: join(dataDir, 'no-client'),
    log: () => {},
    now: clock.now,
    ...(opts.limits ? { relayLimits: opts.limits } : {}),
    ...(opts.releaseGrantMs !== undefined ? { releaseGrantMs: opts.releaseGrantMs } : {}),
  })
  const { db, access, docStore, relay } = running
  const insertVillage = db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')

  return {
    url: running.url,
    dataDir,
    db,
    access,
    docStore,
    relay,
    clock,
    addVillage: (id, unit = TEST_UNIT) => insertVillage.run(id, unit, `Thôn ${id}`),
    async addUser(username, role, place = {}) {
      const user = await createUser(db, {
        username,
        password: 'correct horse battery',
        role,
        ...(place.villages ? { villages: place.villages } : {}),
        ...(place.unitCode ? { unitCode: place.unitCode } : {}),
      })
      return { user, token: createSession(db, user.id).token }
    },
    seedHouseholds(ids, villageId, unit = TEST_UNIT) {
      db.transaction(() => {
        for (const id of ids) {
          docStore.createHousehold(
            { id, period: '2025', unitCode: unit, villageId },
            householdUpdate({ id, headName: `Nguyễn Văn ${id}`, village: villageId, unit }),
            'seed',
          )
        }
      })()
    },
    async stop({ keepData = false } = {}) {
      await running.close()
      if (!keepData) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A signed-in device on `server` with its households: connected, HELLO answered with WELCOME, an empty MANIFEST sent. */
export async function deviceWithHouseholds(
  server: Pick<RelayTestServer, 'url'>,
  token: string,
  deviceId: string,
): Promise<SyncClient> {
  const c = await SyncClient.connect({ url: server.url, token, deviceId })
  const welcome = await c.hello()
  if (welcome.type !== 'welcome') throw new Error(`HELLO answered with ${JSON.stringify(welcome)}`)
  await c.manifest([])
  return c
}
