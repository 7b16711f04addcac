// Supervisors, admins and observers review: their browser never runs the /sync area bootstrap (no household databases
// in IndexedDB), lists households from the paged HTTP list, opens one from the server on demand into memory, and sees
// it read-only (inputs disabled, no submit) with its photos served by the server.
import { createHash } from 'node:crypto'
import { WebSocket } from 'ws'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { docDatabaseName } from '../client/storage/doc-files.ts'
import { HouseholdDoc } from '../shared/doc/household-doc.ts'
import type { Device } from '../client/app/device.ts'
import { DEMO_PASSWORD, serverHousehold, startE2E, type E2E } from './harness.ts'
import { jpegFromPage } from './photo-bytes.ts'

let e: E2E
let household: { id: string; headName: string }
let sha = ''

const tid = (page: Page, id: string) => page.getByTestId(id)

/** IndexedDB databases of the page's origin that hold household documents (one per household, docDatabaseName). */
async function householdDatabases(page: Page): Promise<string[]> {
  const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''))
  expect(names).toContain('rasoat') // the device's settings and (empty) summary database
  return names.filter((n) => n.startsWith(docDatabaseName('')))
}

/** The app's read-only handles (main.ts), inside page.evaluate. */
declare function rasoat(): { device: Device }

/** Sign in as a reviewer (no sync status to wait for: the list comes from the server). */
async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(e.baseUrl)
  await tid(page, 'login-username').fill(username)
  await tid(page, 'login-password').fill(DEMO_PASSWORD)
  await tid(page, 'btn-login').click()
  await tid(page, 'review-list').waitFor()
}

async function openFromSearch(page: Page): Promise<void> {
  await tid(page, 'review-search').fill(household.headName)
  await tid(page, 'review-search').press('Enter')
  await page.locator(`[data-testid="review-row"][data-id="${household.id}"]`).click()
  await page.locator('[data-testid="household-screen"][data-source="server"]').waitFor()
  await page.locator('[data-testid="survey-readonly"][data-reason="role"]').waitFor()
}

