// Photo queue against fake-indexeddb and a real HTTP server on port 0 that speaks the photo API
// (HEAD → 200/404, PUT stores by hash) and can be told to fail: retries, skips, restarts, interruptions.
import 'fake-indexeddb/auto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PhotoStore, sha256Hex } from './photo-store.ts'
import { backoffDelay, startUploader } from './photo-uploader.ts'

interface PhotoServer {
  baseUrl: string
  stored: Map<string, Buffer>
  log: string[]
  /** Next responses to PUT: a status, or 'drop' to destroy the socket mid-request. */
  putScript: (number | 'drop')[]
  close(): Promise<void>
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

async function startPhotoServer(token = 'tok'): Promise<PhotoServer> {
  const stored = new Map<string, Buffer>()
  const log: string[] = []
  const putScript: (number | 'drop')[] = []
  const server: Server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x')
    const sha = u.pathname.split('/').pop() ?? ''
    log.push(`${req.method} ${sha.slice(0, 8)} ${u.searchParams.get('household')}`)
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'auth/unauthorised' }))
      return
    }
    if (req.method === 'HEAD') {
      res.writeHead(stored.has(sha) ? 200 : 404).end()
      return
    }
    const scripted = putScript.shift()
    if (scripted === 'drop') {
      req.socket.destroy()
      return
    }
    const bytes = await body(req)
    if (scripted !== undefined) {
      res.writeHead(scripted, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'test/scripted' }))
      return
    }
    stored.set(sha, bytes)
    res.writeHead(201).end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stored,
    log,
    putScript,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`never happened: ${what}`)
}

/** The uploader's onIdle reports, in order; next() resolves with the next one not yet read. */
function idleEvents() {
  const seen: (number | null)[] = []
  const waiters: (() => void)[] = []
  let read = 0
  return {
    record: (at: number | null) => {
      seen.push(at)
      waiters.splice(0).forEach((w) => w())
    },
    async next(): Promise<number | null> {
      while (read >= seen.length) await new Promise<void>((ok) => waiters.push(ok))
      return seen[read++] ?? null
    },
  }
}

const jpeg = (text: string) => new Blob([`\xff\xd8${text}`], { type: 'image/jpeg' })

let server: PhotoServer
let stops: (() => void)[] = []
beforeEach(async () => {
  server = await startPhotoServer()
})
afterEach(async () => {
  for (const s of stops) s()
  stops = []
  await server.close()
})

function uploader(store: PhotoStore, extra: Partial<Parameters<typeof startUploader>[0]> = {}) {
  const stop = startUploader({
    store,
    baseUrl: server.baseUrl,
    getToken: () => 'tok',
    baseDelayMs: 5,
    maxDelayMs: 20,
    events: null,
    ...extra,
  })
  stops.push(stop)
  return stop
}

describe('PhotoStore', () => {
  it('stores blobs by content hash, idempotently, as pending', async () => {
    const store = new PhotoStore(new IDBFactory())
    const blob = jpeg('house')
    const a = await store.add(blob, { householdId: 'h1', kind: 'house', capturedAt: '2025-11-29T08:00:00.000Z' })
    const b = await store.add(jpeg('house'), { householdId: 'h1', kind: 'house' })
    expect(a.sha256).toBe(await sha256Hex(blob))
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(b).toEqual(a)
    expect(await store.pendingCount()).toBe(1)
    const got = await store.get(a.sha256)
    expect(got?.state).toBe('pending')
    expect(await got?.blob.text()).toBe(await blob.text())
    expect((await store.forHousehold('h1')).map((p) => p.kind)).toEqual(['house'])
    expect(store.uploadState(got)).toBe('pending')
    expect(store.uploadState(undefined)).toBe('missing')
  })
})

