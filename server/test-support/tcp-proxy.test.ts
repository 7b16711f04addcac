// The test proxy against a real TCP echo service: bytes pass while up, a cut resets open and new connections, a
// hanging cut holds them until restore resets them, and traffic passes again after restore.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTcpProxy, throughProxy, type TcpProxy } from './tcp-proxy.ts'

let echo: Server
let proxy: TcpProxy
/** The echo side's sockets: closed by the test itself at the end, so closing the echo server never waits on one. */
const echoSockets = new Set<Socket>()
beforeAll(async () => {
  echo = createServer((s) => {
    echoSockets.add(s)
    s.on('close', () => echoSockets.delete(s))
    s.on('error', () => {}) // the proxy resets the upstream side of a cut connection
    s.pipe(s)
  })
  await new Promise<void>((ok) => echo.listen(0, '127.0.0.1', () => ok()))
  proxy = await startTcpProxy({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port })
})
afterAll(async () => {
  await proxy.close()
  for (const s of echoSockets) s.destroy()
  await new Promise<void>((ok) => echo.close(() => ok()))
})

function open(): Promise<Socket> {
  return new Promise((ok, fail) => {
    const s = connect(proxy.port, '127.0.0.1', () => {
      s.on('error', () => {}) // a cut resets it: the test waits for 'close'
      ok(s)
    })
    s.once('error', fail)
  })
}

function closed(s: Socket): Promise<void> {
  return new Promise((ok) => {
    if (s.destroyed) return ok()
    s.on('error', () => {})
    s.once('close', () => ok())
  })
}

function echoOf(s: Socket, text: string): Promise<string> {
  return new Promise((ok) => {
    s.once('data', (d) => ok(d.toString()))
    s.write(text)
  })
}

describe('tcp proxy', () => {
  it('passes bytes, resets everything while cut, and passes again after restore', async () => {
    const a = await open()
    expect(await echoOf(a, 'xin chào')).toBe('xin chào')
    await proxy.cut()
    await closed(a)
    const b = connect(proxy.port, '127.0.0.1').on('error', () => {})
    await closed(b)
    await proxy.restore()
    const c = await open()
    expect(await echoOf(c, 'lại rồi')).toBe('lại rồi')
    c.destroy()
  })

  it('holds connections during a hanging cut and resets them on restore', async () => {
    const before = await proxy.accepted()
    await proxy.cut({ hang: true })
    const held = await open()
    held.write('lost')
    await expect.poll(() => proxy.accepted()).toBe(before + 1)
    await proxy.restore()
    await closed(held)
    const fresh = await open()
    expect(await echoOf(fresh, 'ok')).toBe('ok')
    fresh.destroy()
  })

  it('rewrites a service URL to go through the proxy', () => {
    expect(throughProxy('postgres://u:p@db.example:5432/rasoat', { port: 41000 })).toBe(
      'postgres://u:p@127.0.0.1:41000/rasoat',
    )
    expect(throughProxy('redis://127.0.0.1:6379/5', { port: 41001 })).toBe('redis://127.0.0.1:41001/5')
  })
})
