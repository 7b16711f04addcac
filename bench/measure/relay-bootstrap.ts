// Measures the cold bootstrap of one device holding exactly N synthetic households (seed data, one village):
// bytes on the wire, frames, and time from HELLO to the last HEAD. Usage: npx tsx bench/measure/relay-bootstrap.ts [N]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSession } from '../../server/auth/sessions.ts'
import { seedHouseholds } from '../../server/seed/seed.ts'
import { startServer } from '../../server/server.ts'
import { SyncClient } from '../../server/relay/test-client.ts'

const n = Number(process.argv[2] ?? 300)
const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-bootstrap-'))
const server = await startServer({ dataDir, port: 0, seedDemo: false, clientDir: join(dataDir, 'none'), log: () => {} })
try {
  const seeded = seedHouseholds(server.db, server.docStore, { households: n, units: 1, villagesPerUnit: 1 })
  const village = seeded.villages[0]!.id
  server.db
    .prepare(
      `INSERT INTO users (id, username, password_hash, role, display_name, created_at) VALUES ('m', 'm', 'x', 'enumerator', 'm', 0)`,
    )
    .run()
  server.db.prepare('INSERT INTO assignments (user_id, village_id) VALUES (?, ?)').run('m', village)
  const token = createSession(server.db, 'm').token
  const runs: { ms: number; bytesIn: number; framesIn: number; households: number }[] = []
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    const c = await SyncClient.connect({ url: server.url, token, deviceId: `boot-${i}` })
    await c.hello()
    const reply = await c.manifest([])
    runs.push({
      ms: Math.round(performance.now() - t),
      bytesIn: c.traffic.bytesIn,
      framesIn: c.traffic.framesIn,
      households: reply.added.length,
    })
    await c.close()
  }
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b)
  console.log(
    JSON.stringify({
      households: runs[0]!.households,
      bytesIn: runs[0]!.bytesIn,
      framesIn: runs[0]!.framesIn,
      medianMs: ms[2],
      runsMs: runs.map((r) => r.ms),
    }),
  )
} finally {
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
}
