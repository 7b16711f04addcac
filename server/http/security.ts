// Security headers for every response: a CSP that allows only this origin (plus blob:/data: images, the
// configured map tile host, and WebSocket back to this host), no framing, no sniffing, no referrer leaks.

import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

/** "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png" → "https://*.tile.openstreetmap.org". */
export function tileSource(tileUrl: string | undefined): string | null {
  if (!tileUrl) return null
  const m = /^(https?:\/\/)([^/]+)/.exec(tileUrl.trim())
  if (!m) return null
  const host = (m[2] ?? '').replace(/\{[a-z]\}/g, '*')
  if (!/^[A-Za-z0-9.*:-]+$/.test(host)) return null
  return `${m[1]}${host}`
}

export function securityHeaders(opts: { tileUrl?: string | undefined }): MiddlewareHandler {
  const tiles = tileSource(opts.tileUrl)
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'blob:', 'data:', ...(tiles ? [tiles] : [])],
      connectSrc: [
        "'self'",
        (c) => {
          const host = c.req.header('host')
          return host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? `ws://${host} wss://${host}` : ''
        },
      ],
      workerSrc: ["'self'"],
      manifestSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: false, // the reverse proxy that terminates TLS sets HSTS
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    permissionsPolicy: { geolocation: ['self'], camera: ['self'], microphone: [] },
  })
}
