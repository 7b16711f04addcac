// Durability of the phone's storage in real Chromium: a page or the whole browser closed mid-edit and reopened offline,
// storage filled until IndexedDB refuses writes (QuotaExceededError), and an app update while edits are unsynced.
// Edits the app acknowledged as saved on the phone are never lost; all of them reach the server once online.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page, type WebSocketRoute } from 'playwright-core'
import { random, report, seed, trials } from '../server/reliability/long-run.ts'
import { EDITABLE_STATUSES } from '../client/survey/survey-view.ts'
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  closeHousehold,
  openHousehold,
  PHONE,
  serverHousehold,
  setFloorArea,
  startE2E,
  unlock,
  WAIT_MS,
  waitForServiceWorker,
  type E2E,
} from './harness.ts'

const SEED = seed()
const rnd = random(SEED)
const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!
/** A floor area with one decimal, typed the way enumerators type it. */
const area = (): string => `${10 + Math.floor(rnd() * 90)}.${1 + Math.floor(rnd() * 9)}`
/** Each scenario's bound: waits are for events, and a loaded machine may be slow. */
const SCENARIO_MS = 900_000
const NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung', 'Hồ Văn Em'] as const

const figures = {
  trials: 0,
  pageCloses: 0,
  browserCloses: 0,
  edits: 0,
  acknowledged: 0,
  quotaErrors: 0,
  updates: 0,
  losses: 0,
}

let e: E2E & { clientDir: string }
const userDirs: string[] = []
const pageErrors: string[] = []
beforeAll(async () => {
  e = await startE2E({ copyClient: true })
})
afterAll(async () => {
  report('durability', SEED, figures)
  await e?.stop()
  for (const dir of userDirs) rmSync(dir, { recursive: true, force: true })
  if (pageErrors.length > 0) throw new Error(`uncaught errors in the app:\n${pageErrors.join('\n')}`)
})

/** A phone whose storage lives in a profile directory, so the whole browser can be closed and started again. */
async function launchPhone(dir: string): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    chromiumSandbox: false,
    args: CHROMIUM_ARGS,
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
    locale: 'vi-VN',
    serviceWorkers: 'allow',
  })
  context.setDefaultTimeout(WAIT_MS)
  context.on('page', (p) => p.on('pageerror', (err) => pageErrors.push(`${p.url()}: ${err.stack ?? err.message}`)))
  for (const p of context.pages())
    p.on('pageerror', (err) => pageErrors.push(`${p.url()}: ${err.stack ?? err.message}`))
  return context
}

/** Households shown in the list that the enumerator may still edit (a submitted one's form is read-only). */
async function editableRowIds(page: Page, n: number): Promise<string[]> {
  const shown = await page
    .getByTestId('household-row')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-id') ?? ''))
  const ids = await page.evaluate(
    ({ ids, statuses }) => {
      const w = window as unknown as {
        __rasoat?: { device: { index: { get(id: string): { status: string } | undefined } } }
      }
      return ids.filter((id) => statuses.includes(w.__rasoat?.device.index.get(id)?.status ?? ''))
    },
    { ids: shown, statuses: [...EDITABLE_STATUSES] as string[] },
  )
  expect(ids.length).toBeGreaterThanOrEqual(n)
  return ids.slice(0, n)
}

async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage())
}

const saveState = (page: Page) => page.getByTestId('save-state')
const memberRows = (page: Page) => page.locator('[data-testid^="member-"]')

/**
 * Chromium 150 with playwright-core 1.65 drops the context's offline emulation when a page navigates (navigator.onLine
 * turns true): it is set again, as a phone reopened or reloaded without network stays offline.
 */
async function offlineAgain(page: Page): Promise<void> {
  await page.context().setOffline(false)
  await page.context().setOffline(true)
}

