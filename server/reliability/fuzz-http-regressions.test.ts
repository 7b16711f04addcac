// Defects the HTTP fuzzing found, kept as plain tests. A refusal sent before the body was read must close the
// connection: the server stops draining a large upload after a moment, and a client that reused the socket lost its
// next request ("other side closed"; fuzz-http seed 1886224879, path 7: a 4 MB JSON body, then a deeply nested one).
import net from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { JSON_BODY_LIMIT } from '../app.ts'
import { startTestServer, type TestServer } from '../test-support/server.ts'
import { makeWorld, type World } from '../test-support/world.ts'

let s: TestServer
let w: World
beforeAll(async () => {
  s = await startTestServer()
  w = await makeWorld(s)
})
afterAll(() => s.stop())

/** One raw HTTP/1.1 request with a keep-alive connection; resolves with the response head once the server answers. */
function rawRequest(head: string, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(s.url).port), '127.0.0.1', () => {
      socket.write(head)
      socket.write(body, () => {}) // the server may answer (and stop reading) before all of it is written
    })
    let got = ''
    socket.on('error', () => {}) // a reset after the answer is the server closing, as asked
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1')
      const end = got.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.destroy()
      resolve(got.slice(0, end).toLowerCase())
    })
    socket.on('close', () => reject(new Error(`closed before an answer: ${got.slice(0, 200)}`)))
  })
}

const request = (path: string, type: string, body: Buffer, token = w.tokens.admin) =>
  rawRequest(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: ${type}\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`,
    body,
  )

it('a JSON body above the limit is answered 413 with Connection: close (seed 1886224879)', async () => {
  const head = await request('/api/users', 'application/json', Buffer.alloc(JSON_BODY_LIMIT * 4, 0x20))
  expect(head).toMatch(/^http\/1\.1 413/)
  expect(head).toContain('connection: close')
})

it('a body refused before it was read (wrong media type) closes the connection too', async () => {
  const head = await request('/api/users', 'text/plain', Buffer.alloc(1024, 0x41))
  expect(head).toMatch(/^http\/1\.1 415/)
  expect(head).toContain('connection: close')
})

it('a refusal after the whole body was read keeps the connection', async () => {
  const head = await request('/api/users', 'application/json', Buffer.from('{"username":1}'))
  expect(head).toMatch(/^http\/1\.1 400/)
  expect(head).toContain('connection: keep-alive')
})
