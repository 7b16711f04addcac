// Peer under test: @hocuspocus/server 3.4.4 in its own process, persisting through the onStoreDocument hook to
// better-sqlite3 (extension-database is not installed; this stores the full state, as that extension does).

import { Server } from '@hocuspocus/server'
import * as Y from 'yjs'
import { openPeerDb } from './peer-store.ts'

const file = process.env.DB_FILE
if (!file) throw new Error('DB_FILE is required')
const debounce = Number(process.env.HP_DEBOUNCE ?? 2000)
const maxDebounce = Number(process.env.HP_MAX_DEBOUNCE ?? 10000)
const db = openPeerDb(file)
const get = db.prepare<[string], { state: Buffer }>('SELECT state FROM docs WHERE name = ?')
const put = db.prepare('INSERT OR REPLACE INTO docs (name, state) VALUES (?, ?)')
let stores = 0

const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  debounce,
  maxDebounce,
  async onLoadDocument({ document, documentName }) {
    const row = get.get(documentName)
    if (row) Y.applyUpdate(document, new Uint8Array(row.state))
  },
  async onStoreDocument({ document, documentName }) {
    put.run(documentName, Buffer.from(Y.encodeStateAsUpdate(document)))
    stores++
  },
})

await server.listen()
// W4 reads RSS after a full GC: the bench sends SIGUSR2 (the process runs with --expose-gc).
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.())
process.stdout.write(
  `READY ${JSON.stringify({ port: server.address.port, debounceMs: debounce, maxDebounceMs: maxDebounce, persistence: 'onStoreDocument → better-sqlite3 full state (WAL, synchronous=NORMAL)' })}\n`,
)

process.on('SIGTERM', () => {
  void server.destroy().finally(() => {
    process.stderr.write(`stores=${stores}\n`)
    db.close()
    process.exit(0)
  })
})