describe('photo uploader', () => {
  it('uploads pending photos with PUT after a HEAD miss and marks them uploaded', async () => {
    const store = new PhotoStore(new IDBFactory())
    const { sha256 } = await store.add(jpeg('one'), { householdId: 'h1', kind: 'house' })
    uploader(store)
    await until(async () => (await store.pendingCount()) === 0, 'upload')
    expect(server.stored.get(sha256)?.toString('utf8')).toBe('\xff\xd8one')
    expect(server.log).toEqual([`HEAD ${sha256.slice(0, 8)} h1`, `PUT ${sha256.slice(0, 8)} h1`])
    const p = await store.get(sha256)
    expect(store.uploadState(p)).toBe('uploaded')
  })

  it('skips the PUT when HEAD says the server already has the photo', async () => {
    const store = new PhotoStore(new IDBFactory())
    const blob = jpeg('known')
    server.stored.set(await sha256Hex(blob), Buffer.from('x'))
    await store.add(blob, { householdId: 'h1', kind: 'house' })
    uploader(store)
    await until(async () => (await store.pendingCount()) === 0, 'skip')
    expect(server.log.filter((l) => l.startsWith('PUT'))).toEqual([])
  })

  it('retries with backoff after server errors and a dropped connection', async () => {
    const store = new PhotoStore(new IDBFactory())
    server.putScript.push(503, 'drop', 500)
    const { sha256 } = await store.add(jpeg('flaky'), { householdId: 'h2', kind: 'toilet' })
    uploader(store)
    await until(async () => (await store.pendingCount()) === 0, 'retry')
    expect(server.stored.has(sha256)).toBe(true)
    expect(server.log.filter((l) => l.startsWith('PUT'))).toHaveLength(4)
    expect((await store.get(sha256))?.attempts).toBe(3)
  })

  it('resumes after an app restart: the queue lives in IndexedDB', async () => {
    const factory = new IDBFactory()
    const first = new PhotoStore(factory, 'photos-restart')
    const { sha256 } = await first.add(jpeg('before restart'), { householdId: 'h3', kind: 'house' })
    await first.close()
    const second = new PhotoStore(factory, 'photos-restart')
    expect(await second.pendingCount()).toBe(1)
    uploader(second)
    await until(async () => (await second.pendingCount()) === 0, 'resume')
    expect(server.stored.has(sha256)).toBe(true)
  })

  it('waits while signed out (no timer spinning on the missing token), uploads only households in scope, and picks up photos added later', async () => {
    const store = new PhotoStore(new IDBFactory())
    let token: string | null = null
    let tokenAsked = 0
    const mine = await store.add(jpeg('mine'), { householdId: 'mine', kind: 'house' })
    const other = await store.add(jpeg('other'), { householdId: 'other', kind: 'house' })
    const idle = idleEvents()
    uploader(store, {
      getToken: () => (tokenAsked++, token),
      householdScope: (id) => id === 'mine',
      onIdle: idle.record,
    })
    // Idle after asking for a token once: nothing was sent, and it waits for an event rather than a timer.
    expect(await idle.next()).toBeNull()
    expect(tokenAsked).toBe(1)
    expect(server.log).toEqual([])
    token = 'tok'
    const later = await store.add(jpeg('later'), { householdId: 'mine', kind: 'document' })
    // The server stores a photo before the uploader hears back and marks it: wait for the queue, not the server.
    await until(async () => (await store.pendingCount()) === 1, 'scoped upload marked')
    expect(server.stored.has(mine.sha256) && server.stored.has(later.sha256)).toBe(true)
    expect(server.stored.has(other.sha256)).toBe(false)
    expect((await store.get(other.sha256))?.state).toBe('pending')
  })

  it('keeps a photo the server refuses pending with the error code, and carries on with the others', async () => {
    const store = new PhotoStore(new IDBFactory())
    server.putScript.push(413)
    const big = await store.add(jpeg('too big'), { householdId: 'h4', kind: 'house' })
    const ok = await store.add(jpeg('fine'), { householdId: 'h4', kind: 'house' })
    const stop = uploader(store, { baseDelayMs: 60_000, maxDelayMs: 60_000 })
    await until(() => server.stored.size === 1, 'the other photo')
    stop()
    const refused = await store.get(server.stored.has(big.sha256) ? ok.sha256 : big.sha256)
    expect(refused?.lastError).toBe('test/scripted')
    expect(store.uploadState(refused)).toBe('failed')
  })

  it('backoff grows with attempts and stays within its bounds', () => {
    expect(backoffDelay(0, 1, 2000, 300_000)).toBe(2000)
    expect(backoffDelay(3, 1, 2000, 300_000)).toBe(16_000)
    expect(backoffDelay(30, 1, 2000, 300_000)).toBe(300_000)
    expect(backoffDelay(5, 0, 2000, 300_000)).toBe(1000)
  })
})
