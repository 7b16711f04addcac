// Two real relay processes (server/main.ts) on one data folder with a Redis fan-out between them, and a TCP link to
// Redis that a test can cut and restore: what a relay misses while cut must come back from the database.
import type { ChildProcess } from 'node:child_process'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { openPostgres, testSchemaOf } from '../db/open.ts'
import { createSession } from '../auth/sessions.ts'
import { createUser } from '../auth/users.ts'
import { openCrashDb, seedCrashWorld, type CrashWorld } from '../reliability/crash-process.ts'
import { TEST_UNIT } from '../test-support/relay-server.ts'
import { freePort, killGroup, startServerProcess } from '../test-support/server-process.ts'

export const TEST_REDIS_URL = process.env.RASOAT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1'

export interface TwoRelayWorld extends CrashWorld {
  /** A second enumerator of the same village (a concurrent writer). */
  peerToken: string
  /** An enumerator of another village: none of the world's households is in its area. */
  outsiderToken: string
  /** The supervisor of the world's unit (the live console). */
  supervisorToken: string
}

export async function seedTwoRelayWorld(households: number): Promise<TwoRelayWorld> {
  const world = await seedCrashWorld(households)
  const db = openCrashDb(world.dataDir)
  db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?)').run('vx', TEST_UNIT, 'Thôn Xa')
  const password = 'correct horse battery'
  const peer = await createUser(db, { username: 'dung', password, role: 'enumerator', villages: ['vc'] })
  const outsider = await createUser(db, { username: 'xuan', password, role: 'enumerator', villages: ['vx'] })
  const supervisor = await createUser(db, { username: 'son', password, role: 'supervisor', unitCode: TEST_UNIT })
  const tokens = {
    peerToken: createSession(db, peer.id).token,
    outsiderToken: createSession(db, outsider.id).token,
    supervisorToken: createSession(db, supervisor.id).token,
  }
  db.close()
  return { ...world, ...tokens }
}

export interface RelayProcess {
  name: string
  url: string
  port: number
  child: ChildProcess
}

/** The suite's PostgreSQL run only (RASOAT_TEST_ENGINE=postgres), as openDb decides: the URL alone leaves tests on SQLite. */
function suitePostgresUrl(): string | undefined {
  return process.env.RASOAT_TEST_ENGINE === 'postgres' ? process.env.RASOAT_TEST_DATABASE_URL : undefined
}

/**
 * The database the world was seeded in: in the PostgreSQL run the data folder's file is a PostgreSQL schema
 * (db/open.ts), and the relays get it as DATABASE_URL; otherwise they share the folder's SQLite file.
 */
export function worldDatabaseUrl(dataDir: string): string | undefined {
  const suiteUrl = suitePostgresUrl()
  if (!suiteUrl) return undefined
  const url = new URL(suiteUrl)
  url.searchParams.set('options', `-c search_path=${testSchemaOf(join(dataDir, 'rasoat.db'))}`)
  return url.toString()
}

/** Drops the world's PostgreSQL schema (nothing to do on SQLite: the folder is removed). */
export function dropWorldDatabase(dataDir: string): void {
  const suiteUrl = suitePostgresUrl()
  if (!suiteUrl) return
  const db = openPostgres(suiteUrl)
  try {
    db.exec(`DROP SCHEMA IF EXISTS ${testSchemaOf(join(dataDir, 'rasoat.db'))} CASCADE`)
  } finally {
    db.close()
  }
}

export async function startRelay(
  dataDir: string,
  name: string,
  redisUrl: string,
  port?: number,
): Promise<RelayProcess> {
  const p = port ?? (await freePort())
  const databaseUrl = worldDatabaseUrl(dataDir)
  const child = await startServerProcess(dataDir, p, {
    REDIS_URL: redisUrl,
    RELAY_ID: name,
    // The product's own switch (DATABASE_URL), not the test suite's file-to-schema mapping.
    RASOAT_TEST_DATABASE_URL: '',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  })
  return { name, url: `http://127.0.0.1:${p}`, port: p, child }
}

export const stopRelay = (r: RelayProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> =>
  killGroup(r.child, signal)

/**
 * A TCP link to Redis: `cut()` drops every connection through it and refuses new ones until `restore()`; `hold()` keeps
 * the connections open but holds what Redis sends (messages, replies) until `release()`: a relay that is subscribed and
 * has not yet received what was published.
 */
export interface RedisLink {
  /** The Redis URL through the link (same database number). */
  url: string
  cut(): void
  restore(): void
  hold(): void
  release(): void
  /** Resolves once a connection through the link is open again (after restore). */
  reconnected(): Promise<void>
  close(): Promise<void>
}

export async function createRedisLink(target: string): Promise<RedisLink> {
  const t = new URL(target)
  const sockets = new Set<Socket>()
  let open = true
  let waiting: (() => void)[] = []
  /** While held: what Redis sent, in order, for each client socket. */
  let held: [Socket, Buffer][] | null = null
  const server: Server = createServer((client) => {
    if (!open) return client.destroy()
    const upstream = connect(Number(t.port || 6379), t.hostname)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
    }
    client.pipe(upstream)
    upstream.on('data', (data: Buffer) => {
      if (held !== null) held.push([client, data])
      else client.write(data)
    })
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    upstream.once('connect', () => {
      const w = waiting
      waiting = []
      for (const done of w) done()
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const port = (server.address() as AddressInfo).port
  return {
    url: `redis://127.0.0.1:${port}${t.pathname}`,
    cut() {
      open = false
      for (const s of sockets) s.destroy()
    },
    restore() {
      open = true
    },
    hold() {
      held ??= []
    },
    release() {
      const pending = held ?? []
      held = null
      for (const [client, data] of pending) if (!client.destroyed) client.write(data)
    },
    reconnected: () => new Promise<void>((ok) => waiting.push(ok)),
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy()
        server.close(() => ok())
      }),
  }
}
