// Peer under test: @y/websocket-server 0.1.1 (setupWSConnection, one socket per document) in its own process,
// persisting every update to better-sqlite3 through setPersistence — the y-leveldb model (append, compact on close).

import http from 'node:http'
import { WebSocketServer } from 'ws'
import * as Y from 'yjs'
import { setPersistence, setupWSConnection } from '@y/websocket-server/utils'
import { openPeerDb } from './peer-store.ts'

const file = process.env.DB_FILE
if (!file) throw new Error('DB_FILE is required')
const db = openPeerDb(file)
const getDoc = db.prepare<[string], { state: Buffer }>('SELECT state FROM docs WHERE name = ?')
const getUpdates = db.prepare<[string], { update: Buffer }>('SELECT "update" FROM updates WHERE name = ? ORDER BY id')
const addUpdate = db.prepare('INSERT INTO updates (name, "update") VALUES (?, ?)')
const putDoc = db.prepare('INSERT OR REPLACE INTO docs (name, state) VALUES (?, ?)')
const dropUpdates = db.prepare('DELETE FROM updates WHERE name = ?')

setPersistence({
  provider: null,
  // Runs synchronously up to its end (better-sqlite3), so the doc is loaded before the server's first step1.
  bindState: async (name: string, ydoc: Y.Doc) => {
    const row = getDoc.get(name)
    Y.transact(ydoc, () => {
      if (row) Y.applyUpdate(ydoc, new Uint8Array(row.state))
      for (const u of getUpdates.all(name)) Y.applyUpdate(ydoc, new Uint8Array(u.update))
    })
    ydoc.on('update', (update: Uint8Array) => {
      addUpdate.run(name, Buffer.from(update))
    })
  },
  writeState: async (name: string, ydoc: Y.Doc) => {
    db.transaction(() => {
      putDoc.run(name, Buffer.from(Y.encodeStateAsUpdate(ydoc)))
      dropUpdates.run(name)
    })()
  },
})

// W4 reads RSS after a full GC: the bench sends SIGUSR2 (the process runs with --expose-gc).
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.())

const server = http.createServer((_req, res) => {
  res.writeHead(200)
  res.end('ok')
})
const wss = new WebSocketServer({ noServer: true })
wss.on('connection', (conn, req) => setupWSConnection(conn, req))
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
})
server.listen(0, '127.0.0.1', () => {
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  process.stdout.write(
    `READY ${JSON.stringify({ port, persistence: 'setPersistence: every update appended to better-sqlite3 (WAL, synchronous=NORMAL), compacted on last disconnect' })}\n`,
  )
})

process.on('SIGTERM', () => {
  for (const c of wss.clients) c.terminate()
  server.close()
  db.close()
  process.exit(0)
})
