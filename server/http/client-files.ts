// Serves the built PWA from dist/client: hashed assets cached long, the service worker and index never cached,
// and every other non-API, non-WebSocket GET falls back to index.html (client-side routes).

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Hono } from 'hono'
import type { AppEnv } from './context.ts'

const NOT_BUILT = `<!doctype html><html lang="vi"><meta charset="utf-8"><title>rasoat</title>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>rasoat</h1><p>Chưa có giao diện: hãy chạy <code>npm run build</code> rồi khởi động lại máy chủ.</p>
<p>The client is not built: run <code>npm run build</code>, then restart the server.</p>
<p>API: <a href="/api/health">/api/health</a></p></body></html>`

/** Paths the SPA fallback must never answer. */
export function isServerPath(path: string): boolean {
  return /^\/(api|sync|yjs)(\/|$)/.test(path)
}

function isServiceWorkerFile(path: string): boolean {
  return /^\/(sw\.js|service-worker\.js|registerSW\.js|workbox-[\w-]+\.js|manifest\.webmanifest)$/.test(path)
}

export function clientFileRoutes(app: Hono<AppEnv>, clientDir: string): void {
  const indexFile = join(clientDir, 'index.html')
  // Built lazily: the client may be built after the server starts, and serveStatic warns about a missing root.
  const makeFiles = () =>
    serveStatic<AppEnv>({
      root: clientDir,
      onFound: (path, c) => {
        const rel = c.req.path
        if (isServiceWorkerFile(rel) || path.endsWith('.html')) c.header('Cache-Control', 'no-cache')
        else if (rel.startsWith('/assets/')) c.header('Cache-Control', 'public, max-age=31536000, immutable')
      },
    })
  const makeIndex = () =>
    serveStatic<AppEnv>({
      root: clientDir,
      path: 'index.html',
      onFound: (_path, c) => {
        c.header('Cache-Control', 'no-cache')
      },
    })

  let files: ReturnType<typeof makeFiles> | undefined
  let index: ReturnType<typeof makeIndex> | undefined
  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    if (isServerPath(c.req.path)) return next()
    if (!existsSync(indexFile)) return c.html(NOT_BUILT)
    files ??= makeFiles()
    index ??= makeIndex()
    const found = await files(c, async () => {})
    if (found) return found
    // A missing file with an extension is a real 404, not a client route.
    if (/\.[a-z0-9]+$/i.test(c.req.path)) return next()
    return (await index(c, async () => {})) ?? next()
  })
}