/** Open the household offline after a restart: the shell from the service worker, the session unlocked offline. */
async function reopenOffline(page: Page, id: string): Promise<void> {
  await page.goto(e.baseUrl)
  await offlineAgain(page)
  await unlock(page)
  await page.locator('[data-testid="status-bar"][data-phase="offline"]').waitFor()
  await openHousehold(page, id)
}

async function floorArea(page: Page): Promise<string> {
  await page.getByTestId('btn-step-dwelling').click()
  return page.getByTestId('field-dwelling.floorAreaM2').inputValue()
}

/** A floor area other than the one the open household shows: the same value again is no edit, and nothing is saved. */
async function newArea(page: Page): Promise<string> {
  const current = await floorArea(page)
  let value = area()
  while (value === current) value = area()
  return value
}

async function memberCount(page: Page): Promise<number> {
  await page.getByTestId('btn-step-members').click()
  await page.getByTestId('btn-add-member').waitFor()
  return memberRows(page).count()
}

describe('browser durability', () => {
  it(
    'keeps every edit acknowledged as saved when the page or the browser is closed mid-edit, and syncs it',
    async () => {
      const rounds = trials(2, 8)
      for (let round = 0; round < rounds; round++) {
        const dir = mkdtempSync(join(tmpdir(), 'rasoat-phone-'))
        userDirs.push(dir)
        let context = await launchPhone(dir)
        let page = await firstPage(context)
        await page.goto(e.baseUrl)
        await e.login(page)
        await waitForServiceWorker(page)

        await context.setOffline(true)
        await page.locator('[data-testid="status-bar"][data-phase="offline"]').waitFor()
        const id = await openHousehold(page, pick(await editableRowIds(page, 4)))

        // An edit the app acknowledges: "saved on phone".
        const saved = await newArea(page)
        await setFloorArea(page, saved)
        await saveState(page).and(page.locator('[data-state="saved"]')).waitFor()
        figures.edits++
        figures.acknowledged++

        // Then, at random: a member added and closed at once, a member added and its name being typed (no blur),
        // or a new floor area being typed (no blur). Typed text is not an edit until confirmed; it may or may not stay.
        const tail = pick(['add', 'add-and-type', 'type'] as const)
        const before = await memberCount(page)
        const typed = area()
        if (tail === 'type') {
          await page.getByTestId('btn-step-dwelling').click()
          await page.getByTestId('field-dwelling.floorAreaM2').fill(typed)
        } else {
          await page.getByTestId('btn-add-member').click()
          figures.edits++
          if (tail === 'add-and-type') await page.getByTestId(`field-members.${before}.fullName`).fill(pick(NAMES))
        }
        // Whatever the indicator says at this moment is what the app has promised.
        const addAcknowledged = tail !== 'type' && (await saveState(page).getAttribute('data-state')) === 'saved'
        if (addAcknowledged) figures.acknowledged++

        const wholeBrowser = round % 2 === 1
        if (wholeBrowser) {
          await context.close() // the process goes away: nothing more runs in the page
          figures.browserCloses++
          context = await launchPhone(dir)
          await context.setOffline(true)
          page = await firstPage(context)
        } else {
          await page.close({ runBeforeUnload: false })
          figures.pageCloses++
          page = await context.newPage()
        }
        await reopenOffline(page, id)

        const keptArea = await floorArea(page)
        if (keptArea !== saved && keptArea !== typed) figures.losses++
        expect(tail === 'type' ? [saved, typed] : [saved]).toContain(keptArea)
        const after = await memberCount(page)
        if (addAcknowledged && after !== before + 1) figures.losses++
        expect(after).toBe(addAcknowledged ? before + 1 : after)
        expect(tail === 'type' ? [before] : [before, before + 1]).toContain(after)

        // Back online, the phone's state reaches the server whole.
        await context.setOffline(false)
        await saveState(page).and(page.locator('[data-state="synced"]')).waitFor()
        const onServer = await serverHousehold(e.server, id)
        expect(onServer?.dwelling.floorAreaM2).toBe(Number(keptArea))
        expect(onServer?.members.length).toBe(after)
        await closeHousehold(page)
        await context.close()
        figures.trials++
      }
    },
    SCENARIO_MS,
  )

  it(
    'tells the user when storage is full, keeps what was saved, writes nothing half, and resumes when space is freed',
    async () => {
      for (let round = 0, rounds = trials(1, 3); round < rounds; round++) {
        // A phone profile on disk: Chromium 150 applies a quota override (below) to it, not to a fresh in-memory one.
        const dir = mkdtempSync(join(tmpdir(), 'rasoat-phone-'))
        userDirs.push(dir)
        const context = await launchPhone(dir)
        const page = await firstPage(context)
        await page.goto(e.baseUrl)
        await e.login(page)
        await waitForServiceWorker(page)
        await context.setOffline(true)
        await page.locator('[data-testid="status-bar"][data-phase="offline"]').waitFor()
        const id = await openHousehold(page, pick(await editableRowIds(page, 1)))
        const first = await newArea(page)
        await setFloorArea(page, first)
        await saveState(page).and(page.locator('[data-state="saved"]')).waitFor()
        figures.edits++
        figures.acknowledged++

        // A small quota for the origin, then storage filled by a page script until IndexedDB refuses.
        const cdp = await context.newCDPSession(page)
        const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0)
        await cdp.send('Storage.overrideQuotaForOrigin', { origin: e.baseUrl, quotaSize: usage + 4 * 1024 * 1024 })
        const fill = () =>
          page.evaluate(async () => {
            const db = await new Promise<IDBDatabase>((resolve, reject) => {
              const req = indexedDB.open('durability-filler', 1)
              req.onupgradeneeded = () => req.result.createObjectStore('blobs', { autoIncrement: true })
              req.onsuccess = () => resolve(req.result)
              req.onerror = () => reject(req.error)
            })
            const put = (size: number) =>
              new Promise<string>((resolve) => {
                const bytes = new Uint8Array(size)
                for (let i = 0; i < size; i += 65536)
                  crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)))
                const tx = db.transaction('blobs', 'readwrite')
                tx.objectStore('blobs').add(bytes)
                tx.oncomplete = () => resolve('ok')
                tx.onabort = () => resolve(tx.error?.name ?? 'aborted')
              })
            let refused = 0
            for (let size = 512 * 1024; size >= 64; size = Math.floor(size / 2)) {
              for (;;) {
                const r = await put(size)
                if (r === 'ok') continue
                if (r !== 'QuotaExceededError') throw new Error(`filler write failed: ${r}`)
                refused++
                break
              }
            }
            db.close()
            return refused
          })
        const freeSpace = () =>
          page.evaluate(
            () =>
              new Promise<void>((resolve, reject) => {
                const req = indexedDB.deleteDatabase('durability-filler')
                req.onsuccess = () => resolve()
                req.onerror = () => reject(req.error)
              }),
          )
        expect(await fill()).toBeGreaterThan(0)
        figures.quotaErrors++

        // An edit now cannot be stored: the user is told, in Vietnamese, and the form does not claim "saved".
        const second = await newArea(page)
        await setFloorArea(page, second)
        figures.edits++
        await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Bộ nhớ của máy đã đầy')
        expect(await saveState(page).getAttribute('data-state')).toBe('saving')

        // Space freed: the app saves by itself.
        await freeSpace()
        await saveState(page).and(page.locator('[data-state="saved"]')).waitFor()
        figures.acknowledged++
        await closeHousehold(page)

        // Full again, then the app is reloaded: what was saved is there and the household opens whole.
        expect(await fill()).toBeGreaterThan(0)
        figures.quotaErrors++
        await page.reload()
        await offlineAgain(page)
        await unlock(page) // the lock's own bookkeeping cannot be written: the user gets in all the same, and is told
        await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Bộ nhớ của máy đã đầy')
        // A household never opened on this phone needs a write to open: it is refused, and the user is told why.
        const fresh = (await editableRowIds(page, 2)).find((r) => r !== id)!
        await page.locator(`[data-testid="household-row"][data-id="${fresh}"]`).click()
        await expect
          .poll(() => page.getByTestId('household-open-failed').textContent())
          .toContain('Bộ nhớ của máy đã đầy nên chưa mở được hộ này lần đầu')
        await closeHousehold(page)
        await openHousehold(page, id)
        const kept = await floorArea(page)
        if (kept !== second) figures.losses++
        expect(kept).toBe(second)

        await freeSpace()
        await context.setOffline(false)
        await saveState(page).and(page.locator('[data-state="synced"]')).waitFor()
        expect((await serverHousehold(e.server, id))?.dwelling.floorAreaM2).toBe(Number(second))
        await closeHousehold(page)
        await openHousehold(page, fresh) // space again: the household refused above opens
        await closeHousehold(page)
        await cdp.send('Storage.overrideQuotaForOrigin', { origin: e.baseUrl })
        await context.close()
        figures.trials++
      }
    },
    SCENARIO_MS,
  )

  it(
    'keeps unsynced edits across an app update and syncs them after it',
    async () => {
      const { page, context } = await e.newPhone()
      // The sync socket is held (opened, never answered) until released: edits stay unsynced while the network is up.
      let release = false
      const held: WebSocketRoute[] = []
      await context.routeWebSocket(/\/sync/, (ws) => {
        if (release) ws.connectToServer()
        else held.push(ws)
      })
      release = true
      await page.goto(e.baseUrl)
      await e.login(page)
      await waitForServiceWorker(page)
      release = false // from the reload on, the page's sync socket is held
      await page.reload()
      await unlock(page)

      const edited: [string, string][] = []
      const count = trials(2, 6)
      const ids = await editableRowIds(page, count)
      for (const rowId of ids) {
        const id = await openHousehold(page, rowId)
        const value = await newArea(page)
        await setFloorArea(page, value)
        await saveState(page).and(page.locator('[data-state="saved"]')).waitFor()
        await closeHousehold(page)
        edited.push([id, value])
        figures.edits++
        figures.acknowledged++
      }
      const unsynced = () => page.getByTestId('status-bar').getAttribute('data-unsynced').then(Number)
      await expect.poll(unsynced).toBeGreaterThanOrEqual(count)

      await page.waitForFunction(() => {
        const w = window as unknown as { __rasoat?: { update: { registered: boolean } } }
        return w.__rasoat?.update.registered === true
      })
      appendFileSync(join(e.clientDir, 'sw.js'), `\n// release ${SEED}-${Date.now()}\n`)
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update())
      await page.getByTestId('update-banner').waitFor()
      await Promise.all([page.waitForEvent('load'), page.getByTestId('btn-update').click()])
      await unlock(page)
      figures.updates++
      expect(
        await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null),
      ).toBeNull()
      // Still unsynced after the update: the outbox was kept.
      await expect.poll(unsynced).toBeGreaterThanOrEqual(count)
      for (const [id] of edited)
        expect(await page.locator(`[data-testid="household-row"][data-id="${id}"]`).getAttribute('data-sync')).toBe(
          'saved',
        )

      for (const [id, value] of edited)
        expect((await serverHousehold(e.server, id))?.dwelling.floorAreaM2).not.toBe(Number(value))

      // The socket is released: everything pending reaches the server.
      release = true
      for (const ws of held.splice(0)) await ws.close()
      await page.locator('[data-testid="status-bar"][data-phase="synced"][data-unsynced="0"]').waitFor()
      for (const [id, value] of edited) {
        const got = (await serverHousehold(e.server, id))?.dwelling.floorAreaM2
        if (got !== Number(value)) figures.losses++
        expect(got).toBe(Number(value))
      }
      figures.trials++
    },
    SCENARIO_MS,
  )
})
