// TLS_CERT/TLS_KEY: the server answers HTTPS and WSS itself (phones need a secure origin for the service worker, GPS
// and the camera), with a self-signed certificate made by openssl for 127.0.0.1; the session cookie is then Secure.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { decodeMessage, encodeMessage, PROTOCOL_VERSION, type SyncMessage } from '../shared/sync/protocol.ts'
import { readConfig } from './config.ts'
import { startTestServer, TEST_PASSWORD, type TestServer } from './test-support/server.ts'

let certDir: string
let cert: Buffer
let key: Buffer
let s: TestServer

beforeAll(async () => {
  certDir = mkdtempSync(join(tmpdir(), 'rasoat-tls-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ],
    { stdio: 'pipe' },
  )
  const config = readConfig({ TLS_CERT: join(certDir, 'cert.pem'), TLS_KEY: join(certDir, 'key.pem') })
  if (!config.tls) throw new Error('readConfig did not read TLS_CERT/TLS_KEY')
  ;({ cert, key } = config.tls)
  s = await startTestServer({ tls: config.tls })
  await s.addUser({ username: 'lan', role: 'admin' })
})
afterAll(async () => {
  await s.stop()
  rmSync(certDir, { recursive: true, force: true })
})

/** One HTTPS request trusting only our certificate. */
function httpsJson(
  path: string,
  body?: unknown,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: unknown }> {
  return new Promise((done, fail) => {
    const req = request(
      `${s.url}${path}`,
      {
        method: body === undefined ? 'GET' : 'POST',
        ca: cert,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () =>
          done({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) as unknown }),
        )
      },
    )
    req.on('error', fail)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

describe('serving HTTPS and WSS (TLS_CERT, TLS_KEY)', () => {
  it('answers HTTPS and signs in with a Secure cookie', async () => {
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect((await httpsJson('/api/health')).json).toMatchObject({ ok: true })
    const login = await httpsJson('/api/login', { username: 'lan', password: TEST_PASSWORD })
    expect(login.status).toBe(200)
    expect(String(login.headers['set-cookie'])).toMatch(/rasoat_session=.*; Secure/)
  })

  it('accepts a WSS sync connection', async () => {
    const token = await new Promise<string>((done, fail) => {
      httpsJson('/api/login', { username: 'lan', password: TEST_PASSWORD }).then(
        (r) => done((r.json as { token: string }).token),
        fail,
      )
    })
    const ws = new WebSocket(`${s.url.replace('https', 'wss')}/sync?token=${encodeURIComponent(token)}`, { ca: cert })
    await new Promise<void>((open, fail) => {
      ws.once('open', () => open())
      ws.once('error', fail)
    })
    const first = new Promise<SyncMessage | null>((done) => {
      ws.once('message', (data: Buffer) => {
        const decoded = decodeMessage(new Uint8Array(data))
        done(decoded.ok ? decoded.message : null)
      })
    })
    ws.send(encodeMessage({ type: 'hello', protocol: PROTOCOL_VERSION, deviceId: 'tls-phone', appVersion: 'test' }))
    expect(await first).toMatchObject({ type: 'welcome' })
    ws.close(1000)
  })

  it('refuses plain HTTP on the TLS port', async () => {
    await expect(fetch(s.url.replace('https', 'http') + '/api/health')).rejects.toThrow()
  })
})

describe('TLS settings', () => {
  it('needs both files, readable', () => {
    expect(() => readConfig({ TLS_CERT: 'cert.pem' })).toThrow('TLS_CERT and TLS_KEY must be set together')
    expect(() => readConfig({ TLS_CERT: join(certDir, 'nope.pem'), TLS_KEY: join(certDir, 'key.pem') })).toThrow(
      /TLS_CERT: cannot read .*ENOENT/,
    )
    expect(readConfig({}).tls).toBeUndefined()
    expect(readFileSync(join(certDir, 'key.pem')).equals(key)).toBe(true)
  })

  it('TRUST_PROXY is off unless set; DEMO_PASSWORD must pass the password policy', () => {
    expect(readConfig({}).trustProxy).toBe(false)
    expect(readConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(true)
    expect(() => readConfig({ DEMO_PASSWORD: 'demo' })).toThrow('DEMO_PASSWORD: at least 10 characters')
    expect(readConfig({ DEMO_PASSWORD: 'e2e-demo-password' }).demoPassword).toBe('e2e-demo-password')
  })
})
