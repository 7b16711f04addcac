// Server configuration, read from the environment exactly once by the composition root (main.ts).
// Everything else receives these values as plain arguments; nothing reads process.env on its own.

import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { passwordProblem } from './auth/password-policy.ts'
import type { RelayDeps } from './relay/index.ts'

export interface ServerConfig {
  port: number
  host: string
  dataDir: string
  /** DATABASE_URL (postgres://…): the PostgreSQL database several relays share; unset: SQLite in dataDir. */
  databaseUrl: string | undefined
  /** Seed the demo dataset when the database is new. Default on; SEED_DEMO=0 turns it off. */
  seedDemo: boolean
  /** One password for all demo users (tests, development); unset: each gets its own random one, printed once. */
  demoPassword: string | undefined
  /** TLS_CERT + TLS_KEY (PEM files): serve HTTPS and WSS directly. */
  tls: { cert: Buffer; key: Buffer } | undefined
  /** TRUST_PROXY: behind a TLS reverse proxy — Secure cookies, caller address from X-Forwarded-For. */
  trustProxy: boolean
  /** Tile server origin allowed by the CSP for map images, e.g. https://tile.openstreetmap.org. */
  tileUrl: string | undefined
  /** Directory of the built client (vite build output). */
  clientDir: string
  version: string
  /** RELAY_MAX_CONNECTIONS_PER_USER, RELAY_IDLE_MINUTES (docs/server.md §Limits); the rest keep their defaults. */
  relayLimits: NonNullable<RelayDeps['limits']>
  /** REDIS_URL: relays fan out through Redis and may share the database with others; absent = one relay. */
  redisUrl: string | undefined
  /** RELAY_ID: this relay's name among several (default hostname:pid). */
  relayId: string
}

type Env = Record<string, string | undefined>

function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`PORT must be an integer 0–65535, got "${raw}"`)
  return n
}

function parseFlag(raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback
  return !['0', 'false', 'no', 'off'].includes(raw.toLowerCase())
}

function parsePositive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`)
  return n
}

function readRelayLimits(env: Env): ServerConfig['relayLimits'] {
  const perUser = parsePositive('RELAY_MAX_CONNECTIONS_PER_USER', env.RELAY_MAX_CONNECTIONS_PER_USER)
  const idleMinutes = parsePositive('RELAY_IDLE_MINUTES', env.RELAY_IDLE_MINUTES)
  return {
    ...(perUser !== undefined ? { maxConnectionsPerUser: Math.floor(perUser) } : {}),
    ...(idleMinutes !== undefined ? { idleMs: idleMinutes * 60_000 } : {}),
  }
}

/** The package version, shown by GET /api/health. */
export function packageVersion(root = process.cwd()): string {
  try {
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version?: unknown }
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0'
  } catch {
    return '0.0.0'
  }
}

function readTls(env: Env, cwd: string): ServerConfig['tls'] {
  const certFile = env.TLS_CERT || undefined
  const keyFile = env.TLS_KEY || undefined
  if (certFile === undefined && keyFile === undefined) return undefined
  if (certFile === undefined || keyFile === undefined) throw new Error('TLS_CERT and TLS_KEY must be set together')
  const read = (name: string, file: string): Buffer => {
    try {
      return readFileSync(resolve(cwd, file))
    } catch (err) {
      throw new Error(`${name}: cannot read "${file}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
    }
  }
  return { cert: read('TLS_CERT', certFile), key: read('TLS_KEY', keyFile) }
}

function readDatabaseUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new Error('DATABASE_URL must be a postgres:// URL')
  return raw
}

function readDemoPassword(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  const weak = passwordProblem(raw)
  if (weak) throw new Error(`DEMO_PASSWORD: ${weak}`)
  return raw
}

function readRedisUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  if (!/^rediss?:\/\//.test(raw)) throw new Error(`REDIS_URL must start with redis:// or rediss://, got "${raw}"`)
  return raw
}

export function readConfig(env: Env, cwd = process.cwd()): ServerConfig {
  return {
    port: parsePort(env.PORT, 8080),
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(cwd, env.DATA_DIR || './data'),
    databaseUrl: readDatabaseUrl(env.DATABASE_URL),
    seedDemo: parseFlag(env.SEED_DEMO, true),
    demoPassword: readDemoPassword(env.DEMO_PASSWORD),
    tls: readTls(env, cwd),
    trustProxy: parseFlag(env.TRUST_PROXY, false),
    tileUrl: env.TILE_URL || undefined,
    clientDir: resolve(cwd, env.CLIENT_DIR || 'dist/client'),
    version: packageVersion(cwd),
    relayLimits: readRelayLimits(env),
    redisUrl: readRedisUrl(env.REDIS_URL),
    relayId: env.RELAY_ID || `${hostname()}:${process.pid}`,
  }
}
