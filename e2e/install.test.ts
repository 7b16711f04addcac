// PWA install criteria in real Chromium: a valid linked manifest with 192/512/maskable PNG icons, a service worker
// that is active and controls the page after a reload, and an app shell that loads with the network off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  closeHousehold,
  DEMO_PASSWORD,
  openHousehold,
  setFloorArea,
  startE2E,
  waitForServiceWorker,
  type E2E,
} from './harness.ts'

let e: E2E & { clientDir: string }
beforeAll(async () => {
  e = await startE2E({ copyClient: true })
})
afterAll(async () => {
  await e?.stop()
})

describe('installable PWA', () => {
  it('links a valid web manifest (name, standalone, lang vi, theme colour, 192/512/maskable icons)', async () => {
    const { page } = await e.newPhone()
    await page.goto(e.baseUrl)
    const href = await page.locator('link[rel="manifest"]').getAttribute('href')
    expect(href).toBeTruthy()
    const manifest = await page.evaluate(async (h) => (await fetch(h)).json(), href!)
    expect(manifest).toMatchObject({
      name: 'Rà soát hộ nghèo',
      short_name: 'rasoat',
      display: 'standalone',
      lang: 'vi',
      start_url: '/',
      theme_color: expect.stringMatching(/^#/),
    })
    const icons = manifest.icons as { src: string; sizes: string; type: string; purpose?: string }[]
    expect(icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`).sort()).toEqual([
      '192x192 any',
      '512x512 any',
      '512x512 maskable',
    ])
    for (const icon of icons) {
      const head = await page.evaluate(async (src) => {
        const r = await fetch(src)
        const b = new Uint8Array(await r.arrayBuffer())
        return {
          status: r.status,
          type: r.headers.get('content-type'),
          png: b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47,
        }
      }, icon.src)
      expect(head).toMatchObject({ status: 200, png: true })
    }
  })

  it('registers a service worker that is active, controls the page after a reload, and serves the shell offline', async () => {
    const { page, context } = await e.newPhone()
    await page.goto(e.baseUrl)
    await page.getByTestId('login-form').waitFor()
    expect(await waitForServiceWorker(page)).toBe('activated')
    await page.reload()
    await page.getByTestId('login-form').waitFor()
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)

    await context.setOffline(true)
    await page.reload()
    await page.getByTestId('login-form').waitFor()
    // a deep link falls back to the precached index.html as well
    await page.goto(`${e.baseUrl}/households/anything`)
    await page.getByTestId('login-form').waitFor()
    // an offline first sign-in says why it cannot work, in Vietnamese
    await page.getByTestId('login-username').fill('enum1')
    await page.getByTestId('login-password').fill('x')
    await page.getByTestId('btn-login').click()
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('Không có mạng')
    await context.setOffline(false)
  })

  it('offers a new version as a prompt, holds it while a form is open, applies it after, and keeps the edit', async () => {
    const { page } = await e.newPhone()
    await page.goto(e.baseUrl)
    await e.login(page)
    await waitForServiceWorker(page)
    await page.reload()
    await page.getByTestId('unlock-password').fill(DEMO_PASSWORD)
    await page.getByTestId('btn-unlock').click()
    const id = await openHousehold(page)
    await setFloorArea(page, '61')

    // The app must be listening for updates before one is published: after the reload its Workbox registers again,
    // and an update found before that could be missed (the banner would then wait for the hourly check).
    await page.waitForFunction(() => {
      const w = window as unknown as { __rasoat?: { update: { registered: boolean } } }
      return w.__rasoat?.update.registered === true
    })
    // publish a new service worker and let the page notice it (the app also checks hourly)
    appendFileSync(join(e.clientDir, 'sw.js'), `\n// release ${Date.now()}\n`)
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update())
    await page.getByTestId('update-banner').waitFor()
    expect(await page.getByTestId('btn-update').count()).toBe(0) // a form is open: the update waits
    expect(await page.getByTestId('update-banner').textContent()).toContain('đóng phiếu')

    await closeHousehold(page)
    await Promise.all([page.waitForEvent('load'), page.getByTestId('btn-update').click()])
    await page.getByTestId('unlock-password').fill(DEMO_PASSWORD)
    await page.getByTestId('btn-unlock').click()
    await page.getByTestId('household-list').waitFor()
    expect(
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null),
    ).toBeNull()
    expect(await page.getByTestId('update-banner').count()).toBe(0)
    await openHousehold(page, id)
    await page.getByTestId('btn-step-dwelling').click()
    expect(await page.getByTestId('field-dwelling.floorAreaM2').inputValue()).toBe('61')
  })
})
