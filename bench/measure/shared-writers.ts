// Round trips to PostgreSQL, CPU and wall time per edit of two relays' writers on one schema (several relays), each
// household edited in turn through both: what one edit costs a relay on PostgreSQL, counted statement by statement.
// Not a test. Needs BENCH_DATABASE_URL (or RASOAT_TEST_DATABASE_URL); works in a schema of its own, dropped at the end.
// Usage: npx tsx bench/measure/shared-writers.ts [--households 20] [--rounds 50] [--announce] [--one-by-one]
//        [--delay-ms 1]
//   --announce: each commit is announced to the other writer, as the Redis fan-out does (othersCommitted)
//   --one-by-one: each edit waits for its commit before the next is sent (commits of one edit, a quiet relay)
//   --delay-ms: PostgreSQL reached through a proxy process that holds every chunk this long each way (a database on
//     another machine; Node's timers make 1 ms the shortest delay)
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { openPostgres } from '../../server/db/open.ts'
import { PgDb } from '../../server/db/pg/pg-db.ts'
import { migrate } from '../../server/db/migrate.ts'
import { migrations } from '../../server/db/migrations/index.ts'
import { createDocStore } from '../../server/store/doc-store.ts'
import { createHouseholdWriter, type Committed, type HouseholdWriter } from '../../server/store/household-writer.ts'
import { DeviceReplica, householdUpdate } from '../../server/test-support/household-fixture.ts'

const { values: args } = parseArgs({
  options: {
    households: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '50' },
    announce: { type: 'boolean', default: false },
    'one-by-one': { type: 'boolean', default: false },
    'delay-ms': { type: 'string', default: '0' },
  },
})
const HOUSEHOLDS = Number(args.households)
const ROUNDS = Number(args.rounds)
const direct = process.env.BENCH_DATABASE_URL ?? process.env.RASOAT_TEST_DATABASE_URL
if (!direct) throw new Error('set BENCH_DATABASE_URL (or RASOAT_TEST_DATABASE_URL) to a PostgreSQL database')
const DELAY_MS = Number(args['delay-ms'])

