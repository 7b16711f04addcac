// Field-phone figures for the enumerator app, in headless Chromium with the CPU throttled 4× (CDP): JS sent for the
// list + form (gzip), cold start from the service worker, unlock → 500-row list, search, and opening a household.
// Run: `npx tsx bench/measure/phone.ts` (prints a table and JSON; numbers, not assertions — STYLE: speed is not a test).

import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { createUser } from '../../server/auth/users.ts'
import { CLIENT_DIR, DEMO_PASSWORD, startE2E, summariesReady, waitForServiceWorker } from '../../e2e/harness.ts'

const RATE = Number(process.env.CPU_THROTTLE ?? 4)
const RUNS = Number(process.env.RUNS ?? 3)

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.floor(s.length / 2)]!)
}

/** Click, then wait until `selector` exists and two frames were painted; ms measured inside the page. */
async function timed(page: Page, clickSelector: string, readySelector: string): Promise<number> {
  return page.evaluate(
    async ([click, ready]) => {
      const t0 = performance.now()
      ;(document.querySelector(click!) as HTMLElement).click()
      while (!document.querySelector(ready!)) await new Promise((r) => requestAnimationFrame(r))
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
      return performance.now() - t0
    },
    [clickSelector, readySelector],
  )
}

const e = await startE2E()
try {
  const villages = e.server.db
    .prepare('SELECT village_id AS id, count(*) AS n FROM households GROUP BY village_id ORDER BY n DESC, village_id')
    .all() as { id: string; n: number }[]
  const picked: string[] = []
  let total = 0
  for (const v of villages) {
    if (total >= 500) break
    picked.push(v.id)
    total += v.n
  }
  await createUser(e.server.db, {
    username: 'measure500',
    password: DEMO_PASSWORD,
    role: 'enumerator',
    villages: picked,
    displayName: 'Đo Lường',
  })

  // first sign-in on a new phone, throttled: bootstrap of every household (BATCH, inbox, summaries)
  const fresh = await e.newPhone()
  const freshCdp = await fresh.context.newCDPSession(fresh.page)
  await fresh.page.goto(e.baseUrl)
  await fresh.page.getByTestId('login-form').waitFor()
  await freshCdp.send('Emulation.setCPUThrottlingRate', { rate: RATE })
  const b0 = Date.now()
  await e.login(fresh.page, 'measure500') // waits for sync and for every summary row
  const bootstrapMs = Date.now() - b0
  const storageAfterBootstrap = await fresh.page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0)
  await fresh.context.close()

  const { page, context } = await e.newPhone()
  const jsLoaded = new Set<string>()
  page.on('response', (r) => {
    const u = new URL(r.url())
    if (u.pathname.endsWith('.js') && u.pathname.startsWith('/assets/')) jsLoaded.add(u.pathname)
  })
  const cdp = await context.newCDPSession(page)
  await page.goto(e.baseUrl)
  await e.login(page, 'measure500')
  await waitForServiceWorker(page)
  const firstRow = await page.getByTestId('household-row').first().getAttribute('data-id')
  await page.locator(`[data-testid="household-row"][data-id="${firstRow}"]`).click()
  await page.getByTestId('survey').waitFor()
  await page.getByTestId('btn-back').click()

  // JS for list + form (everything the page fetched from /assets, minus a Leaflet chunk if one was loaded)
  const chunks = [...jsLoaded].filter((p) => !/leaflet|map/i.test(p))
  const sizes = chunks.map((p) => {
    const bytes = readFileSync(join(CLIENT_DIR, p))
    return { file: p, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
  })

  await cdp.send('Emulation.setCPUThrottlingRate', { rate: RATE })
  const cold: number[] = []
  const unlockToList: number[] = []
  const openHousehold: number[] = []
  const search: number[] = []
  const listMount: number[] = []
  for (let i = 0; i < RUNS; i++) {
    // cold start: a fresh navigation served by the service worker, until the unlock form is interactive
    const t0 = Date.now()
    await page.reload({ waitUntil: 'commit' })
    await page.getByTestId('unlock-password').waitFor()
    cold.push(Date.now() - t0)
    await page.getByTestId('unlock-password').fill(DEMO_PASSWORD)
    // unlock includes PBKDF2 (120k iterations), reading 500 summary rows, and rendering the list
    unlockToList.push(await timed(page, '[data-testid="btn-unlock"]', '[data-testid="household-row"]'))
    await summariesReady(page)
    // list mount alone (500 rows in memory → virtualised list on screen)
    await page.getByTestId('btn-menu').click()
    await page.getByTestId('nav-diagnostics').click()
    await page.getByTestId('diagnostics').waitFor()
    listMount.push(await timed(page, '[data-testid="nav-list"]', '[data-testid="household-row"]'))
    // search: one query over 500 rows (type the whole query at once)
    search.push(
      await page.evaluate(async () => {
        const input = document.querySelector('[data-testid="list-search"]') as HTMLInputElement
        const t0 = performance.now()
        input.value = 'nguyen thi'
        input.dispatchEvent(new Event('input', { bubbles: true }))
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
        const ms = performance.now() - t0
        input.value = ''
        input.dispatchEvent(new Event('input', { bubbles: true }))
        return ms
      }),
    )
    // open a household: Y.Doc from y-indexeddb + inbox, SurveyScreen chunk, first render of the form
    const id = await page
      .getByTestId('household-row')
      .nth(i + 2)
      .getAttribute('data-id')
    openHousehold.push(
      await timed(
        page,
        `[data-testid="household-row"][data-id="${id}"]`,
        '[data-testid="survey"] [data-testid="classification-summary"]',
      ),
    )
    await page.getByTestId('btn-back').click()
    await page.getByTestId('household-list').waitFor()
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 })

  const result = {
    cpuThrottle: RATE,
    bootstrapMs,
    storageAfterBootstrapBytes: storageAfterBootstrap,
    households: total,
    jsGzipBytes: sizes.reduce((n, s) => n + s.gzip, 0),
    jsRawBytes: sizes.reduce((n, s) => n + s.raw, 0),
    chunks: sizes,
    coldStartToUnlockMs: median(cold),
    unlockToListMs: median(unlockToList),
    listMountMs: median(listMount),
    searchMs: median(search),
    openHouseholdMs: median(openHousehold),
    samples: { cold, unlockToList, listMount, search, openHousehold },
  }
  console.log(
    `JS for list + form: ${(result.jsGzipBytes / 1024).toFixed(1)} kB gzip (${(result.jsRawBytes / 1024).toFixed(0)} kB raw) in ${sizes.length} chunks`,
  )
  for (const s of sizes) console.log(`  ${s.file}: ${(s.gzip / 1024).toFixed(1)} kB gzip`)
  console.log(`CPU throttled ${RATE}×, ${total} households, median of ${RUNS}:`)
  console.log(
    `  first sign-in + bootstrap of ${total} households (login → all rows summarised): ${bootstrapMs} ms, storage ${(storageAfterBootstrap / 1024 / 1024).toFixed(1)} MB`,
  )
  console.log(`  cold start (reload from service worker → unlock form): ${result.coldStartToUnlockMs} ms`)
  console.log(`  unlock (PBKDF2) → list rendered: ${result.unlockToListMs} ms`)
  console.log(`  list mount (500 rows, virtualised): ${result.listMountMs} ms`)
  console.log(`  search over 500 rows: ${result.searchMs} ms`)
  console.log(`  open a household (tap → form rendered): ${result.openHouseholdMs} ms`)
  console.log(JSON.stringify(result))
} finally {
  await e.stop()
}
