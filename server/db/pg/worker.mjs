// The thread that owns a PostgreSQL handle's connection: it runs each request from the main thread with the `pg`
// client, posts the answer on the port, then wakes the main thread, which waits with Atomics.wait (pg-db.ts).
import { workerData } from 'node:worker_threads'
import pg from 'pg'

const { port, signal, url, searchPath } = workerData

// Counts and sums arrive as int8/numeric: numbers, as better-sqlite3 gives them. Comparisons arrive as 1/0.
pg.types.setTypeParser(20, (v) => Number(v))
pg.types.setTypeParser(1700, (v) => Number(v))
pg.types.setTypeParser(16, (v) => (v === 't' ? 1 : 0))

let client = null
let broken = null

async function connect() {
  const c = new pg.Client({ connectionString: url, ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}) })
  c.on('error', (e) => {
    broken = e
  })
  c.on('end', () => {
    broken ??= new Error('the connection to PostgreSQL ended')
  })
  await c.connect()
  client = c
  broken = null
}

function toBuffer(v) {
  return v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v
}

async function run(req) {
  if (req.op === 'close') {
    const c = client
    client = null
    if (c) await c.end().catch(() => {})
    return {}
  }
  // A lost connection is opened again for the next request outside a transaction (the main thread knows which).
  if (!client || broken) {
    if (client && broken && req.inTransaction) throw broken
    if (client) client.end().catch(() => {})
    client = null
    await connect()
  }
  if (req.op === 'connect') return {}
  for (const sql of req.before ?? []) await client.query(sql)
  if (req.op === 'exec') {
    const r = await client.query(req.sql)
    const last = Array.isArray(r) ? r[r.length - 1] : r
    return { command: last?.command ?? null }
  }
  const r = await client.query({
    text: req.sql,
    values: req.params.map(toBuffer),
    ...(req.array ? { rowMode: 'array' } : {}),
  })
  return { rows: r.rows, rowCount: r.rowCount ?? 0, command: r.command }
}

function describe(e) {
  const out = { message: e instanceof Error ? e.message : String(e) }
  for (const k of [
    'code',
    'position',
    'detail',
    'hint',
    'constraint',
    'table',
    'column',
    'schema',
    'severity',
    'where',
  ])
    if (e && typeof e === 'object' && e[k] !== undefined) out[k] = String(e[k])
  // pg's own "Connection terminated…" errors carry no code; the connection is gone either way.
  if (out.code === undefined && (broken || /connection|terminated|not queryable/i.test(out.message)))
    out.code = 'PG_CONNECTION_LOST'
  return out
}

let queue = Promise.resolve()
port.on('message', (req) => {
  queue = queue.then(async () => {
    let answer
    try {
      answer = { id: req.id, ok: true, ...(await run(req)) }
    } catch (e) {
      answer = { id: req.id, ok: false, error: describe(e) }
    }
    port.postMessage(answer)
    Atomics.store(signal, 0, req.id)
    Atomics.notify(signal, 0)
  })
})
