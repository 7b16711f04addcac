// The TCP proxy's own thread (tcp-proxy.ts): it keeps forwarding while the test's thread blocks — the synchronous
// PostgreSQL handle waits with Atomics.wait, so a proxy on that thread's event loop would never answer it.
import { connect, createServer } from 'node:net'
import { parentPort, workerData } from 'node:worker_threads'

const { host, port: targetPort } = workerData
let mode = 'up'
let accepted = 0
const pairs = new Set()

function drop(pair) {
  pair.client.resetAndDestroy()
  pair.upstream?.resetAndDestroy()
  pairs.delete(pair)
}

const server = createServer((client) => {
  accepted++
  const pair = { client, upstream: null }
  pairs.add(pair)
  client.on('error', () => drop(pair))
  client.on('close', () => drop(pair))
  if (mode === 'reset') return drop(pair)
  if (mode === 'hang') return client.pause()
  const upstream = connect(targetPort, host)
  pair.upstream = upstream
  upstream.on('error', () => drop(pair))
  upstream.on('close', () => drop(pair))
  client.on('data', (chunk) => {
    if (mode === 'up') upstream.write(chunk)
  })
  upstream.on('data', (chunk) => {
    if (mode === 'up') client.write(chunk)
  })
})

server.listen(0, '127.0.0.1', () => parentPort.postMessage({ listening: server.address().port }))

parentPort.on('message', (m) => {
  if (m.op === 'cut') {
    if (m.hang) mode = 'hang'
    else {
      mode = 'reset'
      for (const pair of [...pairs]) drop(pair)
    }
  } else if (m.op === 'restore') {
    // A hanging cut swallowed bytes in both directions: those connections cannot continue.
    if (mode === 'hang') for (const pair of [...pairs]) drop(pair)
    mode = 'up'
  } else if (m.op === 'close') {
    // No waiting for the server's close: a connection accepted meanwhile would hold it open; the caller then
    // terminates this thread, which releases every handle.
    mode = 'reset'
    for (const pair of [...pairs]) drop(pair)
    server.close()
  }
  parentPort.postMessage({ id: m.id, accepted })
})
