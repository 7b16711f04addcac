// rasoat under test: the real startServer (server/server.ts) on port 0 in its own process, DATA_DIR seeded by the
// bench beforehand; SIGTERM flushes and closes exactly as server/main.ts does.

import { startServer } from '../../server/server.ts'

const dataDir = process.env.DATA_DIR
if (!dataDir) throw new Error('DATA_DIR is required')
// RELAY_MAX_CONNECTIONS_PER_USER as in production config: raised for /yjs phones, which open a socket per household.
const perUser = Number(process.env.RELAY_MAX_CONNECTIONS_PER_USER)
// The two-relay row (R2): DATABASE_URL (PostgreSQL instead of DATA_DIR's SQLite file), REDIS_URL and RELAY_ID.
const env = (name: string): string | undefined => process.env[name] || undefined
const server = await startServer({
  dataDir,
  databaseUrl: env('DATABASE_URL'),
  redisUrl: env('REDIS_URL'),
  relayId: env('RELAY_ID'),
  port: 0,
  host: '127.0.0.1',
  seedDemo: false,
  log: () => {},
  ...(perUser > 0 ? { relayLimits: { maxConnectionsPerUser: Math.floor(perUser) } } : {}),
})
// W4 reads RSS after a full GC: the bench sends SIGUSR2 (the process runs with --expose-gc).
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.())
process.stdout.write(
  `READY ${JSON.stringify({ port: server.port, persistence: 'group commit to SQLite, ack after commit' })}\n`,
)

let stopping = false
process.on('SIGTERM', () => {
  if (stopping) return
  stopping = true
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
})