/** A TCP proxy in a process of its own (its CPU is not this one's) that holds each chunk DELAY_MS each way. */
const DELAY_PROXY = `
const { createServer, connect } = require('node:net')
const [host, port, delay] = process.argv.slice(1)
const later = (to) => (chunk) => setTimeout(() => to.destroyed || to.write(chunk), Number(delay))
const s = createServer((client) => {
  const up = connect(Number(port), host)
  client.setNoDelay(true)
  up.setNoDelay(true)
  client.on('data', later(up))
  up.on('data', later(client))
  for (const [a, b] of [[client, up], [up, client]]) {
    a.on('error', () => b.destroy())
    a.on('close', () => setTimeout(() => b.destroy(), Number(delay)))
  }
})
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'))
`
async function delayed(target: string): Promise<{ url: string; stop(): void }> {
  const to = new URL(target)
  const child = spawn(process.execPath, ['-e', DELAY_PROXY, to.hostname, to.port || '5432', String(DELAY_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [line] = (await once(child.stdout!, 'data')) as [Buffer]
  to.hostname = '127.0.0.1'
  to.port = line.toString().trim()
  return { url: to.toString(), stop: () => child.kill() }
}
const proxy = DELAY_MS > 0 ? await delayed(direct) : null
const url = proxy?.url ?? direct

// Every call of the handle is one round trip to its connection's worker and PostgreSQL: count them by statement, and
// time them (the calling thread, the relay's event loop, waits that long).
const counts = new Map<string, number>()
let counting = false
let waitedMs = 0
const call = PgDb.prototype.call
PgDb.prototype.call = function (this: PgDb, ...a: Parameters<PgDb['call']>) {
  const req = a[0]
  if (!counting) return call.apply(this, a)
  const key = req.op === 'query' || req.op === 'exec' ? req.sql.replace(/\s+/g, ' ').slice(0, 90) : req.op
  counts.set(key, (counts.get(key) ?? 0) + 1)
  const t0 = performance.now()
  try {
    return call.apply(this, a)
  } finally {
    waitedMs += performance.now() - t0
  }
}

const schema = `bench_writers_${process.pid}`
const dbs = [openPostgres(url, schema), openPostgres(url, schema)] as const
migrate(dbs[0], migrations)
const stores = dbs.map((db) => createDocStore(db, { shared: true }))
const writers: HouseholdWriter[] = dbs.map((db, i) =>
  createHouseholdWriter(db, stores[i]!, { shared: true, announced: () => args.announce }),
)
const ids = Array.from({ length: HOUSEHOLDS }, (_, i) => `sw-${i}`)
dbs[0].transaction(() => {
  for (const id of ids)
    stores[0]!.createHousehold(
      { id, period: '2025', unitCode: '19900', villageId: 'v1' },
      householdUpdate({ id, headName: id }),
      'seed',
    )
})()
// Two phones per household, one on each relay; each sees the other's edits (as the fan-out brings them).
const phones = ids.map((id, i) =>
  [0, 1].map((side) => {
    const r = new DeviceReplica(1_000 + 2 * i + side)
    r.apply(stores[0]!.readState(id)!)
    return r
  }),
)
const authors = [
  { userId: 'u-a', deviceId: 'd-a' },
  { userId: 'u-b', deviceId: 'd-b' },
]

let edits = 0
async function round(k: number): Promise<void> {
  const waits: Promise<void>[] = []
  for (let i = 0; i < HOUSEHOLDS; i++) {
    const side = (i + k) % 2
    const phone = phones[i]![side]!
    phone.household.setDwelling({ floorAreaM2: 40 + ((k + i) % 7) })
    const r = writers[side]!.submit(ids[i]!, phone.take(), authors[side]!)
    if (r.kind !== 'accepted') throw new Error(`${ids[i]}: ${JSON.stringify(r)}`)
    edits++
    const done = r.committed.then((c: Committed) => {
      if (c.update === null) return
      phones[i]![1 - side]!.apply(c.update)
      if (args.announce) writers[1 - side]!.othersCommitted(ids[i]!, c.serverSeq, c.update)
    })
    if (args['one-by-one']) await done
    else waits.push(done)
  }
  await Promise.all(waits)
}

for (let k = 0; k < 3; k++) await round(k) // client ids bound, households resident on both relays
counting = true
edits = 0
const commits0 = writers.reduce((n, w) => n + w.stats().commits, 0)
const cpu0 = process.cpuUsage()
const wall0 = performance.now()
for (let k = 3; k < 3 + ROUNDS; k++) await round(k)
const cpu = process.cpuUsage(cpu0)
const wall = performance.now() - wall0
counting = false
const roundTrips = [...counts.values()].reduce((a, b) => a + b, 0)
const perEdit = (n: number): number => Math.round((n / edits) * 100) / 100
console.log(
  JSON.stringify(
    {
      announce: args.announce,
      oneByOne: args['one-by-one'],
      edits,
      commits: writers.reduce((n, w) => n + w.stats().commits, 0) - commits0,
      roundTripsPerEdit: perEdit(roundTrips),
      // This process: both writers, their connections' worker threads; PostgreSQL's own CPU is not counted.
      cpuUsPerEdit: Math.round((cpu.user + cpu.system) / edits),
      wallMsPerEdit: perEdit(wall),
      // The event loop blocked in the handle's calls, per edit: round trips to PostgreSQL, and PostgreSQL's work.
      waitMsPerEdit: Math.round((waitedMs / edits) * 1000) / 1000,
      byStatement: Object.fromEntries(
        [...counts]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 8)
          .map(([k, v]) => [k, perEdit(v)]),
      ),
    },
    null,
    2,
  ),
)
for (const w of writers) await w.close()
dbs[0].exec(`DROP SCHEMA ${schema} CASCADE`)
for (const db of dbs) db.close()
proxy?.stop()
