// The inactivity lock in Chromium: a PIN set after the first online login; idle time locks the app over the open
// form without losing typed input (it is written first); the PIN opens it and, after a reload the same day, opens
// the app; wrong PINs fall back to the password, also across a reload.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PIN_ATTEMPTS } from '../client/app/app-lock.ts'
import { DEMO_PASSWORD, serverHousehold, startE2E, unlock, type E2E, type Phone } from './harness.ts'

let e: E2E
let phone: Phone
const PIN = '2580'
const tid = (page: Page, testId: string) => page.getByTestId(testId)

beforeAll(async () => {
  e = await startE2E()
  phone = await e.newPhone()
  // The page's clock runs normally; the idle test moves it on (Date and timers) instead of waiting 15 minutes. A PIN
  // opens the app on the day of the last password only, so the clock starts early enough that moving it on never
  // crosses midnight, whatever the hour the suite runs at.
  const start = new Date()
  if (start.getHours() >= 22) start.setHours(20)
  await phone.page.clock.install({ time: start })
})
afterAll(async () => {
  await e?.stop()
})

async function enterPin(page: Page, pin: string): Promise<void> {
  await tid(page, 'unlock-pin').fill(pin)
  await tid(page, 'btn-unlock-pin').click()
}

describe('inactivity lock with a PIN', () => {
  it('after the first online login the app offers a PIN; a bad one is refused, a good one is kept only as a hash', async () => {
    const { page } = phone
    await e.login(page)
    await tid(page, 'pin-offer').waitFor()
    await tid(page, 'btn-pin-offer').click()
    await expect(tid(page, 'pin-state').getAttribute('data-set')).resolves.toBe('false')
    await tid(page, 'settings-pin').fill(PIN)
    await tid(page, 'settings-pin-repeat').fill('2581')
    await tid(page, 'btn-save-pin').click()
    await expect(tid(page, 'settings-message').textContent()).resolves.toContain('không khớp')
    await tid(page, 'settings-pin').fill(PIN)
    await tid(page, 'settings-pin-repeat').fill(PIN)
    await tid(page, 'btn-save-pin').click()
    await page.locator('[data-testid="pin-state"][data-set="true"]').waitFor()
    const stored = await page.evaluate(() =>
      JSON.stringify(
        (window as unknown as { __rasoat: { app: { lock: { settings: unknown } } } }).__rasoat.app.lock.settings,
      ),
    )
    expect(stored).toContain('PBKDF2-SHA256')
    expect(stored).not.toContain(PIN)
  })

  it('idle minutes lock the app over the open form; typed text is written first and still there after the PIN', async () => {
    const { page } = phone
    await tid(page, 'nav-list').click()
    await tid(page, 'household-row').first().click()
    await tid(page, 'survey').waitFor()
    const id = (await tid(page, 'household-screen').getAttribute('data-id')) ?? ''
    await tid(page, 'btn-step-dwelling').click()
    const area = tid(page, 'field-dwelling.floorAreaM2')
    await area.fill('63') // typed, not confirmed: the field keeps focus

    // The app's clock runs 16 minutes on with no tap or key: the idle check locks (default 15 minutes).
    await page.clock.fastForward('16:00')
    await tid(page, 'lock-cover').waitFor()
    await expect(page.locator('.shell').getAttribute('inert')).resolves.not.toBeNull()
    await expect
      .poll(async () => (await serverHousehold(e.server, id))?.dwelling.floorAreaM2, { timeout: 90_000 })
      .toBe(63)

    await enterPin(page, '0000')
    await expect(tid(page, 'unlock-error').textContent()).resolves.toContain(`${PIN_ATTEMPTS - 1}`)
    await enterPin(page, PIN)
    await expect.poll(() => tid(page, 'lock-cover').count()).toBe(0)
    await expect(area.inputValue()).resolves.toBe('63')
  })

  it('re-opening the app the same day needs only the PIN', async () => {
    const { page } = phone
    await page.reload()
    await page.locator('[data-testid="unlock-form"][data-mode="pin"]').waitFor()
    await enterPin(page, PIN)
    await tid(page, 'household-list').waitFor()
  })

  it(`${PIN_ATTEMPTS} wrong PINs fall back to the password, also after a reload`, async () => {
    const { page } = phone
    await tid(page, 'btn-menu').click()
    await tid(page, 'btn-lock-now').click()
    await tid(page, 'lock-cover').waitFor()
    for (let left = PIN_ATTEMPTS - 1; left > 0; left--) {
      await enterPin(page, '1111')
      await expect.poll(() => tid(page, 'unlock-error').textContent()).toContain(`còn ${left} lần`)
    }
    await enterPin(page, '1111')
    await page.locator('[data-testid="unlock-form"][data-mode="password"]').waitFor()
    await expect(tid(page, 'unlock-error').textContent()).resolves.toContain('mật khẩu')
    await page.reload()
    await page.locator('[data-testid="unlock-form"][data-mode="password"]').waitFor()
    await unlock(page, DEMO_PASSWORD)
    // The password starts a new count: the PIN works again.
    await tid(page, 'btn-menu').click()
    await tid(page, 'btn-lock-now').click()
    await enterPin(page, PIN)
    await expect.poll(() => tid(page, 'lock-cover').count()).toBe(0)
  })
})