beforeAll(async () => {
  e = await startE2E()
  // A household in the supervisor's commune, with a photo on the server attached to its document.
  const token = await e.apiToken('admin1')
  const supToken = await e.apiToken('sup1')
  const list = (await (
    await fetch(`${e.baseUrl}/api/households?limit=1`, { headers: { authorization: `Bearer ${supToken}` } })
  ).json()) as {
    households: { id: string; headName: string }[]
  }
  household = list.households[0]!
  const { page } = await e.newPhone()
  await page.goto(e.baseUrl)
  const jpeg = await jpegFromPage(page, 320, 240, '#7d3a3a')
  await page.context().close()
  sha = createHash('sha256').update(jpeg).digest('hex')
  const put = await fetch(`${e.baseUrl}/api/photos/${sha}?household=${household.id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
    body: new Uint8Array(jpeg),
  })
  expect(put.status).toBeLessThan(300)
  const ydoc = new Y.Doc()
  const provider = new WebsocketProvider(`${e.baseUrl.replace(/^http/, 'ws')}/yjs`, household.id, ydoc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: { token },
  })
  try {
    await new Promise<void>((resolve) => provider.on('sync', (synced: boolean) => synced && resolve()))
    expect(
      new HouseholdDoc(ydoc).attachPhoto({ sha256: sha, kind: 'house', capturedAt: '2026-12-01T08:00:00.000Z' }).ok,
    ).toBe(true)
    // Acknowledged means committed: wait for the server's copy to carry the photo.
    for (let i = 0; (await serverHousehold(e.server, household.id))?.photos.length !== 1; i++) {
      if (i > 600) throw new Error('the photo was never committed')
      await new Promise<void>((resolve) => setTimeout(resolve, 50))
    }
  } finally {
    provider.destroy()
  }
})
afterAll(async () => {
  await e?.stop()
})

describe('read-only roles', () => {
  it('admin: no area download, opens one household from the server read-only, photo shown from the server', async () => {
    const { page } = await e.newPhone()
    const sockets: string[] = []
    page.on('websocket', (ws) => sockets.push(ws.url()))
    await page.addInitScript(() =>
      Object.assign(window, { rasoat: () => (window as unknown as { __rasoat: unknown }).__rasoat }),
    )
    await signIn(page, 'admin1')
    await tid(page, 'review-row').first().waitFor()
    // No household documents and no summary rows of the area in the browser.
    expect(await householdDatabases(page)).toEqual([])
    expect(await page.evaluate(() => rasoat().device.index.all().length)).toBe(0)

    await openFromSearch(page)
    // Answers visible: the head's name is the server's; every input of the form is disabled; no submit.
    await tid(page, 'btn-step-members').click()
    await expect(tid(page, 'field-head.fullName').inputValue()).resolves.toBe(household.headName)
    await expect(tid(page, 'field-head.fullName').isDisabled()).resolves.toBe(true)
    await expect(tid(page, 'field-address').isDisabled()).resolves.toBe(true)
    await expect(page.locator('.survey main :is(input, select, textarea):enabled').count()).resolves.toBe(0)
    await expect(tid(page, 'btn-add-member').count()).resolves.toBe(0)
    await tid(page, 'btn-step-result').click()
    await expect(tid(page, 'btn-submit').count()).resolves.toBe(0)

    await tid(page, 'btn-step-photos').click()
    const photo = page.locator(`[data-testid="photo"][data-sha256="${sha}"][data-state="server"] img`)
    await photo.waitFor()
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320)
    await expect(tid(page, 'btn-remove-photo').count()).resolves.toBe(0)

    // Opening it stored nothing and no /sync (or /yjs) socket was ever opened.
    expect(await householdDatabases(page)).toEqual([])
    expect(sockets).toEqual([])

    // Rows left by an earlier area download (an older version of the app) are dropped when the reviewer opens the app.
    await page.evaluate(() => rasoat().device.summary.updateHouseholds(['old-area-row'], (row) => row, 'strict'))
    await page.reload()
    await tid(page, 'unlock-password').fill(DEMO_PASSWORD)
    await tid(page, 'btn-unlock').click()
    await tid(page, 'review-list').waitFor()
    await expect.poll(() => page.evaluate(async () => (await rasoat().device.summary.allHouseholds()).length)).toBe(0)
    expect(await page.evaluate(() => rasoat().device.index.all().length)).toBe(0)
  })

  it('observer cannot type: every field disabled, nothing written, the server keeps its value', async () => {
    const before = await serverHousehold(e.server, household.id)
    const { page } = await e.newPhone()
    await signIn(page, 'obs1')
    await openFromSearch(page)
    await tid(page, 'btn-step-members').click()
    const head = tid(page, 'field-head.fullName')
    await expect(head.isDisabled()).resolves.toBe(true)
    await head.click({ force: true })
    await page.keyboard.type('XYZ')
    await expect(head.inputValue()).resolves.toBe(household.headName)
    await tid(page, 'btn-edit-member-0').click()
    await expect(page.locator('.survey main :is(input, select, textarea):enabled').count()).resolves.toBe(0)
    await tid(page, 'btn-step-dwelling').click()
    await expect(page.locator('.survey main :is(input, select, textarea):enabled').count()).resolves.toBe(0)
    expect(await serverHousehold(e.server, household.id)).toEqual(before)
    expect(await householdDatabases(page)).toEqual([])
  })

  it('supervisor lists only the own commune from the server and opens a household the same way', async () => {
    const { page } = await e.newPhone()
    await signIn(page, 'sup1')
    await tid(page, 'review-mode').waitFor()
    await page.locator(`[data-testid="review-row"][data-id="${household.id}"]`).waitFor()
    // The rows are the server's scoped page for the supervisor (the commune), not an area held in the browser.
    const token = await e.apiToken('sup1')
    const scoped = (await (
      await fetch(`${e.baseUrl}/api/households?limit=50`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
      households: { id: string; unitCode: string }[]
    }
    expect(new Set(scoped.households.map((h) => h.unitCode)).size).toBe(1)
    const shown = await page.getByTestId('review-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))
    expect(shown).toEqual(scoped.households.map((h) => h.id))
    await openFromSearch(page)
    await expect(tid(page, 'btn-submit').count()).resolves.toBe(0)
  })
})
