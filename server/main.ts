// Composition root of the server process: read config once, start the server, stop cleanly on SIGTERM/SIGINT.
// A server that cannot start (second server on the folder, full disk, unwritable folder) says why in one line, exit 1.

import { readConfig } from './config.ts'
import { startupErrorLine } from './db/startup-errors.ts'
import { startServer } from './server.ts'

const config = readConfig(process.env)
const server = await startServer({
  dataDir: config.dataDir,
  databaseUrl: config.databaseUrl,
  port: config.port,
  host: config.host,
  seedDemo: config.seedDemo,
  demoPassword: config.demoPassword,
  clientDir: config.clientDir,
  tileUrl: config.tileUrl,
  tls: config.tls,
  trustProxy: config.trustProxy,
  version: config.version,
  relayLimits: config.relayLimits,
  redisUrl: config.redisUrl,
  relayId: config.relayId,
  log: (line) => console.log(line),
}).catch((err: unknown) => {
  const line = startupErrorLine(err, { dataDir: config.dataDir, port: config.port })
  if (line === null) throw err
  process.stderr.write(`rasoat: cannot start: ${line}\n`)
  process.exit(1)
})

console.log(`rasoat ${config.version} listening on ${server.url} (data: ${config.dataDir})`)
if (server.demo) {
  console.log('Demo dataset created. Logins (shown once):')
  for (const u of server.demo.users)
    console.log(`  ${u.username.padEnd(8)} ${u.role.padEnd(11)} password: ${u.password}`)
}

let stopping = false
function stop(signal: string): void {
  if (stopping) return
  stopping = true
  console.log(`${signal}: flushing and closing…`)
  server.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err)
      process.exit(1)
    },
  )
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
