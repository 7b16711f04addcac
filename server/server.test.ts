// The whole server on port 0 with a real SQLite file: health, security headers, client files and SPA fallback,
// the not-built page, the error shape for unknown API routes, the demo dataset, shutdown of open sockets.

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { CLOSE_SERVER_SHUTDOWN } from './server.ts'
import { insertPlaces, startTestServer, type TestServer } from './test-support/server.ts'
import { addDocHousehold } from './test-support/world.ts'

describe('startServer', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ tileUrl: 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png' })
  })
  afterAll(() => s.stop())

  it('answers GET /api/health with version and db ok', async () => {
    const res = await fetch(`${s.url}/api/health`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, version: expect.any(String), db: 'ok', writer: 'ok', disk: 'ok' })
  })

  it('opens the database in WAL mode and loads the 40 units and a current period', () => {
    if (s.db.dialect === 'sqlite') expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM units').get()).toEqual({ n: 40 })
    expect(s.db.prepare('SELECT id FROM periods WHERE is_current = 1').get()).toEqual({ id: '2025' })
  })

  it('sends a CSP allowing self, blob:/data: images, the tile host and WebSocket to itself', async () => {
    const res = await fetch(`${s.url}/api/health`)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toMatch(/img-src 'self' blob: data: https:\/\/\*\.tile\.openstreetmap\.org/)
    expect(csp).toContain(`ws://127.0.0.1:${s.port}`)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('answers unknown API routes with the error shape', async () => {
    const res = await fetch(`${s.url}/api/nope`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ code: 'request/not-found', message: expect.any(String), details: null })
  })

  it('serves a page saying to run npm run build when the client is not built', async () => {
    const res = await fetch(`${s.url}/households/abc`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('npm run build')
  })
})

describe('client files', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer()
    const clientDir = join(s.dataDir, 'no-client')
    mkdirSync(join(clientDir, 'assets'), { recursive: true })
    writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>rasoat app</title>')
    writeFileSync(join(clientDir, 'sw.js'), 'self.addEventListener("fetch", () => {})')
    writeFileSync(join(clientDir, 'assets', 'app-abc123.js'), 'console.log(1)')
  })
  afterAll(() => s.stop())

  it('serves index.html for client routes (SPA fallback), not cached', async () => {
    const res = await fetch(`${s.url}/households/abc`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('rasoat app')
    expect(res.headers.get('cache-control')).toBe('no-cache')
  })

  it('serves the service worker with no-cache and hashed assets as immutable', async () => {
    const sw = await fetch(`${s.url}/sw.js`)
    expect(sw.status).toBe(200)
    expect(sw.headers.get('cache-control')).toBe('no-cache')
    const asset = await fetch(`${s.url}/assets/app-abc123.js`)
    expect(asset.headers.get('cache-control')).toContain('immutable')
  })

  it('does not answer /api, /sync or /yjs paths with index.html, nor missing files', async () => {
    for (const path of ['/api/unknown', '/sync', '/yjs/h1', '/missing.png']) {
      const res = await fetch(s.url + path)
      expect(res.status, path).toBeGreaterThanOrEqual(400)
      expect(await res.text(), path).not.toContain('rasoat app')
    }
  })
})

describe('demo dataset on a new database', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ seedDemo: true, demoPassword: 'demo-pass-2025' })
  })
  afterAll(() => s.stop())

  it('seeds ~1,000 households and one login per role; enum1 sees ~300 households', async () => {
    expect(s.demo?.users.map((u) => u.role)).toEqual(['enumerator', 'supervisor', 'admin', 'observer'])
    expect(s.demo?.users.map((u) => u.password)).toEqual(Array(4).fill('demo-pass-2025')) // DEMO_PASSWORD applies to all
    const token = await s.login('enum1', 'demo-pass-2025')
    const res = await s.api('/api/households?limit=1000', { token })
    const body = (await res.json()) as { households: { headName: string }[]; nextCursor: string | null }
    expect(body.households).toHaveLength(300)
    expect(body.nextCursor).toBeNull()
    const all = await s.api('/api/households?limit=1000', { token: await s.login('admin1', 'demo-pass-2025') })
    expect(((await all.json()) as { households: unknown[] }).households).toHaveLength(1000)
  })

  it('does not seed again when the database already has data', async () => {
    await s.close()
    const again = await startTestServer({ dataDir: s.dataDir, seedDemo: true })
    expect(again.demo).toBeUndefined()
    expect(again.db.prepare('SELECT COUNT(*) FROM households').pluck().get()).toBe(1000)
    await again.close()
  })
})

describe('shutdown', () => {
  it('closes open WebSockets with the named shutdown code (1001) and then stops HTTP', async () => {
    const s = await startTestServer()
    await s.addUser({ username: 'quan', role: 'admin' })
    insertPlaces(s, { villages: [['V1', '19900', 'Tổ dân phố 1']] })
    addDocHousehold(s, { id: 'h-shutdown', unitCode: '19900', villageId: 'V1' })
    const token = await s.login('quan')
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/yjs/h-shutdown?token=${token}`)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    await s.stop()
    expect(await closed).toBe(CLOSE_SERVER_SHUTDOWN)
    await expect(fetch(`${s.url}/api/health`)).rejects.toThrow()
  })
})
