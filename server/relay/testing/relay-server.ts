// Test support: a real HTTP + WebSocket server on port 0 with the relay, over a real SQLite file in a temp dir.
// Assembled from server-api's createApp; switch to startServer once it wires the relay itself.
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { createApp } from '../../app.ts'
import { createAccess, type Access, type User } from '../../auth/access.ts'
import { createSession } from '../../auth/sessions.ts'
import { createUser, type Role } from '../../auth/users.ts'
import { migrate } from '../../db/migrate.ts'
import { migrations } from '../../db/migrations/index.ts'
import { openDb, type Db } from '../../db/open.ts'
import { ensureReferenceData } from '../../db/reference-data.ts'
import { createDocStore, type DocStore } from '../../store/doc-store.ts'
import type { HouseholdWriterOptions } from '../../store/household-writer.ts'
import { createRelay, type Relay } from '../index.ts'
import { householdUpdate } from './household-fixture.ts'

export const TEST_UNIT = '19900'

export interface RelayTestServer {
  url: string
  dataDir: string
  db: Db
  access: Access
  docStore: DocStore
  relay: Relay
  addVillage(id: string, unit?: string): void
  /** A user with a live session token (no HTTP login needed). */
  addUser(username: string, role: Role, place?: { villages?: string[]; unitCode?: string }): Promise<{ user: User; token: string }>
  seedHouseholds(ids: readonly string[], villageId: string, unit?: string): void
  /** Stops the server; `keepData` leaves the SQLite file for a restart. */
  stop(opts?: { keepData?: boolean }): Promise<void>
}

export async function startRelayServer(opts: { dataDir?: string; cacheSize?: number; commit?: HouseholdWriterOptions } = {}): Promise<RelayTestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'rasoat-relay-'))
  const db = openDb(join(dataDir, 'rasoat.db'))
  migrate(db, migrations)
  ensureReferenceData(db)
  const access = createAccess(db)
  const docStore = createDocStore(db, { cacheSize: opts.cacheSize ?? 2_000 })
  const relay = createRelay({ db, access, docStore, commit: opts.commit ?? {}, onError: () => {} })
  const { app, injectWebSocket, wss } = createApp({
    db,
    access,
    relay,
    version: 'test',
    clientDir: join(dataDir, 'no-client'),
    photosDir: join(dataDir, 'photos'),
    logError: () => {},
  })
  const server: ServerType = await new Promise((ok) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(s))
  })
  injectWebSocket(server)
  const port = (server.address() as AddressInfo).port
  const insertVillage = db.prepare('INSERT OR IGNORE INTO villages (id, unit_code, name) VALUES (?, ?, ?)')

  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    db,
    access,
    docStore,
    relay,
    addVillage: (id, unit = TEST_UNIT) => insertVillage.run(id, unit, `Thôn ${id}`),
    async addUser(username, role, place = {}) {
      const user = await createUser(db, { username, password: 'correct horse battery', role, ...(place.villages ? { villages: place.villages } : {}), ...(place.unitCode ? { unitCode: place.unitCode } : {}) })
      return { user, token: createSession(db, user.id).token }
    },
    seedHouseholds(ids, villageId, unit = TEST_UNIT) {
      db.transaction(() => {
        for (const id of ids) {
          docStore.createHousehold({ id, period: '2025', unitCode: unit, villageId }, householdUpdate({ id, headName: `Nguyễn Văn ${id}`, village: villageId, unit }), 'seed')
        }
      })()
    },
    async stop({ keepData = false } = {}) {
      await relay.flush()
      await relay.close(1001)
      for (const ws of wss.clients) ws.terminate()
      await new Promise<void>((done) => {
        server.close(() => done())
        if ('closeAllConnections' in server) server.closeAllConnections()
      })
      db.close()
      if (!keepData) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
