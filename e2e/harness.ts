// End-to-end harness: the real server (startServer, port 0, temp DATA_DIR with the demo seed) serving the built client
// (dist/client), and headless Debian Chromium through playwright-core with phone-sized contexts (TOOLCHAIN trap 3).
// Each test file calls startE2E() once and stop() in afterAll.

import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { startServer, type RunningServer } from '../server/server.ts'

export const ROOT = resolve(import.meta.dirname, '..')
export const CLIENT_DIR = join(ROOT, 'dist/client')
export const DEMO_PASSWORD = 'e2e-demo-password'
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const PHONE = { width: 360, height: 740 }
export const DESKTOP = { width: 1366, height: 900 }
/** The bound on any wait for an event in a page (a locator, a navigation): generous, never a measure of speed. */
export const WAIT_MS = 90_000

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface E2EUser {
  username: string
  password?: string
}

export interface Phone {
  context: BrowserContext
  page: Page
}

export interface E2E {
  server: RunningServer
  baseUrl: string
  browser: Browser
  /** A new simulated device (own IndexedDB and service worker) at phone size 360×740. */
  newPhone(options?: { scale?: number }): Promise<Phone>
  /** Online first sign-in on the page; resolves when the household list shows and the first sync finished. */
  login(page: Page, user?: E2EUser | string): Promise<void>
  /** Bearer token for API calls made by the test itself. */
  apiToken(user?: E2EUser | string): Promise<string>
  stop(): Promise<void>
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

/** Build dist/client when it is missing or older than the sources (`npx vite build`, ~5 s). */
export function ensureClientBuilt(): void {
  const index = join(CLIENT_DIR, 'index.html')
  const sw = join(CLIENT_DIR, 'sw.js')
  const built = existsSync(index) && existsSync(sw) ? statSync(sw).mtimeMs : 0
  const sources = Math.max(
    newestMtime(join(ROOT, 'client')),
    newestMtime(join(ROOT, 'shared')),
    statSync(join(ROOT, 'vite.config.ts')).mtimeMs,
  )
  if (built >= sources) return
  const r = spawnSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'error'], {
    cwd: ROOT,
    stdio: 'inherit',
  })
  if (r.status !== 0) throw new Error('vite build failed')
}

function asUser(u: E2EUser | string | undefined): Required<E2EUser> {
  if (u === undefined) return { username: 'enum1', password: DEMO_PASSWORD }
  if (typeof u === 'string') return { username: u, password: DEMO_PASSWORD }
  return { username: u.username, password: u.password ?? DEMO_PASSWORD }
}

export interface E2EOptions {
  /** Serve a private copy of dist/client (a test may then change files, e.g. publish a new service worker). */
  copyClient?: boolean
}

/** Fingerprint of the server and shared sources: a seeded database made by older code is not reused. */
function sourceKey(): string {
  const h = createHash('sha1')
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, entry.name)
      if (entry.isDirectory()) walk(p)
      else if (!entry.name.endsWith('.test.ts')) h.update(`${p}:${statSync(p).size}:${statSync(p).mtimeMs}\n`)
    }
  }
  walk(join(ROOT, 'server'))
  walk(join(ROOT, 'shared'))
  return h.digest('hex').slice(0, 16)
}

/**
 * A data dir holding the demo seed. Seeding ~1,000 households takes ~4 s, so the first test file seeds a template
 * under .tmp/ and every file starts from a copy (written to a temp name, then renamed, so parallel files are safe).
 */
async function seededDataDir(): Promise<string> {
  const template = join(ROOT, '.tmp', `e2e-seed-${sourceKey()}`)
  if (!existsSync(template)) {
    mkdirSync(join(ROOT, '.tmp'), { recursive: true })
    const building = mkdtempSync(join(ROOT, '.tmp', 'e2e-seed-building-'))
    const seeding = await startServer({
      dataDir: building,
      port: 0,
      seedDemo: true,
      demoPassword: DEMO_PASSWORD,
      clientDir: CLIENT_DIR,
    })
    await seeding.close()
    try {
      renameSync(building, template)
      // templates of older sources are of no use any more
      for (const old of readdirSync(join(ROOT, '.tmp'))) {
        if (/^e2e-seed-[0-9a-f]{16}$/.test(old) && join(ROOT, '.tmp', old) !== template)
          rmSync(join(ROOT, '.tmp', old), { recursive: true, force: true })
      }
    } catch {
      rmSync(building, { recursive: true, force: true }) // another file won the race
    }
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-e2e-'))
  cpSync(template, dataDir, { recursive: true })
  return dataDir
}

export async function startE2E(options: E2EOptions = {}): Promise<E2E & { clientDir: string }> {
  ensureClientBuilt()
  const dataDir = await seededDataDir()
  let clientDir = CLIENT_DIR
  if (options.copyClient) {
    clientDir = join(dataDir, 'client')
    cpSync(CLIENT_DIR, clientDir, { recursive: true })
  }
  const server = await startServer({ dataDir, port: 0, seedDemo: false, clientDir })
  // 127.0.0.1 is a secure context, so the service worker registers (TOOLCHAIN trap 7).
  const baseUrl = server.url
  const browser = await chromium.launch({ executablePath: CHROMIUM, chromiumSandbox: false, args: CHROMIUM_ARGS })
  const contexts: BrowserContext[] = []
  /** Uncaught errors of any page: a test file fails in stop() when there were any. */
  const pageErrors: string[] = []
  const watch = (page: Page): void => {
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.stack ?? err.message}`))
  }

  async function newPhone(options: { scale?: number } = {}): Promise<Phone> {
    const context = await browser.newContext({
      viewport: PHONE,
      deviceScaleFactor: options.scale ?? 1,
      isMobile: true,
      hasTouch: true,
      locale: 'vi-VN',
      serviceWorkers: 'allow',
      acceptDownloads: true,
    })
    // Waits are for events, bounded generously: on a loaded machine a service worker install or a first sync can
    // take far longer than on an idle one, and a bound that is too tight fails a test that is right.
    context.setDefaultTimeout(WAIT_MS)
    contexts.push(context)
    context.on('page', watch)
    const page = await context.newPage()
    return { context, page }
  }

  async function login(page: Page, user?: E2EUser | string): Promise<void> {
    const u = asUser(user)
    if (!page.url().startsWith(baseUrl)) await page.goto(baseUrl)
    await page.getByTestId('login-username').fill(u.username)
    await page.getByTestId('login-password').fill(u.password)
    await page.getByTestId('btn-login').click()
    await page.getByTestId('household-list').waitFor()
    await page.locator('[data-testid="status-bar"][data-phase="synced"]').waitFor({ timeout: 90_000 })
    await summariesReady(page)
  }

  async function apiToken(user?: E2EUser | string): Promise<string> {
    const u = asUser(user)
    const res = await fetch(`${baseUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: u.username, password: u.password }),
    })
    if (!res.ok) throw new Error(`login ${u.username}: ${res.status}`)
    return ((await res.json()) as { token: string }).token
  }

  return {
    clientDir,
    server,
    baseUrl,
    browser,
    newPhone,
    login,
    apiToken,
    async stop() {
      for (const c of contexts) await c.close().catch(() => undefined)
      await browser.close().catch(() => undefined)
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
      if (pageErrors.length > 0) throw new Error(`uncaught errors in the app:\n${pageErrors.join('\n')}`)
    },
  }
}

