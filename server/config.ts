// Server configuration, read from the environment exactly once by the composition root (main.ts).
// Everything else receives these values as plain arguments; nothing reads process.env on its own.

import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { RelayDeps } from './relay/index.ts'

export interface ServerConfig {
  port: number
  host: string
  dataDir: string
  /** Seed the demo dataset when the database is new. Default on; SEED_DEMO=0 turns it off. */
  seedDemo: boolean
  /** Password for the demo users; random when unset (printed once at seeding). */
  demoPassword: string | undefined
  /** Tile server origin allowed by the CSP for map images, e.g. https://tile.openstreetmap.org. */
  tileUrl: string | undefined
  /** Directory of the built client (vite build output). */
  clientDir: string
  version: string
  /** RELAY_MAX_CONNECTIONS_PER_USER, RELAY_IDLE_MINUTES (docs/server.md §Limits); the rest keep their defaults. */
  relayLimits: NonNullable<RelayDeps['limits']>
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

export function readConfig(env: Env, cwd = process.cwd()): ServerConfig {
  return {
    port: parsePort(env.PORT, 8080),
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(cwd, env.DATA_DIR || './data'),
    seedDemo: parseFlag(env.SEED_DEMO, true),
    demoPassword: env.DEMO_PASSWORD || undefined,
    tileUrl: env.TILE_URL || undefined,
    clientDir: resolve(cwd, env.CLIENT_DIR || 'dist/client'),
    version: packageVersion(cwd),
    relayLimits: readRelayLimits(env),
  }
}
