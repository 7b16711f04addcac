// Test support: a real server on port 0 over a real SQLite file in a fresh temp dir, plus small HTTP helpers.
// Only *.test.ts files import this.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createUser, type NewUser, type User } from '../auth/users.ts'
import { startServer, type RunningServer, type StartOptions } from '../server.ts'

export interface TestServer extends RunningServer {
  dataDir: string
  /** Closes the server and deletes its data dir. */
  stop(): Promise<void>
  addUser(u: Partial<NewUser> & Pick<NewUser, 'username' | 'role'>): Promise<User>
  login(username: string, password?: string): Promise<string>
  api(path: string, init?: RequestInit & { token?: string | undefined; json?: unknown }): Promise<Response>
}

export const TEST_PASSWORD = 'correct horse battery'

export async function startTestServer(opts: Partial<StartOptions> = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'rasoat-server-'))
  const server = await startServer({
    port: 0,
    clientDir: join(dataDir, 'no-client'),
    seedDemo: false,
    ...opts,
    dataDir,
  })
  async function api(path: string, init: RequestInit & { token?: string | undefined; json?: unknown } = {}) {
    const { token, json, ...rest } = init
    const headers = new Headers(rest.headers)
    if (token) headers.set('authorization', `Bearer ${token}`)
    if (json !== undefined) headers.set('content-type', 'application/json')
    return fetch(server.url + path, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body })
  }
  return {
    ...server,
    dataDir,
    async stop() {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
    addUser: (u) => createUser(server.db, { password: TEST_PASSWORD, ...u }),
    async login(username, password = TEST_PASSWORD) {
      const res = await api('/api/login', { method: 'POST', json: { username, password } })
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${await res.text()}`)
      return ((await res.json()) as { token: string }).token
    },
    api,
  }
}

/** Inserts units/villages/households rows directly, for scope tests that do not need Yjs documents. */
export function insertPlaces(
  server: RunningServer,
  places: { villages?: [id: string, unit: string, name: string][]; households?: Record<string, unknown>[] },
): void {
  const db = server.db
  const v = db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?)')
  for (const row of places.villages ?? []) v.run(...row)
  for (const h of places.households ?? []) {
    const cols = Object.keys(h)
    db.prepare(`INSERT INTO households (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(
      ...cols.map((c) => h[c]),
    )
  }
}