/** Wait until every household row has its summary (bootstrap writes rows first, summaries in chunks after). */
export async function summariesReady(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = window as unknown as { __rasoat?: { device: { index: { all(): { known: boolean }[] } } } }
    const rows = w.__rasoat?.device.index.all() ?? []
    return rows.length > 0 && rows.every((r) => r.known)
  })
}

/** Unlock a stored session offline (after a reload). */
export async function unlock(page: Page, password = DEMO_PASSWORD): Promise<void> {
  await page.getByTestId('unlock-password').fill(password)
  await page.getByTestId('btn-unlock').click()
  await page.getByTestId('household-list').waitFor()
}

/** Wait until the service worker is installed and activated (precache complete); returns its state. */
export async function waitForServiceWorker(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready
    const sw = reg.active
    if (sw && sw.state !== 'activated') {
      await new Promise<void>((resolve) =>
        sw.addEventListener('statechange', () => sw.state === 'activated' && resolve()),
      )
    }
    return reg.active?.state
  })
}

/** The household as the server has committed it (doc store bytes → HouseholdDoc.read()). */
export async function serverHousehold(server: RunningServer, id: string) {
  const Y = await import('yjs')
  const { HouseholdDoc } = await import('../shared/doc/household-doc.ts')
  const state = server.docStore.readState(id)
  if (!state) return null
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return new HouseholdDoc(doc).read().household
}

/** Open a household from the list (rows are virtualised: `id` must be in view, or use the search first). */
export async function openHousehold(page: Page, id?: string): Promise<string> {
  const rowId = id ?? (await page.getByTestId('household-row').first().getAttribute('data-id')) ?? ''
  await page.locator(`[data-testid="household-row"][data-id="${rowId}"]`).click()
  await page.getByTestId('household-screen').waitFor()
  await page.getByTestId('survey').waitFor()
  return rowId
}

/** Type a floor area in the survey's dwelling step (a change event: one transaction). */
export async function setFloorArea(page: Page, value: string): Promise<void> {
  await page.getByTestId('btn-step-dwelling').click()
  const input = page.getByTestId('field-dwelling.floorAreaM2')
  await input.fill(value)
  await input.press('Tab')
}

export async function closeHousehold(page: Page): Promise<void> {
  await page.getByTestId('btn-back').click()
  await page.getByTestId('household-list').waitFor()
}

/** Network off, then one floor-area edit of a household, confirmed "saved on phone", and back to the list. */
export async function editOffline({ page, context }: Phone, floorArea: string, id?: string): Promise<string> {
  await context.setOffline(true)
  await page.locator('[data-testid="status-bar"][data-phase="offline"]').waitFor()
  const opened = await openHousehold(page, id)
  await setFloorArea(page, floorArea)
  await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor()
  await closeHousehold(page)
  return opened
}

/**
 * A desktop browser signed in to the console as `username` with the demo password, opened at `hash` (e.g.
 * '#conflicts'); resolves once the console shows. Uncaught page errors go to `pageErrors` when given. The caller
 * closes the context.
 */
export async function openConsole(
  e: E2E,
  username: string,
  options: { hash?: string; pageErrors?: string[]; viewport?: { width: number; height: number } } = {},
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await e.browser.newContext({ viewport: options.viewport ?? DESKTOP, locale: 'vi-VN' })
  context.setDefaultTimeout(WAIT_MS)
  const page = await context.newPage()
  const errors = options.pageErrors
  if (errors) page.on('pageerror', (err) => errors.push(err.stack ?? err.message))
  await page.goto(`${e.baseUrl}/${options.hash ?? ''}`)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(DEMO_PASSWORD)
  await page.getByTestId('btn-login').click()
  await page.getByTestId('console').waitFor()
  return { page, context }
}
