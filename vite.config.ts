// Build of the enumerator PWA: Vite root is client/, output dist/client (served by server/ in production and e2e).
// The service worker (Workbox generateSW) precaches the app shell so the app opens and reloads with no network.
import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { VitePWA } from 'vite-plugin-pwa'
import { fileURLToPath } from 'node:url'
import { readFileSync } from 'node:fs'

const root = fileURLToPath(new URL('.', import.meta.url))
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }
const serverPort = process.env.PORT ?? '8080'
const serverTarget = `http://127.0.0.1:${serverPort}`

export default defineConfig({
  root: 'client',
  publicDir: 'public',
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': { target: serverTarget, changeOrigin: false },
      '/sync': { target: serverTarget, ws: true },
      '/yjs': { target: serverTarget, ws: true },
      '/live': { target: serverTarget, ws: true },
    },
  },
  plugins: [
    svelte({ configFile: `${root}svelte.config.js` }),
    VitePWA({
      strategies: 'generateSW',
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Rà soát hộ nghèo',
        short_name: 'rasoat',
        description: 'Rà soát hộ nghèo, hộ cận nghèo — ứng dụng cho rà soát viên (hoạt động không cần mạng)',
        lang: 'vi',
        id: '/',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#b91c1c',
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // No includeAssets: globPatterns alone, or the precache gets duplicates (TOOLCHAIN trap 6).
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api/, /^\/sync/, /^\/yjs/, /^\/live/],
        cleanupOutdatedCaches: true,
        // Map tiles (any z/x/y image, the tile server is configuration): cache-first, bounded, dropped on quota errors.
        runtimeCaching: [
          {
            urlPattern: ({ url, request }) =>
              request.destination === 'image' && /\/\d+\/\d+\/\d+(@2x)?\.(png|jpg|jpeg|webp)$/.test(url.pathname),
            handler: 'CacheFirst',
            options: {
              cacheName: 'map-tiles',
              expiration: { maxEntries: 3000, maxAgeSeconds: 60 * 60 * 24 * 90, purgeOnQuotaError: true },
              cacheableResponse: { statuses: [0, 200] },
            },
          },
        ],
        clientsClaim: false,
        skipWaiting: false,
      },
      devOptions: { enabled: false },
    }),
  ],
})
