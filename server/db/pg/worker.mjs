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
/** This connection holds the transaction the main thread began (BEGIN ran here, no COMMIT or ROLLBACK yet). */
let txOpen = false

async function connect() {
  // Pipelined: a request's queued statements (transaction control, deferred writes) and the request itself are sent
  // together, one network round trip for all of them; each still gets its own answer, in order.
  const c = new pg.Client({
    connectionString: url,
    pipeline: true,
    ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}),
  })
  c.on('error', (e) => {
    broken = e
  })
  c.on('end', () => {
    broken ??= new Error('the connection to PostgreSQL ended')
  })
  await c.connect()
  client = c
  broken = null
  txOpen = false
}

function lost() {
  const e = new Error('the connection that held this transaction was lost; nothing of it was committed')
  e.code = 'PG_CONNECTION_LOST'
  return e
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
  // A transaction lives on the connection that began it: once that is gone, its statements and its COMMIT fail
  // (a fresh connection would run them on their own). Outside a transaction a lost connection is opened again.
  if (req.inTransaction && req.before?.[0] !== 'BEGIN' && (!txOpen || broken)) throw lost()
  if (!client || broken) {
    if (client) client.end().catch(() => {})
    client = null
    await connect()
  }
  if (req.op === 'connect') return {}
  // Everything is sent before any answer is read. Inside a transaction the first failure aborts it, and PostgreSQL
  // answers every later statement with an error (its COMMIT with ROLLBACK): the first failure is the request's.
  const before = (req.before ?? []).map((b) => {
    if (typeof b === 'string') {
      if (b === 'BEGIN') txOpen = true
      return client.query(b)
    }
    // A deferred write (PgDb.defer): its failure is named by the write's SQL.
    return client.query({ text: b.sql, values: b.params.map(toBuffer) }).catch((e) => {
      if (e && typeof e === 'object') e.deferredSql = b.sql
      throw e
    })
  })
  const ends = req.op === 'exec' && /^(COMMIT|ROLLBACK)$/.test(req.sql)
  const main =
    req.op === 'exec'
      ? client.query(req.sql)
      : client.query({ text: req.sql, values: req.params.map(toBuffer), ...(req.array ? { rowMode: 'array' } : {}) })
  const settled = await Promise.allSettled([...before, main])
  if (ends) txOpen = false
  const failed = settled.find((s) => s.status === 'rejected')
  if (failed) throw failed.reason
  const r = settled[settled.length - 1].value
  if (req.op === 'exec') {
    const last = Array.isArray(r) ? r[r.length - 1] : r
    return { command: last?.command ?? null }
  }
  return { rows: r.rows, rowCount: r.rowCount ?? 0, command: r.command }
}

/** An error after which this connection is of no use (pg may report it on the query before the client's events). */
function connectionGone(e) {
  const code = typeof e?.code === 'string' ? e.code : ''
  if (/^(08...|57P0[123])$/.test(code) || /^E[A-Z]+$/.test(code)) return true
  return code === '' && /connection|terminated|not queryable/i.test(String(e?.message))
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
    'deferredSql',
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
      if (connectionGone(e)) broken ??= e
      answer = { id: req.id, ok: false, error: describe(e) }
    }
    port.postMessage(answer)
    Atomics.store(signal, 0, req.id)
    Atomics.notify(signal, 0)
  })
})
